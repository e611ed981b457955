"""The partner's work: start a run, complete it, start and complete its tasks."""

from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from config.errors import InvalidTransition
from production.models import ActivityVerb, ProductionRun, RunStatus
from production.services._base import apply, lock_family, lock_task, record, require, require_partner
from production.services.cascade import parent_follow_children
from production.services.output import output_alerts, output_apply, output_checked
from production.services.payables import payable_on_completion
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
def run_start(*, run: ProductionRun, actor=None, partner=None) -> ProductionRun:
    """Start a sent run. ``partner``: the partner starting it, refused once the run is no longer theirs (staff
    reassigned it after the request looked it up); None: staff or the system."""
    run = lock_family(run.pk)
    if partner is not None:
        require_partner(run, partner)
    _start_locked(run, actor=actor)
    return run


@transaction.atomic
def run_complete(*, run: ProductionRun, actor=None, produced_quantity: int | None = None,
                 rejected_quantity: int | None = None, notes: str = "", rejection_reason: str = "",
                 shortfall_reason: str = "") -> ProductionRun:
    """Finish a run in progress with what was produced, rejected and is missing (``output_checked``).

    The partner completes it, or staff on its behalf. A parent run completes
    only by following its children; staff are alerted to shortfalls and rejects.
    """
    run = lock_family(run.pk)
    require(run, "complete")
    open_tasks = Task.objects.filter(production_run=run, status__in=Task.OPEN).count()
    if open_tasks:
        raise InvalidTransition(f"Run {run.pk} still has {open_tasks} open task(s).", code="open_tasks")
    output = output_checked(run, produced_quantity=produced_quantity, rejected_quantity=rejected_quantity,
                            rejection_reason=rejection_reason, shortfall_reason=shortfall_reason)
    from_status = run.status
    apply(run, "complete", at=timezone.now(), produced=output.produced, rejected=output.rejected)
    output_apply(run, output)
    run.completion_notes = notes
    run.save()
    record(run, actor=actor, verb=ActivityVerb.COMPLETED, from_status=from_status, note=notes,
           data={"produced_quantity": output.produced, "rejected_quantity": output.rejected})
    output_alerts(run, output)
    payable_on_completion(run, actor=actor)
    if run.parent_run_id:
        parent_follow_children(run.parent_run_id, actor=actor)
    return run


def _task_transition(task: Task, transition: str, verb: ActivityVerb, *, actor) -> Task:
    run, task = lock_task(task.pk)
    if not run.accepts_task_work():
        raise InvalidTransition(f"Run {run.pk} is {run.get_status_display().lower()}; its tasks cannot change.")
    try:
        getattr(task, transition)(at=timezone.now())
    except TransitionNotAllowed as exc:
        raise InvalidTransition(f"Task {task.pk} ({task.title}) is {task.get_status_display().lower()}; "
                                f"cannot {transition} it.") from exc
    task.save()
    if run.status == RunStatus.SENT_TO_PARTNER:
        _start_locked(run, actor=actor, note=f"Started with task {task.sequence}, {task.title}.")
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
