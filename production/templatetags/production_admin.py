"""What the design and order admin pages show of production, without designs or orders importing production.

``templates/admin/designs/design/change_form.html`` and
``templates/admin/orders/order/change_form.html`` load these tags; the Python
of designs and orders knows nothing about runs.
"""

from urllib.parse import urlencode

from django import template
from django.db.models import Count
from django.urls import reverse

from production import routing_words, selectors
from production.dashboard import dashboard
from production.models import Alert, AlertKind, Payable, PayableStatus, ProductionRun, RunStatus

register = template.Library()

# Runs shown on a design's page; the rest are one click away in the filtered run list.
RECENT_RUNS = 20


def _panel(queryset, changelist_filter: dict, limit: int | None) -> dict:
    runs = queryset.select_related("partner", "design").order_by("-created_at", "-id")
    return {
        "runs": list(runs[:limit] if limit else runs),
        "runs_url": f"{reverse('admin:production_productionrun_changelist')}?{urlencode(changelist_filter)}",
        "runs_limit": limit,
    }


@register.inclusion_tag("admin/production/_run_table.html")
def runs_of_design(design):
    """The design's latest runs, linking to all of them."""
    return _panel(ProductionRun.objects.filter(design=design), {"design__id__exact": design.pk}, RECENT_RUNS)


@register.inclusion_tag("admin/production/_run_table.html")
def runs_of_order(order):
    """Every run of the order (an order has few lines)."""
    return _panel(ProductionRun.objects.filter(order=order), {"order__id__exact": order.pk}, None)


@register.inclusion_tag("admin/production/_routing_in_words.html")
def routing_in_words(routing, design=None):
    """A routing (a design's, or the one a run captured) with partners and templates named; with the design,
    the box is there without a routing too, and leads to the page that edits it."""
    return {"routing": routing_words.routing_in_words(routing, design.pk if design else None),
            "edit_url": reverse("admin:production_design_routing", args=[design.pk]) if design else ""}


@register.simple_tag
def create_run_url(design) -> str:
    """The "Create production run" page with the design fixed."""
    return f"{reverse('admin:production_productionrun_add')}?{urlencode({'design': design.pk})}"


@register.filter
def run_status(value: str) -> str:
    """A run status code as people read it ("sent_to_partner" -> "Sent to partner")."""
    return RunStatus.label_of(value)


@register.simple_tag
def operations_counts() -> dict:
    """What waits for staff on the admin home: unread alerts by kind, runs awaiting reassignment, payables to approve
    and to pay (3 queries)."""
    unread = dict(Alert.objects.unread().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "unread": sum(unread.values()),
        "unread_by_kind": [(AlertKind(kind).label, n) for kind, n in sorted(unread.items())],
        "awaiting_reassignment": ProductionRun.objects.filter(status=RunStatus.AWAITING_REASSIGNMENT).count(),
        "payables": dict(Payable.objects.filter(status__in=[PayableStatus.OPEN, PayableStatus.APPROVED])
                         .values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    }


@register.simple_tag
def send_for_sampling_url(design) -> str:
    return f"{reverse('admin:production_productionrun_sample')}?{urlencode({'design': design.pk})}"


@register.inclusion_tag("admin/production/_sampling_rounds.html")
def sampling_rounds(design):
    """The design's sampling loop, oldest first: each sample run with its round, dates, decision and notes.

    A round is a run sent for sampling (a split one with its children); a redo is the next round of the run it
    makes again.
    """
    runs = list(selectors.sample_rounds(design).select_related("reviewed_by"))
    rounds: dict[int, int] = {}
    for run in runs:
        if run.parent_run_id in rounds:
            rounds[run.pk] = rounds[run.parent_run_id]
        else:
            rounds[run.pk] = rounds.get(run.redo_of_id, 0) + 1
        run.round = rounds[run.pk]
    return {"runs": runs, "design": design}


@register.inclusion_tag("admin/production/_dashboard.html")
def operations_dashboard():
    """The admin home's dashboard: counts linking to their lists, work in progress, completions, scorecards."""
    return dashboard()
