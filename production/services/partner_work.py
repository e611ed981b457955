"""The partner's work: start a run, complete it, start and complete its tasks."""

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from config.errors import InvalidInput, InvalidTransition
from config.numbers import require_whole_number
from production.models import ActivityVerb, ProductionRun, RunStatus
from production.services._base import apply, lock_family, lock_task, record, require
from production.services.cascade import parent_follow_children
from tasks.models import Task


def _start_locked(run: ProductionRun, *, actor, note: str = "") -> None:
    """Start a sent run; starting it accepts it too."""
    from_status = run.status
    now = timezone.now()
    apply(run, "start", at=now)
    run.accepted_at = run.accepted_at or now
    run.last_activity_at = now
    run.save()
    record(run, actor=actor, verb=ActivityVerb.STARTED, from_status=from_status, note=note)
    if run.parent_run_id:
        parent_follow_children(run.parent_run_id, actor=actor)


@transaction.atomic
def run_start(*, run: ProductionRun, actor=None) -> ProductionRun:
    run = lock_family(run.pk)
    _start_locked(run, actor=actor)
    return run


@transaction.atomic
def run_complete(*, run: ProductionRun, actor=None, produced_quantity: int | None = None,
                 rejected_quantity: int | None = None, notes: str = "") -> ProductionRun:
    """Finish a run in progress with what was produced and rejected.

    ``rejected`` defaults to 0 and ``produced`` to the rest of the quantity;
    together they may not exceed the quantity. A parent run completes only by
    following its children.
    """
    run = lock_family(run.pk)
    require(run, "complete")
    open_tasks = Task.objects.filter(production_run=run, status__in=Task.OPEN).count()
    if open_tasks:
        raise InvalidTransition(f"Run {run.pk} still has {open_tasks} open task(s).", code="open_tasks")
    rejected = 0 if rejected_quantity is None else rejected_quantity
    produced = run.quantity - rejected if produced_quantity is None else produced_quantity
    for name, value in (("rejected_quantity", rejected), ("produced_quantity", produced)):
        require_whole_number(value, field=name, minimum=0, what=name.replace("_", " ").capitalize())
    if produced + rejected > run.quantity:
        raise InvalidInput(
            f"Produced ({produced}) plus rejected ({rejected}) exceeds the run's quantity ({run.quantity}).",
            field="produced_quantity",
        )
    from_status = run.status
    apply(run, "complete", at=timezone.now(), produced=produced, rejected=rejected)
    run.completion_notes = notes
    run.save()
    record(run, actor=actor, verb=ActivityVerb.COMPLETED, from_status=from_status, note=notes,
           data={"produced_quantity": produced, "rejected_quantity": rejected})
    if run.parent_run_id:
        parent_follow_children(run.parent_run_id, actor=actor)
    return run


def _task_transition(task: Task, transition: str, verb: ActivityVerb, *, actor) -> Task:
    run, task = lock_task(task.pk)
    if not run.accepts_task_work():
        raise InvalidTransition(f"Run {run.pk} is {run.status}; its tasks cannot change.")
    try:
        getattr(task, transition)(at=timezone.now())
    except TransitionNotAllowed as exc:
        raise InvalidTransition(f"Task {task.pk} is {task.status}; cannot {transition} it.") from exc
    task.save()
    if run.status == RunStatus.SENT_TO_PARTNER:
        _start_locked(run, actor=actor, note=f"Started with task {task.pk}.")
    else:
        run.last_activity_at = task.completed_at or task.started_at
        run.save(update_fields=["last_activity_at", "updated_at"])
    record(run, actor=actor, verb=verb, from_status=run.status, note=task.title, data={"task": task.pk})
    return task


@transaction.atomic
def task_start(*, task: Task, actor=None) -> Task:
    """Start a pending task; a run still ``sent_to_partner`` is started with it."""
    return _task_transition(task, "start", ActivityVerb.TASK_STARTED, actor=actor)


@transaction.atomic
def task_complete(*, task: Task, actor=None) -> Task:
    """Complete a pending or started task; its run is started with it if needed."""
    return _task_transition(task, "complete", ActivityVerb.TASK_COMPLETED, actor=actor)
