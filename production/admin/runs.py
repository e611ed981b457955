"""Production runs in Django admin: the staff's operations hub.

Runs are never edited as a form: every field is read-only (``status`` and
``dispatch_state`` are protected FSM fields) and every change is a button,
an action or a custom page that calls ``production.services``. A design's
and an order's admin pages show their runs through the ``production_admin``
template tags (designs and orders import nothing from production).
"""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django_fsm import can_proceed

from config.admin_filters import AutocompleteFilter, AutocompleteFilterMedia
from config.errors import DomainError
from config.service_admin import TimelineHistoryMixin
from production import selectors, services
from production.admin import confirm, routing_editor
from production.admin import materials as admin_materials
from production.admin import money as admin_money
from production.admin import sampling as admin_sampling
from production.admin import units as admin_units
from production.admin import views as admin_views
from production.admin.columns import RunColumns
from production.admin.filters import (
    DueFilter,
    FinishedFilter,
    ReadyFilter,
    RootFilter,
    in_reassignment_queue,
    in_review_queue,
    list_title,
)
from production.admin.next_step import next_step
from production.ledger import run_ledger
from production.models import ProductionRun, RunStatus
from tasks.models import TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection


@admin.register(ProductionRun)
class ProductionRunAdmin(AutocompleteFilterMedia, RunColumns, TimelineHistoryMixin, admin.ModelAdmin):
    history_anchor = "run-timeline"
    list_display = ["id", "design", "partner_role", "quantity", "run_type", "state", "due", "family",
                    "order", "created_at"]
    # Runs waiting for review have no partner and no dispatch yet: room for the reason instead.
    review_queue_display = ["id", "design", "why_waiting", "quantity", "order", "created_at"]
    # Runs handed back: who had it, why, and how long it has waited (the queue is oldest first).
    reassignment_queue_display = ["id", "design", "role", "quantity", "previous_partner", "handed_back_because",
                                  "waiting_for"]
    list_display_links = ["id"]
    list_filter = ["status", DueFilter, FinishedFilter, "dispatch_state", "run_type", RootFilter, ReadyFilter,
                   ("partner", AutocompleteFilter), ("design", AutocompleteFilter)]
    list_select_related = ["design", "partner", "order", "previous_partner"]
    search_fields = ["id__exact", "design__name", "design__code", "partner__name", "order__id__exact",
                     "order__external_id", "role", "order__customer_email"]
    date_hierarchy = "created_at"
    actions = ["dispatch_selected", "approve_by_routing", "redispatch_to_previous_partner"]
    fieldsets = [
        (None, {"fields": ["status", "dispatch_state", "review_reason", "run_type", "quantity", "design", "partner",
                           "role", "due", "parent_run", "remake_of"]}),
        ("Stage", {"fields": ["stage", "previous_stage_runs", "planned_quantity", "released_at", "templates_named"]}),
        ("Provenance", {"fields": ["order", "order_line_item", "product", "variant", "provenance", "captured_at"]}),
        ("Dispatch", {"fields": ["dispatch_started_by", "dispatch_started_at", "templates_used"]}),
        ("Partner's answer", {"fields": ["accepted_at", "declined_at", "decline_reason", "decline_notes",
                                         "previous_partner", "reminder_count", "last_reminded_at"]}),
        ("Money", {"fields": ["rate", "rate_type", "payables_owed"]}),
        ("Sample review", {"fields": ["review_decision", "review_notes", "reviewed_by", "reviewed_at", "redo_of",
                                      "next_round"]}),
        ("Outcome", {"fields": ["produced_quantity", "rejected_quantity", "rejection_reason", "shortfall",
                                "shortfall_reason", "completion_notes"]}),
        ("Dates", {"fields": ["created_at", "approved_at", "sent_at", "started_at", "completed_at", "cancelled_at",
                              "updated_at"], "classes": ["collapse"]}),
        ("Design snapshot", {"fields": ["design_as_captured", "snapshot"], "classes": ["collapse"]}),
        ("Metadata as stored", {"fields": ["metadata"], "classes": ["collapse"]}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    def get_urls(self):
        def page(view):  # the pages live in their modules; each takes this admin and the request
            return self.admin_site.admin_view(partial(view, self))

        return [
            path("<int:pk>/do/<slug:action>/", page(admin_views.run_transition),
                 name="production_productionrun_transition"),
            path("<int:pk>/allocate/", page(admin_views.run_allocate), name="production_productionrun_allocate"),
            path("<int:pk>/reassign/", page(admin_views.run_reassign), name="production_productionrun_reassign"),
            path("<int:pk>/complete/", page(admin_units.record_completion), name="production_productionrun_complete"),
            path("<int:pk>/correct/", page(admin_units.correct_output), name="production_productionrun_correct"),
            path("<int:pk>/remake/", page(admin_units.remake), name="production_productionrun_remake"),
            path("<int:pk>/review/", page(admin_sampling.review), name="production_productionrun_review"),
            path("<int:pk>/rate/", page(admin_money.set_rate), name="production_productionrun_rate"),
            path("<int:pk>/due-date/", page(admin_units.move_due_date), name="production_productionrun_due_date"),
            path("<int:pk>/cancel/", page(admin_units.cancel), name="production_productionrun_cancel"),
            path("send-for-sampling/", page(admin_sampling.send_for_sampling), name="production_productionrun_sample"),
            path("routing/<int:design_pk>/", page(routing_editor.edit_routing), name="production_design_routing"),
            path("export.csv", page(admin_views.run_export), name="production_productionrun_export"),
            path("confirm-templates/", page(confirm.confirm_templates),
                 name="production_productionrun_confirm_templates"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        # A run is born through run_create (snapshot, activity), never through a model form.
        if not self.has_add_permission(request):
            raise PermissionDenied
        return admin_views.run_create(self, request)

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: deleting would lose the audit trail

    # --- list ------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if in_review_queue(request):
            queryset = selectors.with_review_reason(queryset)
        return queryset

    def get_ordering(self, request):
        if in_reassignment_queue(request):
            return ["declined_at", "id"]  # the longest wait first: nothing sits forgotten at the bottom
        return super().get_ordering(request)

    def get_list_display(self, request):
        if in_review_queue(request):
            return self.review_queue_display
        if in_reassignment_queue(request):
            return self.reassignment_queue_display
        return self.list_display

    @admin.display(description="after")
    def previous_stage_runs(self, run):
        if not run.depends_on:
            return "—"
        return format_html_join(", ", '<a href="{}">Run #{}</a>', ((admin_views.run_url(pk), pk) for pk in run.depends_on))

    @admin.display(description="templates named at allocation")
    def templates_named(self, run):
        if not run.planned_templates:
            return "— (chosen at dispatch)"
        selection = TemplateSelection.from_data(run.planned_templates)
        if selection.category_id is not None:
            category = TaskTemplateCategory.objects.filter(pk=selection.category_id).first()
            return f"Category “{category.name}”" if category else f"A category since deleted (#{selection.category_id})"
        return ", ".join(TaskTemplate.objects.filter(pk__in=selection.ids).order_by("sequence", "id")
                         .values_list("name", flat=True)) or ", ".join(selection.names)

    @admin.display(description="payables")
    def payables_owed(self, run):
        return format_html_join(", ", '<a href="{}">{}</a> {} {} ({})', (
            (reverse("admin:production_payable_change", args=[p.pk]), p, p.amount, p.currency, p.get_status_display())
            for p in run.payables.order_by("id"))) or "—"

    @admin.display(description="next round")
    def next_round(self, run):
        redo = ProductionRun.objects.filter(redo_of=run).only("id").first()
        return format_html('<a href="{}">{}</a>', admin_views.run_url(redo), redo) if redo else "—"

    @admin.display(description="why not sent automatically (last check)")
    def why_waiting(self, run):
        return getattr(run, "latest_skip_reason", None) or "—"

    @admin.display(description="why not sent automatically (last check)")
    def review_reason(self, run):
        if run.status != RunStatus.PENDING_REVIEW:
            return "—"
        return selectors.review_reason(run) or "—"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "review_queue_url": f"{reverse('admin:production_productionrun_changelist')}"
                                f"?status__exact={RunStatus.PENDING_REVIEW}",
            "reassignment_queue_url": admin_views.reassignment_queue_url(),
            "confirm_templates_url": admin_views.confirm_templates_url(),
            "export_url": f"{reverse('admin:production_productionrun_export')}?{request.GET.urlencode()}",
            "title": list_title(request),
        }
        return super().changelist_view(request, extra_context)

    # --- actions -----------------------------------------------------------------------------

    @admin.action(description="Dispatch selected runs", permissions=["change"])
    def dispatch_selected(self, request, queryset):
        waiting, sent = [], []
        for run in queryset.order_by("id"):
            try:
                run = services.dispatch_start(run=run, actor=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            (waiting if run.is_awaiting_templates() else sent).append(run)
        if sent:
            self.message_user(request, "Sent with the templates named at allocation: "
                              + ", ".join(str(run) for run in sent), messages.SUCCESS)
        if waiting:
            self.message_user(request, format_html(
                'Waiting for templates: {}. <a href="{}">Confirm templates</a>.',
                ", ".join(str(run) for run in waiting), admin_views.confirm_templates_url(),
            ), messages.SUCCESS)

    @admin.action(description="Send back to the previous partner (second chance)…", permissions=["change"])
    def redispatch_to_previous_partner(self, request, queryset):
        return admin_views.redispatch(self, request, queryset)

    @admin.action(description="Approve by routing (and dispatch)", permissions=["change"])
    def approve_by_routing(self, request, queryset):
        done, refused = services.runs_approve_by_routing(runs=queryset.order_by("id"), actor=request.user)
        if done:
            self.message_user(request, "Approved by routing: " + ", ".join(str(run) for run in done), messages.SUCCESS)
        for run_id, reason in refused.items():
            self.message_user(request, f"Run #{run_id} not approved: {reason}", messages.ERROR)

    # --- the change page: read-only, with buttons and the run's family, tasks and timeline ----------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            # Read-only page: a run changes only through the buttons above it (each a service call).
            return HttpResponseNotAllowed(["GET"])
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.fieldsets
        if obj is not None and obj.parent_run_id is None:
            fieldsets = [f for f in fieldsets if f[0] != "Stage"]  # a root's stages are its children's (the ledger)
        if obj is not None and obj.run_type != ProductionRun.RunType.SAMPLE:
            fieldsets = [f for f in fieldsets if f[0] != "Sample review"]
        hidden = set()
        if obj is not None and obj.status != RunStatus.PENDING_REVIEW:
            hidden.add("review_reason")  # it only means something while the run waits for review
        if obj is not None and obj.status == RunStatus.AWAITING_REASSIGNMENT:
            hidden.add("dispatch_state")  # the declined sending's "Dispatched" would mislead: it waits for a partner
        if obj is not None and obj.has_children():  # a parent is never dispatched: its children are
            hidden.add("dispatch_state")
            fieldsets = [f for f in fieldsets if f[0] not in ("Dispatch", "Partner's answer")]
        if obj is not None:  # sections with nothing in them yet are left out (the README says so)
            fieldsets = [f for f in fieldsets if self._section_has_content(f[0], obj)]
        main = [f for f in fieldsets[0][1]["fields"] if f not in hidden]
        return [(None, {"fields": main}), *fieldsets[1:]]

    @staticmethod
    def _section_has_content(title: str | None, run: ProductionRun) -> bool:
        if title == "Dispatch":
            return run.partner_id is not None or run.dispatch_started_at is not None or run.sent_at is not None
        if title == "Partner's answer":
            return run.sent_at is not None or run.previous_partner_id is not None
        if title == "Money":
            return run.partner_id is not None or run.rate is not None or run.previous_partner_id is not None
        if title == "Sample review":
            return bool(run.review_decision) or run.status == RunStatus.COMPLETED
        if title == "Outcome":
            return run.produced_quantity is not None or run.status in (RunStatus.COMPLETED, RunStatus.CANCELLED)
        return True

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self._run_page_context(obj))
        context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _run_page_context(self, run):
        # Buttons follow the state machine itself (transition sources and guards); the services
        # still have the last word when the button is pressed.
        ledger = run_ledger(run) if run.parent_run_id is None and run.status != RunStatus.PENDING_REVIEW else None
        children = list(run.children.select_related("partner").order_by("stage", "id"))
        can_review = run.run_type == ProductionRun.RunType.SAMPLE and admin_sampling.can_review(run)
        missing = admin_units.missing_units(run, ledger)
        return {
            "next_step": next_step(run, children=children, can_review=can_review, missing=missing),
            "can_record_completion": admin_units.can_record_completion(run),
            "can_correct": admin_units.can_correct(run),
            "can_set_rate": admin_money.can_set_rate(run),
            "can_move_due_date": admin_units.can_move_due_date(run),
            "can_review": can_review,
            "missing_units": missing,
            "ledger": admin_units.ledger_picture(ledger) if ledger else None,
            "ledger_data": ledger,
            "can_allocate": can_proceed(run.approve),
            "can_dispatch": can_proceed(run.dispatch_start),
            "awaiting_templates": run.is_awaiting_templates(),
            "can_cancel": can_proceed(run.cancel),
            "can_reassign": can_proceed(run.reassign),
            "confirm_url": admin_views.confirm_templates_url(run),
            "children": children,
            "tasks": (tasks := selectors.run_tasks_for_staff(run)),
            "tasks_of_several_partners": len({t.partner_id for t in tasks}) > 1,
            "activities": run.activities.select_related("actor").order_by("created_at", "id"),
            **admin_materials.run_page_context(run),
        }
