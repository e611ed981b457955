"""Stages hand units on: when a stage is finished, the next one receives its good output.

A parent's children run in stages (1 = cutting, 2 = stitching, …). Stage 1
receives the run's quantity at approval. When every child of a stage is
terminal the stage is *finished*, and the next stage is *released*: its
children's quantities become their share of the finished stage's good output
(``split_by_shares`` over their planned quantities: largest remainder, ties to
the earlier child), a child whose share is 0 is cancelled with that reason,
and a child whose templates were named at allocation is dispatched at once.

``stages_release`` is the one place this happens. The cascade calls it (with
the parent locked) whenever a child moves, so it runs exactly once per stage
however many children finish at the same moment: the parent's row lock
serialises them, and a released stage (``released_at``) is never released
again. Cancelling a whole run releases the rest without dispatching, so the
units of a finished stage are still accounted for (as the shortfall of the
cancelled children that would have received them).
"""

from fractions import Fraction
from itertools import groupby

from django.db import transaction
from django.utils import timezone

from config.errors import DomainError
from config.numbers import counted
from designs.routing import split_by_shares
from production.models import TERMINAL, ActivityVerb, ProductionRun, RunStatus
from production.services._base import apply, lock, record
from production.services.dispatch import dispatch_start
from tasks.selectors import TemplateSelection


def _by_stage(children: list[ProductionRun]) -> dict[int, list[ProductionRun]]:
    ordered = sorted(children, key=lambda c: (c.stage, c.pk))
    return {stage: list(rows) for stage, rows in groupby(ordered, key=lambda c: c.stage)}


def good_output(children: list[ProductionRun]) -> int:
    """Good units of a set of children: what the completed ones produced."""
    return sum(c.produced_quantity or 0 for c in children if c.status == RunStatus.COMPLETED)


def _next_to_release(stages: dict[int, list[ProductionRun]]) -> int | None:
    """The first unreleased stage whose previous stage is finished, or None."""
    for stage, rows in stages.items():
        if stage == 1 or rows[0].released_at is not None:
            continue
        previous = stages[stage - 1]
        if all(c.status in TERMINAL for c in previous):
            return stage
        return None
    return None


def _shares(rows: list[ProductionRun], good: int) -> list[int]:
    """Split ``good`` over the children still open, by their planned quantities (all of them if none is)."""
    takers = [c for c in rows if c.status != RunStatus.CANCELLED] or rows
    parts = dict(zip((c.pk for c in takers),
                     split_by_shares(good, [Fraction(c.planned_quantity or c.quantity) for c in takers]), strict=True))
    return [parts.get(c.pk, 0) for c in rows]


def _release(stage: int, rows: list[ProductionRun], good: int, *, dispatch: bool) -> None:
    now = timezone.now()
    source = f"Stage {stage - 1} finished with {counted(good, 'good unit')}"
    for child, share in zip(rows, _shares(rows, good), strict=True):
        child = lock(child.pk)
        child.quantity, child.released_at = share, now
        if child.status == RunStatus.CANCELLED:
            child.save(update_fields=["quantity", "released_at", "updated_at"])
            record(child, actor=None, verb=ActivityVerb.RELEASED, from_status=child.status,
                   note=f"{source}: {share} of them counted as missing (this run was cancelled).",
                   data={"quantity": share, "good": good})
            continue
        if share == 0:
            from_status = child.status
            apply(child, "cancel", at=now)
            child.save()
            record(child, actor=None, verb=ActivityVerb.CANCELLED, from_status=from_status,
                   note=f"{source}: this run's share is 0.", data={"good": good})
            continue
        child.save(update_fields=["quantity", "released_at", "updated_at"])
        record(child, actor=None, verb=ActivityVerb.RELEASED, from_status=child.status,
               note=f"{source}: this run receives {share}.", data={"quantity": share, "good": good})
        if dispatch and child.planned_templates:
            _dispatch_released(child)


def _dispatch_released(child: ProductionRun) -> None:
    """Send a released child out with the templates named at allocation; if that fails, it waits for staff.

    The system dispatches it (``actor`` None): not the upstream partner whose completion released it.
    """
    try:
        with transaction.atomic():
            dispatch_start(run=child, actor=None, selection=TemplateSelection.from_data(child.planned_templates))
    except DomainError as exc:
        record(child, actor=None, verb=ActivityVerb.AUTO_DISPATCH_SKIPPED, from_status=child.status,
               note=f"Released, but not dispatched automatically: {exc.message} Dispatch it from its page.")


def stages_release(parent: ProductionRun, *, dispatch: bool = True) -> list[ProductionRun]:
    """Release every stage whose previous stage is finished; return the parent's children as they now are.

    The caller holds the parent's lock. ``dispatch=False`` (the parent is being
    cancelled) only hands the units on, so they are accounted for. The system
    releases (no actor on the timeline): not the upstream partner whose completion
    finished the stage, nor staff cancelling the parent.
    """
    children = list(ProductionRun.objects.filter(parent_run=parent))
    stages = _by_stage(children)
    while (stage := _next_to_release(stages)) is not None:
        _release(stage, stages[stage], good_output(stages[stage - 1]), dispatch=dispatch)
        children = list(ProductionRun.objects.filter(parent_run=parent))
        stages = _by_stage(children)
    return children


def stage_totals(children: list[ProductionRun]) -> tuple[int, int]:
    """A finished parent's (produced, rejected): the last stage's good output, and every stage's rejects."""
    stages = _by_stage(children)
    last = stages[max(stages)] if stages else []
    rejected = sum(c.rejected_quantity or 0 for c in children if c.status == RunStatus.COMPLETED)
    return good_output(last), rejected


def is_handed_on(run: ProductionRun) -> bool:
    """The next stage has received this child's good units already."""
    return run.parent_run_id is not None and ProductionRun.objects.filter(
        parent_run_id=run.parent_run_id, stage=run.stage + 1, released_at__isnull=False).exists()
