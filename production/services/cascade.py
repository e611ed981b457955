"""A parent run follows its children: the one cascade upwards, called by every service that moves a child."""

from django.utils import timezone

from production.models import TERMINAL, ActivityVerb, RunStatus
from production.services._base import apply, lock, record
from production.services.stages import stage_totals, stages_release


def parent_follow_children(parent_id: int, *, actor) -> None:
    """Make a parent agree with its children (the caller holds the parent's lock already).

    First a finished stage hands its good output to the next (``stages_release``).
    A child in progress moves an approved parent to in progress. When every
    child is terminal: completed with the totals if any child completed (the
    last stage's good output, every stage's rejects), cancelled if all were
    cancelled (nothing is left to produce).
    """
    parent = lock(parent_id)
    if parent.is_terminal:
        return
    children = stages_release(parent)
    statuses = [c.status for c in children]
    now = timezone.now()
    from_status = parent.status
    if all(s in TERMINAL for s in statuses):
        if RunStatus.COMPLETED in statuses:
            produced, rejected = stage_totals(children)
            apply(parent, "follow_children_complete", at=now, produced=produced, rejected=rejected)
            parent.save()
            record(parent, actor=actor, verb=ActivityVerb.COMPLETED, from_status=from_status,
                   note="Every child run is finished.", data={"produced": produced, "rejected": rejected})
        else:
            apply(parent, "cancel", at=now)
            parent.save()
            record(parent, actor=actor, verb=ActivityVerb.CANCELLED, from_status=from_status,
                   note="Every child run was cancelled.")
    elif parent.status == RunStatus.APPROVED and any(
        s in (RunStatus.IN_PROGRESS, RunStatus.COMPLETED) for s in statuses
    ):
        apply(parent, "follow_children_start", at=now)
        parent.save()
        record(parent, actor=actor, verb=ActivityVerb.STARTED, from_status=from_status, note="A child run started.")


def parent_totals_refresh(parent_id: int, *, actor, reason: str) -> None:
    """A completed parent's totals again after a child's output was corrected (the caller holds the lock)."""
    parent = lock(parent_id)
    if parent.status != RunStatus.COMPLETED:
        return
    before = {"produced_quantity": parent.produced_quantity, "rejected_quantity": parent.rejected_quantity}
    produced, rejected = stage_totals(list(parent.children.all()))
    parent.produced_quantity, parent.rejected_quantity = produced, rejected
    parent.save(update_fields=["produced_quantity", "rejected_quantity", "updated_at"])
    record(parent, actor=actor, verb=ActivityVerb.CORRECTED, from_status=parent.status, note=reason,
           data={"before": before, "after": {"produced_quantity": produced, "rejected_quantity": rejected}})
