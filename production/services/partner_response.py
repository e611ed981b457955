"""The partner's answer to a sent run, and staff handing a run to another partner.

accept: the partner takes the run (or starting it, or auto-accept, does).
decline: the partner hands it back with a reason; it waits for staff, who are alerted.
reassign: staff give a handed-back (or unanswered) run to a partner, optionally dispatching it again.
redispatch: staff send parked runs back to their previous partner for a second chance.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from config.errors import InvalidInput, InvalidTransition
from designs.services import design_link_partner
from partners.models import Partner
from production.jobs import queue_withdrawal_notification
from production.models import PARTNER_DECLINE_REASONS, ActivityVerb, AlertKind, DeclineReason, ProductionRun, RunStatus
from production.services._base import apply, lock_family, record, require, require_partner
from production.services.acceptance import accept_locked
from production.services.dispatch import dispatch_start
from production.services.inbox import alert_raise
from production.services.tasks import cancel_open_tasks
from tasks.models import TaskTemplate
from tasks.selectors import TemplateSelection

DECLINE_NOTES_MAX = 1000


@transaction.atomic
def run_accept(*, run: ProductionRun, actor=None, partner: Partner | None = None) -> ProductionRun:
    """The partner takes the run. Accepting an accepted or started run changes nothing.

    ``partner``: the partner answering (the API, the portal), refused once the run is no longer theirs; None is
    the system accepting for it (auto-accept)."""
    run = lock_family(run.pk)
    if partner is not None:
        require_partner(run, partner)
    if run.status not in (RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS):
        raise InvalidTransition(f"Run {run.pk} is {run.get_status_display().lower()}; only a run sent to you "
                                "can be accepted.")
    if run.status == RunStatus.SENT_TO_PARTNER:
        accept_locked(run, actor=actor, now=timezone.now())
    return run


def hand_back_locked(run: ProductionRun, *, actor, reason: str, notes: str, verb: ActivityVerb, alert: AlertKind,
                     message: str) -> None:
    """A locked sent run leaves its partner: tasks cancelled, waiting for staff, staff alerted."""
    now = timezone.now()
    partner = run.partner
    from_status = run.status
    apply(run, "decline", at=now, reason=reason, notes=notes)
    run.save()
    cancelled = cancel_open_tasks(run, now=now)
    record(run, actor=actor, verb=verb, from_status=from_status, note=notes or run.get_decline_reason_display(),
           data={"partner": partner.pk, "reason": reason, "cancelled_tasks": cancelled})
    alert_raise(kind=alert, run=run, partner=partner, message=message)


@transaction.atomic
def run_decline(*, run: ProductionRun, partner: Partner, actor=None, reason: str, notes: str = "") -> ProductionRun:
    """``partner`` hands the run back with a reason. Declining it again (it is no longer yours) changes nothing."""
    run = lock_family(run.pk)
    if run.partner_id is None and run.previous_partner_id == partner.pk and run.declined_at is not None \
            and run.decline_reason != DeclineReason.NO_RESPONSE:
        return run  # the same partner declining again: already done
    require_partner(run, partner)
    # The run's state first: a partner whose run cannot be declined is told so, not asked for better notes.
    if run.status == RunStatus.IN_PROGRESS or (run.status == RunStatus.SENT_TO_PARTNER and run.has_task_work()):
        raise InvalidTransition(f"Run {run.pk} has been started; it can no longer be declined.",
                                code="already_started")
    require(run, "decline")
    if reason not in PARTNER_DECLINE_REASONS:
        raise InvalidInput(f"Choose a reason: {', '.join(PARTNER_DECLINE_REASONS)}.", field="reason")
    notes = notes.strip()
    if reason == DeclineReason.OTHER and not notes:
        raise InvalidInput("Say why in the notes when the reason is “other”.", field="notes")
    if len(notes) > DECLINE_NOTES_MAX:
        raise InvalidInput(f"Notes are at most {DECLINE_NOTES_MAX} characters.", field="notes")
    # "Other" says nothing beside the partner's own words: they are the reason then.
    why = [DeclineReason(reason).label.lower()] if reason != DeclineReason.OTHER else []
    why += [f"“{notes}”"] if notes else []
    hand_back_locked(run, actor=actor, reason=reason, notes=notes, verb=ActivityVerb.DECLINED,
                     alert=AlertKind.DECLINED,
                     message=f"{partner.name} declined run #{run.pk} ({run.quantity} × {run.design.name}): "
                             f"{' — '.join(why)}")
    return run


@transaction.atomic
def run_reassign(*, run: ProductionRun, partner_id: int, actor=None, dispatch: bool = False,
                 note: str = "") -> ProductionRun:
    """Give a handed-back (or sent but unanswered) run to a partner; with ``dispatch``, send it at once.

    The old partner's open tasks are cancelled and it no longer sees the run;
    dispatching again uses the run's previous templates.
    """
    run = lock_family(run.pk)
    require(run, "reassign")
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise InvalidInput(f"Unknown partner {partner_id}.", field="partner")
    if not partner.is_active:
        raise InvalidInput(f"{partner.name} is inactive.", field="partner")
    if dispatch and not run.template_ids:
        raise InvalidInput("This run was never dispatched with templates: reassign it without dispatching.",
                           field="dispatch")
    now = timezone.now()
    old_partner_id = run.partner_id or run.previous_partner_id
    if run.partner_id not in (None, partner.pk):  # taken from a partner that still had it (not handed back)
        queue_withdrawal_notification(run, why="reassigned")
    from_status = run.status
    cancelled = cancel_open_tasks(run, now=now)
    apply(run, "reassign", partner=partner)
    apply(run, "dispatch_reset")
    # A partner who has this role in the allocation already may take it: a second batch (``previous_partner`` is
    # set, so ``child_run_unique_partner_role`` leaves it out).
    run.save()
    design_link_partner(design=run.design, partner=partner, role=run.role)  # as approval links its partners
    record(run, actor=actor, verb=ActivityVerb.REASSIGNED, from_status=from_status, note=note,
           data={"from_partner": old_partner_id, "to_partner": partner.pk, "cancelled_tasks": cancelled})
    if dispatch:
        dispatch_start(run=run, actor=actor, selection=TemplateSelection(ids=tuple(run.template_ids)))
        run.refresh_from_db()
    return run


@dataclass(frozen=True)
class RedispatchResult:
    run: int
    partner: int | None
    template_ids: list[int]
    outcome: str


def _active_templates(ids) -> set[int]:
    return set(TaskTemplate.objects.active().filter(pk__in=set(ids)).values_list("pk", flat=True))


def _redispatch_outcome(run: ProductionRun, active_templates: set[int]) -> str | None:
    """Why a parked run cannot go back to its previous partner, or None when it can.

    ``active_templates``: which of the run's template ids are still active (one query for a whole batch)."""
    if run.status != RunStatus.AWAITING_REASSIGNMENT:
        return "not_awaiting_reassignment"
    if run.decline_reason != DeclineReason.NO_RESPONSE:
        return "declined"  # never sent back to the partner who said no
    if run.previous_partner is None or not run.previous_partner.is_active:
        return "partner_inactive"
    if not run.template_ids or not set(run.template_ids) <= active_templates:
        return "no_templates"  # never dispatched with templates, or one was deactivated or deleted since
    return None


