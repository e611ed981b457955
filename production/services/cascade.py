"""A parent run follows its children: the one cascade upwards, called by every service that moves a child."""

from django.db.models import Sum
from django.utils import timezone

from production.models import ActivityVerb, ProductionRun, RunStatus
from production.services._base import apply, lock, record


def parent_follow_children(parent_id: int, *, actor) -> None:
    """Make a parent agree with its children (the caller holds the parent's lock already).

    A child in progress moves an approved parent to in progress. When every
    child is terminal: completed with the sums if any child completed,
    cancelled if all were cancelled (nothing is left to produce).
    """
    parent = lock(parent_id)
    if parent.is_terminal:
        return
    children = list(ProductionRun.objects.filter(parent_run=parent).values_list("status", flat=True))
    now = timezone.now()
    from_status = parent.status
    if all(s in (RunStatus.COMPLETED, RunStatus.CANCELLED) for s in children):
        if RunStatus.COMPLETED in children:
            sums = ProductionRun.objects.filter(parent_run=parent, status=RunStatus.COMPLETED).aggregate(
                produced=Sum("produced_quantity"), rejected=Sum("rejected_quantity"))
            apply(parent, "follow_children_complete", at=now, produced=sums["produced"] or 0,
                  rejected=sums["rejected"] or 0)
            parent.save()
            record(parent, actor=actor, verb=ActivityVerb.COMPLETED, from_status=from_status,
                   note="Every child run is finished.", data=sums)
        else:
            apply(parent, "cancel", at=now)
            parent.save()
            record(parent, actor=actor, verb=ActivityVerb.CANCELLED, from_status=from_status,
                   note="Every child run was cancelled.")
    elif parent.status == RunStatus.APPROVED and any(
        s in (RunStatus.IN_PROGRESS, RunStatus.COMPLETED) for s in children
    ):
        apply(parent, "follow_children_start", at=now)
        parent.save()
        record(parent, actor=actor, verb=ActivityVerb.STARTED, from_status=from_status, note="A child run started.")
