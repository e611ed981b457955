"""Payables in Django admin: what the brand owes, by partner; approve, pay with a reference, void, export as CSV.

Every change is a list action or a page that calls one service (``production.services.payables``);
the payable's page itself is read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from config.admin_filters import AutocompleteFilter, AutocompleteFilterMedia
from config.errors import DomainError
from config.money import currency
from config.numbers import counted
from production import services
from production.admin.forms import RateForm
from production.admin.units import form_page
from production.admin.views import render_page, run_url
from production.exports import payables_csv
from production.models import Payable, PayableStatus
from production.services.payables import rate_refusal

STATUS_ORDER = [PayableStatus.OPEN, PayableStatus.APPROVED, PayableStatus.PAID]


class MonthFilter(admin.SimpleListFilter):
    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (Payable.objects.annotate(month=TruncMonth("created_at")).order_by("-month")
                  .values_list("month", flat=True).distinct()[:24])
        return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months if m]

    def queryset(self, request, queryset):
        if self.value():
            year, _, month = self.value().partition("-")
            if year.isdigit() and month.isdigit():
                return queryset.filter(created_at__year=int(year), created_at__month=int(month))
            return queryset.none()
        return queryset


def partner_totals(queryset) -> list[dict]:
    """Per partner: what is open, approved and paid (void left out), with bar widths against the largest total."""
    sums = {status: Sum("amount", filter=Q(status=status)) for status in STATUS_ORDER}
    rows = list(queryset.order_by().values("partner__name").annotate(payables=Count("id"), **sums)
                .order_by("partner__name"))
    largest = max((sum(r[s] or 0 for s in STATUS_ORDER) for r in rows), default=0)
    for row in rows:
        row["segments"] = [(PayableStatus(s).label, s, row[s] or 0,
                            float(100 * (row[s] or 0) / largest) if largest else 0) for s in STATUS_ORDER]
        row["total"] = sum(row[s] or 0 for s in STATUS_ORDER)
    return rows


class PayForm(forms.Form):
    reference = forms.CharField(max_length=200, required=False,
                                help_text="The bank transfer's reference, say; it goes to the CSV for accounting.")


@admin.register(Payable)
class PayableAdmin(AutocompleteFilterMedia, admin.ModelAdmin):
    list_display = ["id", "partner", "run_link", "design", "kind", "units", "rate_label", "amount_label", "status",
                    "reference", "created_at"]
    list_display_links = ["id"]
    list_filter = ["status", ("partner", AutocompleteFilter), MonthFilter, "kind"]
    list_select_related = ["partner", "run__design"]
    search_fields = ["id__exact", "partner__name", "reference", "run__id__exact", "run__design__name"]
    actions = ["approve_selected", "pay_selected", "export_csv"]
    readonly_fields = ["run_link", "partner", "kind", "status", "units", "rate_label", "amount_label", "reference",
                       "note", "created_at", "approved_at", "approved_by", "paid_at", "paid_by", "voided_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # born when a run completes

    def has_delete_permission(self, request, obj=None):
        return False  # void instead: accounting keeps every row

    def has_change_permission(self, request, obj=None):
        # A payable's page is read-only; it changes through the list's actions (each a service call).
        return obj is None and super().has_change_permission(request)

    @admin.display(description="run", ordering="run_id")
    def run_link(self, payable):
        return format_html('<a href="{}">{}</a>', run_url(payable.run_id), payable.run)

    @admin.display(description="design", ordering="run__design__name")
    def design(self, payable):
        return payable.run.design.name

    @admin.display(description="rate")
    def rate_label(self, payable):
        return f"{payable.rate} {payable.currency} {payable.get_rate_type_display().lower()}"

    @admin.display(description="amount", ordering="amount")
    def amount_label(self, payable):
        return f"{payable.amount} {payable.currency}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("pay/", wrap(self.pay_view), name="production_payable_pay"),
                path("export/", wrap(self.export_view), name="production_payable_export"),
                *super().get_urls()]

    def export_view(self, request):
        """The list as filtered on screen, as CSV (the same columns as the API's export)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return redirect("admin:production_payable_changelist")
        return csv_response(queryset)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            cl = response.context_data["cl"]
            response.context_data.update(totals=partner_totals(cl.queryset), currency=currency(),
                                         export_url=f"{reverse('admin:production_payable_export')}?"
                                                    f"{request.GET.urlencode()}")
        return response

    @admin.action(description="Approve selected payables (all or none)", permissions=["change"])
    def approve_selected(self, request, queryset):
        try:
            approved = services.payables_approve(ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, f"Approved {counted(len(approved), 'payable')}.",
                              messages.SUCCESS)

    @admin.action(description="Mark selected payables paid…", permissions=["change"])
    def pay_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.order_by("id").values_list("pk", flat=True))
        return redirect(f"{reverse('admin:production_payable_pay')}?ids={ids}")

    @admin.action(description="Export selected payables as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(queryset)

    def pay_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.isdigit() and len(pk) < 19]
        chosen = Payable.objects.filter(pk__in=ids).select_related("partner", "run__design").order_by("id")
        form = PayForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            paid, refused = [], []
            for payable in chosen:
                try:
                    paid.append(services.payable_pay(payable=payable, actor=request.user, **form.cleaned_data))
                except DomainError as exc:
                    refused.append(exc.message)
            if paid:
                messages.success(request, f"Marked paid: {', '.join(str(p) for p in paid)}.")
            for message in refused:
                messages.error(request, message)
            return redirect("admin:production_payable_changelist")
        total = sum((p.amount for p in chosen), 0)
        return render_page(request, self, "admin/production/payable_pay.html", "Mark payables paid", form=form,
                           payables=chosen, total=total, currency=currency())


def csv_response(queryset) -> HttpResponse:
    response = HttpResponse(payables_csv(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="payables.csv"'
    return response


def can_set_rate(run) -> bool:
    return rate_page_verdict(run) is True


def rate_page_verdict(run) -> bool | str:
    """True, or why the rate page is refused. A run without a partner is paid through the runs it is split into:
    their rates come from Allocate (or the design's partner links), so a rate set here would change nothing anyone
    is paid. The API still takes it."""
    if run.partner_id is None:
        return f"{run} has no partner: the runs it is split into take their rates from Allocate."
    why = rate_refusal(run)
    return f"{run} {why}." if why else True


def set_rate(model_admin, request, pk: int):
    """A run's page: change the rate agreed with its partner (until the partner accepts the run)."""
    return form_page(
        model_admin, request, pk, allowed=rate_page_verdict, form_class=RateForm,
        initial=lambda run: {"rate": run.rate, "rate_type": run.rate_type},
        call=lambda run, data: services.run_set_rate(run=run, actor=request.user, **data),
        done=lambda run, result: f"{result}: " + (
            f"the rate is now {result.rate} {currency()} {result.get_rate_type_display().lower()}."
            if result.rate is not None else "no rate now (no payable when it completes)."),
        title="Change rate",
    )
