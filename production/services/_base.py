"""Private to ``production.services``: the lock order, the activity log, and FSM refusals as 409s.

The one lock order: a run's parent, then the run, then its tasks (and its
payables). Every service takes its locks through ``lock_family`` /
``lock_task`` / ``lock``, so two services never wait on each other in
opposite orders.
"""

from django.db.models import Q, Subquery
from django_fsm import TransitionNotAllowed, can_proceed

from config.errors import InvalidTransition
from production.models import ActivityVerb, ProductionRun, ProductionRunActivity
from tasks.models import Task


def _locking(*also: str):
    # The partner comes along (not locked): dispatch and the answer services read its settings.
    return ProductionRun.objects.select_for_update(of=("self",)).select_related("partner", *also)


def lock(run_id: int, *also: str) -> ProductionRun:
    """Lock one run; ``also``: more relations to read with it (not locked), as ``select_related`` names them."""
    return _locking(*also).get(pk=run_id)


def lock_family(run_id: int) -> ProductionRun:
    """Lock a run's parent (if any), then the run, and return the run.

    One statement: PostgreSQL locks the rows in the order the sort hands them over (``LockRows`` above
    ``Sort``), and a parent, created before its children, has the smaller id. It used to take three
    statements (the parent's id, the parent, the run) in most services.
    """
    parent = ProductionRun.objects.filter(pk=run_id).order_by().values("parent_run_id")
    family = list(_locking().filter(Q(pk=run_id) | Q(pk=Subquery(parent))).order_by("pk"))
    if not family or family[-1].pk != run_id:
        raise ProductionRun.DoesNotExist(f"No production run {run_id}.")
    return family[-1]


def require_partner(run: ProductionRun, partner) -> None:
    """A partner's action on a locked run: 409 unless the run is still with ``partner``. The request checked its
    scope before the lock, and staff may have given the run to someone else meanwhile."""
    if run.partner_id != partner.pk:
        raise InvalidTransition(f"Run {run.pk} is not with {partner.name}.")


def lock_task(task_id: int) -> tuple[ProductionRun, Task]:
    """Lock a task's run family, then the task."""
    run_id = Task.objects.values_list("production_run_id", flat=True).get(pk=task_id)
    run = lock_family(run_id)
    return run, Task.objects.select_for_update().get(pk=task_id)


def activity(run: ProductionRun, *, actor, verb: ActivityVerb, from_status: str = "", note: str = "",
             data: dict | None = None) -> ProductionRunActivity:
    """An unsaved activity row (``bulk_create`` them, or ``record`` one). ``actor`` None is the system."""
    return ProductionRunActivity(
        run=run, actor=actor if getattr(actor, "pk", None) else None, verb=verb,
        from_status=from_status, to_status=run.status, note=note, data=data or {},
    )


def record(run: ProductionRun, **kwargs) -> ProductionRunActivity:
    row = activity(run, **kwargs)
    row.save()
    return row


# How a refused transition reads: "Run 7 is completed and cannot be cancelled."
_PARTICIPLES = {
    "approve": "approved", "start": "started", "complete": "completed", "cancel": "cancelled",
    "send_to_partner": "sent to its partner", "follow_children_start": "started",
    "follow_children_complete": "completed", "decline": "declined", "reassign": "reassigned",
}


def refusal(run: ProductionRun, transition: str) -> InvalidTransition:
    if transition == "dispatch_start":  # its guard says why: "Run 7 cannot be dispatched: it has no partner."
        return InvalidTransition(f"Run {run.pk} cannot be dispatched: {run.dispatch_refusal()}.")
    message = (f"Run {run.pk} is {run.get_status_display().lower()} and cannot be "
               f"{_PARTICIPLES.get(transition, transition.replace('_', ' '))}.")
    if transition == "complete" and run.has_children():
        message += " A parent run completes when its child runs do."
    return InvalidTransition(message)


def require(run: ProductionRun, transition: str) -> None:
    """409 unless the model's FSM allows ``transition`` now (its sources and conditions are the rule)."""
    if not can_proceed(getattr(run, transition)):
        raise refusal(run, transition)


def apply(run: ProductionRun, transition: str, **kwargs) -> None:
    """Run a transition; a refusal by the FSM is a 409 (nothing was saved yet)."""
    try:
        getattr(run, transition)(**kwargs)
    except TransitionNotAllowed as exc:
        raise refusal(run, transition) from exc