@transaction.atomic
def _redispatch(run_id: int, *, actor) -> tuple[ProductionRun, str]:
    """Send one parked run back, deciding again under its lock: the batch read the runs without one, and staff
    may have given a run to someone else since, or its partner declined it."""
    run = lock_family(run_id)
    outcome = _redispatch_outcome(run, _active_templates(run.template_ids))
    if outcome is not None:
        return run, outcome
    run_reassign(run=run, partner_id=run.previous_partner_id, actor=actor, dispatch=True,
                 note="Redispatched to the previous partner.")
    return run, "redispatched"


def runs_redispatch(*, run_ids: list[int] | None, dry_run: bool = True, actor=None) -> list[RedispatchResult]:
    """Send parked runs back to their previous partner (a second chance), each in its own transaction."""
    runs = ProductionRun.objects.select_related("previous_partner").order_by("id")
    runs = runs.filter(pk__in=run_ids) if run_ids is not None else runs.filter(
        status=RunStatus.AWAITING_REASSIGNMENT)
    runs = list(runs)
    active_templates = _active_templates(pk for run in runs for pk in run.template_ids)
    results = []
    for run in runs:
        outcome = _redispatch_outcome(run, active_templates)
        if outcome is None and dry_run:
            outcome = "would_redispatch"
        elif outcome is None:
            try:
                run, outcome = _redispatch(run.pk, actor=actor)
            except (InvalidInput, InvalidTransition):
                outcome = "refused"  # say, the partner took the run's role in the allocation meanwhile
        results.append(RedispatchResult(run=run.pk, partner=run.previous_partner_id,
                                        template_ids=list(run.template_ids), outcome=outcome))
    return results
