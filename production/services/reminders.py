"""The reminder ladder's check (a django-q2 schedule, or staff's "run now"): act on what ``production.reminders`` plans.

Each due run is handled in its own transaction under its row lock, taken with
SKIP LOCKED: overlapping checks never handle the same run at the same time, and
the state they find afterwards (the count, ``last_reminded_at``) says it is no
longer due. A reminder counts only once its email went out: it is sent under
the lock and a failure rolls the reminder back, to be tried on the next check.
(A crash between the email and the commit can repeat a reminder; it can never
skip one, which is the failure that costs a partner its run.)
"""

from dataclasses import dataclass
import logging

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from config.numbers import counted
from partners.services import partner_notify
from production import reminders
from production.jobs import queue_withdrawal_notification
from production.models import (
    ActivityVerb,
    AlertKind,
    DeclineReason,
    ProductionPolicy,
    ProductionRun,
    RunStatus,
)
from production.services._base import record
from production.services.inbox import alert_raise
from production.services.partner_response import hand_back_locked
from tasks.models import Task

logger = logging.getLogger(__name__)

EXPECTED = {
    reminders.ACCEPT: "Please accept it, or decline it with a reason",
    reminders.START: "You accepted it: please start it",
    reminders.IDLE: "No task has moved for a while: please carry on, or tell us what is blocking you",
}
# An idle run whose tasks are all done waits for its completion (the counts of good and rejected pieces), not work.
TASKS_DONE = "Its tasks are all done: please complete it with its counts of good and rejected pieces"


def _expected(run: ProductionRun, phase: str) -> str:
    if phase == reminders.IDLE and not run.tasks.filter(status__in=Task.OPEN).exists():
        return TASKS_DONE
    return EXPECTED[phase]


@dataclass
class CheckResult:
    reminded: int = 0
    parked: int = 0
    escalated: int = 0
    failed: int = 0  # reminders whose email could not be sent (not counted; retried next time)
    realerted: int = 0  # parked runs brought to staff again

    def as_data(self) -> dict:
        return {"reminded": self.reminded, "parked": self.parked, "escalated": self.escalated}


def _lock(run_id: int) -> ProductionRun | None:
    return (ProductionRun.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("partner", "design").filter(pk=run_id).first())


def _remind(run: ProductionRun, step: reminders.Remind, now) -> None:
    start = reminders.phase_start(run, step.phase)
    expected = _expected(run, step.phase)
    kind = run.kind_in_words
    with transaction.atomic():  # a failed email rolls back the notification: nothing counts
        partner_notify(
            partner=run.partner,
            key=f"run-reminder:{run.pk}:{step.phase}:{start:%Y%m%dT%H%M%S%f}:{step.round}:{step.number}",
            title=f"Reminder: {kind} #{run.pk} ({run.quantity} × {run.design.name})",
            body=f"{kind.capitalize()} #{run.pk}, {run.quantity} × {run.design.name}"
                 f"{' (' + run.role + ')' if run.role else ''}. {expected}.",
            link=reverse("portal:run-detail", args=[run.pk]),
        )
    run.reminder_phase, run.reminder_round, run.reminder_count = step.phase, step.round, step.number
    run.last_reminded_at = now
    run.save(update_fields=["reminder_phase", "reminder_round", "reminder_count", "last_reminded_at", "updated_at"])
    record(run, actor=None, verb=ActivityVerb.REMINDED, from_status=run.status,
           note=f"{expected} (reminder {step.number}, round {step.round + 1}).",
           data={"phase": step.phase, "round": step.round, "number": step.number})


def _park(run: ProductionRun) -> None:
    partner = run.partner
    queue_withdrawal_notification(run, why="parked")  # reads the partner and the sending before they go
    hand_back_locked(
        run, actor=None, reason=DeclineReason.NO_RESPONSE, notes="", verb=ActivityVerb.PARKED, alert=AlertKind.PARKED,
        message=f"Run #{run.pk} ({run.quantity} × {run.design.name}) was parked: {partner.name} did not answer "
                f"{counted(run.reminder_count * (run.reminder_round + 1), 'reminder')}. It waits for reassignment.",
    )


def _escalate(run: ProductionRun, step: reminders.Escalate) -> None:
    run.escalated_phase = step.phase
    run.save(update_fields=["escalated_phase", "updated_at"])
    if step.phase == reminders.START:
        what = "accepted {run} but has not started it"
    elif _expected(run, step.phase) == TASKS_DONE:
        what = "did every task of {run} but has not completed it"
    else:
        what = "accepted {run} but has not moved a task"
    record(run, actor=None, verb=ActivityVerb.ESCALATED, from_status=run.status,
           note=f"{run.partner.name} {what.format(run='the run')} after {run.reminder_count} reminders.")
    alert_raise(kind=AlertKind.ESCALATED, run=run, partner=run.partner,
                message=f"{run.partner.name} {what.format(run=f'run #{run.pk} ({run.quantity} × {run.design.name})')} "
                        f"after {run.reminder_count} reminders. The run stays with them.")


def _realert_parked(policy_now, result: CheckResult) -> None:
    """Runs still waiting for reassignment a week after staff were last told are brought to them again."""
    cutoff = policy_now - reminders.PARKED_REALERT
    last_told = Max("alerts__created_at", filter=Q(alerts__kind__in=[AlertKind.DECLINED, AlertKind.PARKED]))
    stale = (ProductionRun.objects.filter(status=RunStatus.AWAITING_REASSIGNMENT)
             .annotate(last_told=last_told).filter(Q(last_told__lte=cutoff) | Q(last_told__isnull=True))
             .values_list("pk", flat=True))
    for run_id in stale:
        with transaction.atomic():
            run = _lock(run_id)
            if run is None or run.status != RunStatus.AWAITING_REASSIGNMENT:
                continue
            told = run.alerts.filter(kind__in=[AlertKind.DECLINED, AlertKind.PARKED]).aggregate(at=Max("created_at"))
            if told["at"] is not None and told["at"] > cutoff:
                continue  # another check told them a moment ago
            # Told as it was handed back: declined by its partner, or parked when nobody answered.
            declined = run.decline_reason != DeclineReason.NO_RESPONSE
            alert_raise(kind=AlertKind.DECLINED if declined else AlertKind.PARKED, run=run, partner=run.previous_partner,
                        message=f"Run #{run.pk} ({run.quantity} × {run.design.name}) has been waiting for "
                                f"reassignment since {timezone.localdate(run.declined_at):%-d %b %Y} "
                                f"({run.get_decline_reason_display().lower()}).")
            result.realerted += 1


def reminders_check() -> dict:
    """The scheduled job: remind, park or escalate every due run; bring long-parked runs to staff again."""
    now = timezone.now()
    policy = ProductionPolicy.load()
    result = CheckResult()
    for run_id in list(reminders.due_runs(policy, now).values_list("pk", flat=True)):
        with transaction.atomic():
            run = _lock(run_id)
            step = reminders.next_step(run, policy, now) if run is not None else None
            if isinstance(step, reminders.Remind):
                try:
                    _remind(run, step, now)
                except Exception:  # noqa: BLE001 (any mail failure: SMTP, DNS, timeout)
                    logger.warning("reminder for run %s not sent; it is retried on the next check", run_id,
                                   exc_info=True)
                    result.failed += 1
                else:
                    result.reminded += 1
            elif isinstance(step, reminders.Park):
                _park(run)
                result.parked += 1
            elif isinstance(step, reminders.Escalate):
                _escalate(run, step)
                result.escalated += 1
    _realert_parked(now, result)
    logger.info("reminder check: %s", result)
    return result.as_data()
