"""Due dates: staff set a run's (``run_set_due_date``); once a day staff hear of each run newly late.

``runs_late_check`` (the daily django-q2 schedule) raises one ``late`` alert per
run that someone works on (a run without children: a parent is late through
them) and that is late, once per due date: ``late_alerted_for`` remembers the
date reported, under the run's row lock, so a check delivered twice, or run
again the same day, reports nothing new; a run given a new due date that it
misses again is reported again.
"""

from datetime import date

from django.db import transaction
from django.db.models import F

from config.errors import InvalidTransition
from config.numbers import counted
from production import dates
from production.models import ActivityVerb, AlertKind, ProductionRun
from production.services._base import lock, record
from production.services.inbox import alert_raise


@transaction.atomic
def run_set_due_date(*, run: ProductionRun, due_date: date | None, actor=None) -> ProductionRun:
    """Set (or clear) the date a run is due; 409 once it is finished (its lateness is history then)."""
    run = lock(run.pk)
    if run.is_terminal:
        raise InvalidTransition(f"Run {run.pk} is {run.get_status_display().lower()}: its due date is history.")
    before = run.due_date
    run.due_date = due_date
    run.save(update_fields=["due_date", "updated_at"])
    record(run, actor=actor, verb=ActivityVerb.DUE_DATE_CHANGED, from_status=run.status,
           note=f"Due {_day(due_date)} (was {_day(before)}).",
           data={"before": before.isoformat() if before else None, "after": due_date.isoformat() if due_date else None})
    return run


def _day(value: date | None) -> str:
    return f"{value:%-d %b %Y}" if value else "none"


def runs_late_check(on: date | None = None) -> int:
    """Alert staff of each run newly late (see the module); returns how many were reported."""
    on = on or dates.today()
    candidates = (ProductionRun.objects.late(on).filter(children__isnull=True)
                  .exclude(late_alerted_for=F("due_date")).values_list("pk", flat=True))
    reported = 0
    for run_id in list(candidates):
        reported += _report(run_id, on)
    return reported


@transaction.atomic
def _report(run_id: int, on: date) -> int:
    run = lock(run_id)
    if not dates.is_late(run, on) or run.late_alerted_for == run.due_date:
        return 0  # finished, moved, or reported meanwhile
    run.late_alerted_for = run.due_date
    run.save(update_fields=["late_alerted_for", "updated_at"])
    days = (on - run.due_date).days
    who = f" at {run.partner.name}" if run.partner else ""
    alert_raise(kind=AlertKind.LATE, run=run, partner=run.partner,
                message=f"Run #{run.pk}{who} was due {run.due_date:%-d %b %Y} ({counted(days, 'day')} "
                        f"ago) and is {run.get_status_display().lower()}.")
    return 1
