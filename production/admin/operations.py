"""The operations side of production in admin: the activity log, the policy and the staff inbox."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from config.numbers import counted
from config.service_admin import ViewOnlyAdminMixin
from production import services
from production.models import Alert, ProductionPolicy, ProductionRunActivity, RunStatus
from production.services.policy import REMINDER_FIELDS
from production.templatetags.production_admin import run_status


class ToStatusFilter(admin.SimpleListFilter):
    """The status an activity left the run in, by its label (the column holds the code)."""

    title = "to status"
    parameter_name = "to_status"

    def lookups(self, request, model_admin):
        return RunStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(to_status=self.value()) if self.value() else queryset


@admin.register(ProductionRunActivity)
class ProductionRunActivityAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: read-only."""

    list_display = ["created_at", "run", "actor_label", "verb", "from_label", "to_label", "note"]
    list_filter = ["verb", ToStatusFilter]
    list_select_related = ["run", "actor"]
    search_fields = ["run__id__exact", "note", "actor__username"]
    date_hierarchy = "created_at"
    fields = ["created_at", "run", "actor_label", "verb", "from_label", "to_label", "note", "details"]
    readonly_fields = fields  # one entry's page, in words: labels, not codes or JSON

    @admin.display(description="details")
    def details(self, activity):
        def words(value) -> str:  # nested data too: {"rate": None, "rate_type": "per_unit"} -> "rate none, ..."
            if isinstance(value, dict):
                return ", ".join(f"{key.replace('_', ' ')} {words(item)}" for key, item in value.items())
            if isinstance(value, list):
                return ", ".join(map(words, value))
            return "none" if value is None else str(value).replace("_", " ")

        return "; ".join(f"{key.replace('_', ' ')}: {words(value)}" for key, value in activity.data.items()) or "-"

    @admin.display(description="actor")
    def actor_label(self, activity):
        return activity.actor_label

    @admin.display(description="from status", ordering="from_status")
    def from_label(self, activity):
        return run_status(activity.from_status)

    @admin.display(description="to status", ordering="to_status")
    def to_label(self, activity):
        return run_status(activity.to_status)


@admin.register(ProductionPolicy)
class ProductionPolicyAdmin(admin.ModelAdmin):
    """One row (id 1): the list goes straight to it; saving goes through policy_update."""

    fieldsets = [
        (None, {"fields": ["auto_dispatch"]}),
        ("Reminder ladder", {
            "fields": ["accept_after_hours", "start_after_hours", "idle_after_hours", "reminder_cap",
                       "same_partner_retries"],
            "description": "Partners are reminded by email and in the hub. A partner who never answers gets "
                           "cap × (1 + retries) reminders, then the run is parked for reassignment; a partner "
                           "who accepted but does not move is escalated to staff after cap reminders.",
        }),
        (None, {"fields": ["updated_at"]}),
    ]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:production_productionpolicy_change", ProductionPolicy.load().pk)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.policy_update(
            auto_dispatch=data["auto_dispatch"], actor=request.user,
            reminders={api_name: data[field] for api_name, field in REMINDER_FIELDS.items()},
        )


class UnreadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("yes", "Unread"), ("no", "Read")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.unread()
        if self.value() == "no":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Alert)
class AlertAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The staff inbox: what needs someone, newest first; reading is the one change (alert_mark_read)."""

    list_display = ["created_at", "kind_badge", "run_link", "partner", "message", "read"]
    list_filter = [UnreadFilter, "kind"]
    list_select_related = ["run", "partner"]
    search_fields = ["message", "run__id__exact", "partner__name"]
    date_hierarchy = "created_at"
    actions = ["mark_read"]

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("production.change_alert")  # the action; rows stay read-only

    @admin.display(description="kind", ordering="kind")
    def kind_badge(self, alert):
        return alert.get_kind_display()

    @admin.display(description="run")
    def run_link(self, alert):
        if alert.run_id is None:
            return "—"
        return format_html('<a href="{}">Run #{}</a>',
                           reverse("admin:production_productionrun_change", args=[alert.run_id]), alert.run_id)

    @admin.display(boolean=True, description="read")
    def read(self, alert):
        return alert.read_at is not None

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Staff inbox", **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening an alert reads it, as a partner's notification is read by opening it (for who may mark it read).
        alert = self.get_object(request, object_id)
        if alert is not None and request.method == "GET" and request.user.has_perm("production.change_alert"):
            services.alert_mark_read(alert=alert, actor=request.user)
        return super().change_view(request, object_id, form_url, {"title": "Alert", **(extra_context or {})})

    @admin.action(description="Mark selected alerts as read", permissions=["change"])
    def mark_read(self, request, queryset):
        alerts = list(queryset)
        for alert in alerts:
            services.alert_mark_read(alert=alert, actor=request.user)
        self.message_user(request, f"{counted(len(alerts), 'alert')} marked as read.", messages.SUCCESS)
