"""What the design and order admin pages show of production, without designs or orders importing production.

``templates/admin/designs/design/change_form.html`` and
``templates/admin/orders/order/change_form.html`` load these tags; the Python
of designs and orders knows nothing about runs.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from production.models import ProductionRun

register = template.Library()

# Runs shown on a design's page; the rest are one click away in the filtered run list.
RECENT_RUNS = 20


def _panel(queryset, changelist_filter: dict, limit: int | None) -> dict:
    runs = queryset.select_related("partner").order_by("-created_at", "-id")
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


@register.simple_tag
def create_run_url(design) -> str:
    """The "Create production run" page with the design fixed."""
    return f"{reverse('admin:production_productionrun_add')}?{urlencode({'design': design.pk})}"
