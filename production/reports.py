"""The operations overview and the partner scorecards (pure: reads, writes nothing; a fixed number of queries).

Both count the runs someone works on: runs without children (a parent is never
counted, so nothing is counted twice). The admin's dashboard and
``/api/admin/reports/...`` show the same figures from here.
"""

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import reduce
import operator

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from partners.models import Partner
from production import dates
from production.models import (
    ActivityVerb,
    DispatchState,
    ProductionRun,
    ProductionRunActivity,
    RunStatus,
)
from production.models.queries import late_q

NOT_STARTED = [RunStatus.PENDING_REVIEW, RunStatus.APPROVED, RunStatus.SENT_TO_PARTNER, RunStatus.AWAITING_REASSIGNMENT]


def worked_runs():
    """Runs without children: the runs a partner works on (or will), never their parents."""
    return ProductionRun.objects.worked()


def overview_filters(today: date) -> dict[str, Q]:
    """Each count of the overview as a condition (the dashboard links each to its list)."""
    soon = today + timedelta(days=dates.DUE_SOON_DAYS)
    return {
        "pending_review": Q(status=RunStatus.PENDING_REVIEW),
        "awaiting_templates": Q(dispatch_state=DispatchState.AWAITING_TEMPLATES),
        "ready_to_dispatch": Q(status=RunStatus.APPROVED, dispatch_state=DispatchState.IDLE)
                             & (Q(stage=1) | Q(released_at__isnull=False)),
        "awaiting_reassignment": Q(status=RunStatus.AWAITING_REASSIGNMENT),
        "in_progress": Q(status=RunStatus.IN_PROGRESS),
        "late": late_q(today),
        "due_soon": Q(due_date__gte=today, due_date__lte=soon, status__in=NOT_STARTED),
        "completed_last_7_days": Q(status=RunStatus.COMPLETED, completed_at__gte=timezone.now() - timedelta(days=7)),
    }


def overview(today: date | None = None) -> dict[str, int]:
    """The counts over runs without children, in one query.

    Only rows some count takes are read (the conditions joined by OR: open work and last week's completions,
    off the ``run_open`` and ``run_completed`` indexes), not the whole history."""
    conditions = overview_filters(today or dates.today())
    return worked_runs().filter(reduce(operator.or_, conditions.values())).aggregate(
        **{name: Count("pk", filter=q) for name, q in conditions.items()})


@dataclass
class Scorecard:
    partner: int
    name: str
    runs_sent: int
    runs_completed: int
    on_time_rate: float | None
    reject_rate: float | None
    declines: int
    parked: int
    mean_lead_time_days: float | None
    units_produced: int

    def as_data(self) -> dict:
        return asdict(self)


def _fraction(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def scorecards(*, start: date | None = None, end: date | None = None) -> list[Scorecard]:
    """One row per partner with runs sent in the period (or handing runs back in it), by name; three queries.

    ``on_time_rate``: completed runs with a due date finished by it; ``reject_rate``: rejected / (produced +
    rejected); ``declines`` and ``parked``: runs the partner handed back (or that were taken back from it for
    want of an answer) in the period; ``mean_lead_time_days``: sent to completed.
    """
    runs = worked_runs().filter(partner__isnull=False, sent_at__isnull=False)
    handbacks = ProductionRunActivity.objects.filter(verb__in=[ActivityVerb.DECLINED, ActivityVerb.PARKED])
    # Whole local days, bounded by times so that indexes serve them. A bound within a day of the calendar's
    # ends bounds nothing (and its time would not fit a datetime once moved to UTC).
    if start is not None and start > date.min + timedelta(days=1):
        runs = runs.filter(sent_at__gte=dates.day_start(start))
        handbacks = handbacks.filter(created_at__gte=dates.day_start(start))
    if end is not None and end < date.max - timedelta(days=1):
        runs = runs.filter(sent_at__lt=dates.day_start(end + timedelta(days=1)))
        handbacks = handbacks.filter(created_at__lt=dates.day_start(end + timedelta(days=1)))
    done = Q(status=RunStatus.COMPLETED)
    figures = {row["partner_id"]: row for row in runs.values("partner_id").annotate(
        sent=Count("pk"), completed=Count("pk", filter=done),
        timed=Count("pk", filter=done & Q(due_date__isnull=False)),
        on_time=Count("pk", filter=done & Q(due_date__isnull=False, completed_at__date__lte=F("due_date"))),
        produced=Sum("produced_quantity", filter=done), rejected=Sum("rejected_quantity", filter=done),
        lead=Avg(F("completed_at") - F("sent_at"), filter=done),
    ).order_by()}
    backs: dict[tuple[int, str], int] = {}
    for partner_id, verb, count in (handbacks.values_list("data__partner", "verb").annotate(n=Count("pk"))
                                    .values_list("data__partner", "verb", "n").order_by()):
        if isinstance(partner_id, int):
            backs[(partner_id, verb)] = backs.get((partner_id, verb), 0) + count
    ids = set(figures) | {partner_id for partner_id, _ in backs}
    names = dict(Partner.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for partner_id in ids:
        if partner_id not in names:
            continue
        f = figures.get(partner_id, {})
        produced, rejected = f.get("produced") or 0, f.get("rejected") or 0
        lead = f.get("lead")
        rows.append(Scorecard(
            partner=partner_id, name=names[partner_id], runs_sent=f.get("sent", 0),
            runs_completed=f.get("completed", 0), on_time_rate=_fraction(f.get("on_time", 0), f.get("timed", 0)),
            reject_rate=_fraction(rejected, produced + rejected),
            declines=backs.get((partner_id, ActivityVerb.DECLINED), 0),
            parked=backs.get((partner_id, ActivityVerb.PARKED), 0),
            mean_lead_time_days=round(lead.total_seconds() / 86400, 2) if lead is not None else None,
            units_produced=produced,
        ))
    return sorted(rows, key=lambda row: (row.name.lower(), row.partner))
