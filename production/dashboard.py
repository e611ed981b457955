"""The operations dashboard on the admin home: counts that link to their lists, and three pictures.

The counts are ``production.reports.overview`` (the API's figures); the pictures are work in
progress by status and stage, completions per week for the last 12 weeks with the late share,
and the partner scorecards of the last 90 days. Everything comes from a fixed number of
queries, whatever the number of runs (pinned by a test); the charts are drawn on the server.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone

from production import dates, reports
from production.models import NON_TERMINAL, RunStatus

WEEKS = 12
SCORECARD_DAYS = 90
STAGE_COLOURS = 4  # stage 1, 2, 3 and "4 or later" have their own colour

# Each count, as people say it, and the run list (or page) it opens.
COUNTS = [
    ("pending_review", "Waiting for review", {"status__exact": RunStatus.PENDING_REVIEW}),
    ("awaiting_templates", "Waiting for templates", None),
    ("ready_to_dispatch", "Ready to dispatch", {"status__exact": RunStatus.APPROVED, "dispatch_state__exact": "idle",
                                                "units": "here"}),
    ("awaiting_reassignment", "Handed back: reassign", {"status__exact": RunStatus.AWAITING_REASSIGNMENT}),
    ("in_progress", "In progress", {"status__exact": RunStatus.IN_PROGRESS}),
    ("late", "Late", {"due": "late"}),
    ("due_soon", "Due in the next 2 days", {"due": "soon"}),
    ("completed_last_7_days", "Completed in the last 7 days", {"completed": "last_7_days"}),
]


@dataclass
class Week:
    start: object
    completed: int = 0
    late: int = 0
    height: float = 0  # % of the tallest week's column

    @property
    def late_share(self) -> int | None:
        return round(100 * self.late / self.completed) if self.completed else None

    @property
    def late_height(self) -> float:
        """The late part, as a % of the week's column."""
        return 100 * self.late / self.completed if self.completed else 0


@dataclass
class StatusBar:
    status: str
    label: str
    total: int = 0
    stages: list = field(default_factory=list)  # (stage, runs, width %)


def _count_links() -> list[dict]:
    runs = reverse("admin:production_productionrun_changelist")
    links = []
    for key, label, query in COUNTS:
        if query is None:
            url = reverse("admin:production_productionrun_confirm_templates")
        else:
            url = f"{runs}?{urlencode({'root': 'worked', **query})}"
        links.append({"key": key, "label": label, "url": url})
    return links


def work_in_progress() -> list[StatusBar]:
    """Runs someone works on, not finished, by status and stage (one query)."""
    rows = (reports.worked_runs().filter(status__in=NON_TERMINAL).values("status", "stage")
            .annotate(n=Count("pk")).order_by())
    bars = {status: StatusBar(status=status, label=RunStatus(status).label) for status in NON_TERMINAL}
    for row in rows:
        bars[row["status"]].total += row["n"]
        bars[row["status"]].stages.append((row["stage"], row["n"]))
    largest = max((bar.total for bar in bars.values()), default=0)
    for bar in bars.values():
        bar.stages = [(stage, n, 100 * n / largest, min(stage, STAGE_COLOURS)) for stage, n in sorted(bar.stages)]
    return list(bars.values())


def completions_by_week(today) -> list[Week]:
    """Runs someone worked on, completed in each of the last 12 weeks, and how many of them late (one query)."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    rows = (reports.worked_runs().filter(status=RunStatus.COMPLETED, completed_at__gte=dates.day_start(first))
            .annotate(week=TruncWeek("completed_at")).values("week")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__isnull=False,
                                                               completed_at__date__gt=F("due_date"))))
            .order_by())
    weeks = {first + timedelta(weeks=i): Week(start=first + timedelta(weeks=i)) for i in range(WEEKS)}
    for row in rows:
        start = timezone.localdate(row["week"]) if hasattr(row["week"], "tzinfo") else row["week"]
        if start in weeks:
            weeks[start].completed, weeks[start].late = row["n"], row["late"]
    return list(weeks.values())


def dashboard() -> dict:
    today = dates.today()
    counts = reports.overview(today)
    weeks = completions_by_week(today)
    tallest = max((week.completed for week in weeks), default=0)
    for week in weeks:
        week.height = 100 * week.completed / tallest if tallest else 0
    scorecards = reports.scorecards(start=today - timedelta(days=SCORECARD_DAYS))
    return {
        "counts": [{**link, "value": counts[link["key"]]} for link in _count_links()],
        "wip": work_in_progress(),
        "weeks": weeks,
        "tallest_week": tallest,
        "scorecards": scorecards,
        "scorecard_days": SCORECARD_DAYS,
    }
