"""Automatic dispatch: act on the gating planner's plan (the django-q2 job, and staff's "approve by routing").

Every automatic step is an activity row with no actor (the system); every
refusal is written on the run as the reason it stays in review.
"""

from django.db import transaction
from django_q.tasks import async_task

from config.errors import DomainError
from production import gating
from production.models import ActivityVerb, ProductionPolicy, ProductionRun, RunStatus
from production.services._base import record
from production.services.allocation import approve_locked
from production.services.dispatch import dispatch_start_locked


def queue_auto_dispatch(run_ids: list[int]) -> None:
    """After commit, one job per run; the job itself checks the policy again when it runs."""
    for run_id in run_ids:
        transaction.on_commit(lambda run_id=run_id: async_task(run_auto_dispatch, run_id))


def _record_skip(run: ProductionRun, reason: str) -> None:
    # The same reason twice (a job delivered twice) is written once.
    last = run.activities.order_by("-id").first()
    if last is None or last.verb != ActivityVerb.AUTO_DISPATCH_SKIPPED or last.note != reason:
        record(run, actor=None, verb=ActivityVerb.AUTO_DISPATCH_SKIPPED, from_status=run.status, note=reason)


def _lock(run_id: int) -> ProductionRun | None:
    return ProductionRun.objects.select_for_update(of=("self",)).select_related("design").filter(pk=run_id).first()


def _not_routable_now(run: ProductionRun | None) -> str | None:
    """Why a (locked) run is not one routing may approve: only a root run still waiting for review is."""
    if run is None:
        return "The run no longer exists."
    if run.parent_run_id is not None:
        return "Child runs follow their parent; they are not routed."
    if run.status != RunStatus.PENDING_REVIEW:
        return f"Run {run.pk} is {run.get_status_display().lower()}, not pending review."
    return None


def _approve_by_routing(run: ProductionRun, *, actor, note: str) -> ProductionRun:
    """Approve a locked run into children by its routing and start dispatching each stage-1 child.

    All or nothing: a refusal by a service (say a partner deactivated a moment
    ago) rolls the whole approval back and comes out as NotRoutable. The run
    stays locked from the plan to the dispatches, and the children are new rows
    of this transaction: the services' ``_locked`` forms take them as they are.
    """
    plan = gating.plan(run)
    try:
        with transaction.atomic():
            run, children = approve_locked(run, actor=actor, assignments=plan.assignments, note=note)
            for child in children:
                if not child.is_waiting_for_previous_stage():  # later stages go out when released
                    # A child whose assignment named its templates goes out with them (dispatch reads them).
                    dispatch_start_locked(child, actor=actor,
                                          selection=None if child.planned_templates else plan.selection)
    except DomainError as exc:
        run.refresh_from_db()  # approved in memory, rolled back in the database: the skip tells it as it is
        raise gating.NotRoutable(exc.message) from exc
    return run


@transaction.atomic
def run_auto_dispatch(run_id: int) -> ProductionRun | None:
    """The job: approve a run by its design's routing and dispatch its children, or record why not.

    Idempotent and race-safe: the run is locked first and only a root run still
    ``pending_review`` is approved, so a second delivery, or a staff approval
    that took the lock first, turns this into a no-op.
    """
    run = _lock(run_id)
    if _not_routable_now(run):
        return run  # gone, a child, or decided already (by staff, or by an earlier delivery)
    if not ProductionPolicy.load().auto_dispatch:
        _record_skip(run, "Automatic dispatch is off.")
        return run
    try:
        return _approve_by_routing(run, actor=None, note="Approved by the design's routing.")
    except gating.NotRoutable as exc:
        _record_skip(run, str(exc))
        return run


def runs_approve_by_routing(*, runs, actor) -> tuple[list[ProductionRun], dict[int, str]]:
    """Staff's bulk "approve by routing": the job's rule, acted by a person. Returns (done, {run id: reason})."""
    done, refused = [], {}
    for run in runs:
        with transaction.atomic():
            locked = _lock(run.pk)
            reason = _not_routable_now(locked)
            if reason:  # gone, a child, or decided already: nothing to record on it
                refused[run.pk] = reason
                continue
            try:
                with transaction.atomic():  # a refusal undoes whatever the attempt wrote, then says why
                    done.append(_approve_by_routing(locked, actor=actor, note="Approved by routing."))
            except gating.NotRoutable as exc:
                refused[run.pk] = str(exc)
                _record_skip(locked, str(exc))  # the review queue's "why" column shows it
    return done, refused
