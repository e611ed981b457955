"""Dispatch, paused and resumed: start (waits for templates), confirm (tasks, sent, partner told), cancel.

The pause is persisted state (``dispatch_state = awaiting_templates``), not a
waiting process; confirm may come any time later, from the API, admin or a job.
"""

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from config.errors import InvalidTransition
from production.dates import due_when_sent
from production.jobs import queue_dispatch_notification
from production.models import ActivityVerb, ProductionRun
from production.services._base import apply, lock_family, record
from production.services.acceptance import accept_locked
from production.services.materials import materials_plan
from tasks.models import Task
from tasks.selectors import TemplateSelection, resolve_templates


def _confirm_locked(run: ProductionRun, *, actor, selection: TemplateSelection, templates) -> ProductionRun:
    tasks = Task.objects.bulk_create(
        Task(production_run=run, partner_id=run.partner_id, design_id=run.design_id, template=t, title=t.name,
             description=t.description, sequence=i)
        for i, t in enumerate(templates, start=1)
    )
    from_status = run.status
    template_ids = [t.pk for t in templates]
    now = timezone.now()
    apply(run, "send_to_partner", at=now)
    run.due_date = due_when_sent(run, sent_at=now)
    apply(run, "dispatch_confirm", template_ids=template_ids)
    run.save()
    materials_plan(run)
    record(run, actor=actor, verb=ActivityVerb.DISPATCHED, from_status=from_status,
           note=f"{len(tasks)} tasks created", data={"selection": selection.as_data(), "template_ids": template_ids})
    if run.partner.auto_accept:
        accept_locked(run, actor=None, now=now, note=f"{run.partner.name} accepts every run it is sent.")
    queue_dispatch_notification(run.pk)
    return run


def _require_awaiting(run: ProductionRun, transition: str) -> None:
    if not can_proceed(getattr(run, transition)):
        raise InvalidTransition(
            f"Run {run.pk} has no dispatch waiting for templates (dispatch {run.dispatch_state}).",
            code="not_awaiting_templates",
        )


@transaction.atomic
def dispatch_start(*, run: ProductionRun, actor=None, selection: TemplateSelection | None = None) -> ProductionRun:
    """Start dispatching a childless, approved run to its partner.

    Without a selection the workflow pauses (``awaiting_templates``) until
    ``dispatch_confirm``; with one, or when the run's allocation named its
    templates, it completes at once.
    """
    return dispatch_start_locked(lock_family(run.pk), actor=actor, selection=selection)


def dispatch_start_locked(run: ProductionRun, *, actor, selection: TemplateSelection | None) -> ProductionRun:
    """``dispatch_start`` on a run whose family the caller holds locked, its partner read: a child that the
    caller's approval made in the same transaction (the routing job)."""
    if run.is_waiting_for_previous_stage():
        raise InvalidTransition(f"Run {run.pk} is in stage {run.stage}: stage {run.stage - 1} is not finished yet, "
                                "so its units have not arrived.", code="waiting_for_previous_stage")
    if selection is None and run.planned_templates:
        selection = TemplateSelection.from_data(run.planned_templates)
    # The transition's condition is the dispatch guard (``dispatch_refusal``): a refusal is a 409 with its reason.
    apply(run, "dispatch_start", by=actor if getattr(actor, "pk", None) else None, at=timezone.now())
    templates = resolve_templates(selection) if selection is not None else None
    record(run, actor=actor, verb=ActivityVerb.DISPATCH_STARTED, from_status=run.status,
           note="Waiting for template selection.")
    if selection is not None:  # saved once, already sent: waiting for templates is only an activity row
        return _confirm_locked(run, actor=actor, selection=selection, templates=templates)
    run.save()
    return run


@transaction.atomic
def dispatch_confirm(*, run: ProductionRun, actor=None, selection: TemplateSelection) -> ProductionRun:
    """Resume a waiting dispatch: create the tasks, send the run, notify the partner.

    Exactly once: the row lock plus the state check turn a second (or
    concurrent) confirm into ``not_awaiting_templates``. A partner deactivated
    while the dispatch waited is sent nothing (409, as starting it would be).
    """
    run = lock_family(run.pk)
    _require_awaiting(run, "dispatch_confirm")
    if why := run.partner_refusal():
        raise InvalidTransition(f"Run {run.pk} cannot be sent: {why}. Reactivate the partner, or cancel the "
                                "dispatch.")
    templates = resolve_templates(selection)
    return _confirm_locked(run, actor=actor, selection=selection, templates=templates)


@transaction.atomic
def dispatch_cancel(*, run: ProductionRun, actor=None) -> ProductionRun:
    """End a dispatch waiting for templates; the run can be dispatched again."""
    run = lock_family(run.pk)
    _require_awaiting(run, "dispatch_cancel")
    apply(run, "dispatch_cancel")
    run.save()
    record(run, actor=actor, verb=ActivityVerb.DISPATCH_CANCELLED, from_status=run.status)
    return run
