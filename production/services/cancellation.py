"""Cancelling a run: down to its children and open tasks, then up to its parent."""

from django.db import transaction
from django.utils import timezone

from production.jobs import queue_cancellation_notification
from production.models import TERMINAL, ActivityVerb, ProductionRun
from production.services._base import apply, lock_family, record, require
from production.services.cascade import parent_follow_children
from production.services.stages import stages_release
from production.services.tasks import cancel_open_tasks


def _cancel_locked(run: ProductionRun, *, actor, note: str, now, reason: str) -> None:
    """Cancel a locked run and its open tasks; a dispatch waiting for templates ends with it. ``reason``: staff's
    own words, for the partner (``note`` is the timeline's)."""
    from_status = run.status
    if run.is_awaiting_templates():
        apply(run, "dispatch_cancel")
    apply(run, "cancel", at=now)
    run.save()
    cancelled = cancel_open_tasks(run, now=now)
    record(run, actor=actor, verb=ActivityVerb.CANCELLED, from_status=from_status, note=note,
           data={"cancelled_tasks": cancelled} if cancelled else {})
    if run.sent_at is not None and run.partner_id is not None:
        queue_cancellation_notification(run.pk, reason)  # the partner was working on it: tell them to stop


@transaction.atomic
def run_cancel(*, run: ProductionRun, actor=None, reason: str = "") -> ProductionRun:
    """Cancel a run, its non-terminal children and every open task below it."""
    run = lock_family(run.pk)
    require(run, "cancel")
    now = timezone.now()
    for child in ProductionRun.objects.select_for_update().filter(parent_run=run).exclude(status__in=TERMINAL).order_by("id"):
        _cancel_locked(child, actor=actor, note=f"Parent run {run.pk} cancelled. {reason}".strip(), now=now,
                       reason=reason)
    stages_release(run, dispatch=False)  # later stages' units end as missing, still accounted for
    _cancel_locked(run, actor=actor, note=reason, now=now, reason=reason)
    if run.parent_run_id:
        parent_follow_children(run.parent_run_id, actor=actor)
    return run
