"""The reminder ladder's planner: what a sent or started run is owed now. Pure: it reads the run and the policy.

A run is in one phase at a time, and phases only move forward:

- ``accept``: sent, not answered. Remind every ``accept_after_hours`` (since it was sent,
  then since the last reminder), ``cap`` reminders a round; then another round with the
  same partner while ``same_partner_retries`` are left; then park it.
- ``start``: accepted, not started. Remind every ``start_after_hours``; after ``cap``
  reminders, escalate to staff once. The run stays with the partner.
- ``idle``: in progress with no task work for ``idle_after_hours``. The same, counted
  from the partner's last work; new work starts the count again.

Each phase counts its own reminders (``reminder_phase`` says whose they are), so the
rules never reset each other's counter. ``production.services.reminders`` acts on the
plan under the run's lock and counts a reminder only once its email went out.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from production.models import ProductionPolicy, ProductionRun, RunStatus

ACCEPT, START, IDLE = "accept", "start", "idle"
PARKED_REALERT = timedelta(days=7)


@dataclass(frozen=True)
class Remind:
    phase: str
    round: int
    number: int  # the reminder's number within its round: 1 .. cap


@dataclass(frozen=True)
class Park:
    pass


@dataclass(frozen=True)
class Escalate:
    phase: str


def phase_of(run: ProductionRun) -> str | None:
    # A deactivated partner's users cannot log in to answer: nobody is chased (staff took it off the work).
    if run.partner_id is None or not run.partner.is_active:
        return None
    if run.status == RunStatus.SENT_TO_PARTNER:
        return START if run.accepted_at else ACCEPT
    if run.status == RunStatus.IN_PROGRESS:
        return IDLE
    return None


def phase_start(run: ProductionRun, phase: str) -> datetime:
    return {ACCEPT: run.sent_at, START: run.accepted_at, IDLE: run.last_activity_at or run.started_at}[phase]


def _hours(policy: ProductionPolicy, phase: str) -> timedelta:
    value = {ACCEPT: policy.accept_after_hours, START: policy.start_after_hours, IDLE: policy.idle_after_hours}[phase]
    return timedelta(hours=float(value))


def next_step(run: ProductionRun, policy: ProductionPolicy, now: datetime) -> Remind | Park | Escalate | None:
    """What the ladder does for ``run`` at ``now``, or None when nothing is due."""
    phase = phase_of(run)
    if phase is None:
        return None
    start = phase_start(run, phase)
    # Reminders count only within the phase they were sent in, and only since its start.
    current = run.reminder_phase == phase and run.last_reminded_at is not None and run.last_reminded_at >= start
    count, round_ = (run.reminder_count, run.reminder_round) if current else (0, 0)
    since = run.last_reminded_at if current else start
    if now - since < _hours(policy, phase):
        return None
    if count < policy.reminder_cap:
        return Remind(phase=phase, round=round_, number=count + 1)
    if phase == ACCEPT:
        if round_ < policy.same_partner_retries:
            return Remind(phase=phase, round=round_ + 1, number=1)
        return Park()
    if run.escalated_phase != phase:
        return Escalate(phase=phase)
    return None


def due_runs(policy: ProductionPolicy, now: datetime) -> QuerySet[ProductionRun]:
    """Every run whose ladder step may be due, in one query (``next_step`` has the last word per run)."""
    phase = Case(
        When(status=RunStatus.SENT_TO_PARTNER, accepted_at__isnull=True, then=Value(ACCEPT)),
        When(status=RunStatus.SENT_TO_PARTNER, then=Value(START)),
        default=Value(IDLE),
    )
    start = Case(
        When(status=RunStatus.SENT_TO_PARTNER, accepted_at__isnull=True, then=F("sent_at")),
        When(status=RunStatus.SENT_TO_PARTNER, then=F("accepted_at")),
        default=Coalesce(F("last_activity_at"), F("started_at")),
        output_field=DateTimeField(),
    )
    since = Case(
        When(Q(reminder_phase=F("ladder_phase")) & Q(last_reminded_at__gte=F("ladder_start")),
             then=F("last_reminded_at")),
        default=F("ladder_start"),
        output_field=DateTimeField(),
    )
    return (
        ProductionRun.objects.filter(status__in=[RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS],
                                     partner__is_active=True)
        .annotate(ladder_phase=phase, ladder_start=start)
        .annotate(ladder_since=since)
        .filter(Q(ladder_phase=ACCEPT, ladder_since__lte=now - _hours(policy, ACCEPT))
                | Q(ladder_phase=START, ladder_since__lte=now - _hours(policy, START))
                | Q(ladder_phase=IDLE, ladder_since__lte=now - _hours(policy, IDLE)))
        # Escalated in its phase and out of reminders in its current spell: nothing more to do (next_step agrees).
        # New work starts a new spell, counted from 0 again, and it is reminded (not escalated a second time).
        .exclude(Q(escalated_phase=F("ladder_phase")) & ~Q(ladder_phase=ACCEPT)
                 & Q(reminder_phase=F("ladder_phase")) & Q(last_reminded_at__gte=F("ladder_start"))
                 & Q(reminder_count__gte=policy.reminder_cap))
        .order_by("id")
    )
