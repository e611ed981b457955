"""Reads. Partner-facing ones all go through ``partners.selectors.scope_to_partner``."""

from django.db.models import Prefetch, QuerySet

from partners.models import Partner
from partners.selectors import scope_to_partner
from production.models import ProductionRun
from tasks.models import Task


def runs_for_staff() -> QuerySet[ProductionRun]:
    return ProductionRun.objects.select_related("design", "partner").prefetch_related(
        Prefetch("children", queryset=ProductionRun.objects.only("id", "parent_run_id").order_by("id"))
    )


def runs_for_partner(partner: Partner) -> QuerySet[ProductionRun]:
    """The runs dispatched to ``partner`` (sent, in progress, completed, or cancelled after being sent)."""
    return scope_to_partner(ProductionRun.objects.dispatched(), partner).select_related("design")


def tasks_for_partner(partner: Partner) -> QuerySet[Task]:
    return scope_to_partner(Task.objects.filter(production_run__sent_at__isnull=False), partner)
