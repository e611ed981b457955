"""When runs are due, and which are late (pure: reads, writes nothing).

- A root run from an order is due on the order's ``promised_date``.
- A child run is due on its assignment's ``due_date``, else its parent's.
- A run sent without one is due ``lead_time_days`` (the partner's) after it was sent.
- Staff may set it on any run not finished (``PATCH``).

Lateness is computed, never stored: a run is late when it is not finished and
today (the installation's time zone) is after its due date; a completed run was
``completed_late`` when it finished after it. Only the daily alert remembers
what it reported (``late_alerted_for``), so each due date is reported once.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

DUE_SOON_DAYS = 2  # due today or within the next two days: "due soon"


def today() -> date:
    return timezone.localdate()


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in the installation's time zone: ``at >= day_start(d)`` says ``at.date() >= d``
    (local) in a way an index on ``at`` can serve, where ``at__date__gte`` makes the database convert every row."""
    return timezone.make_aware(datetime.combine(day, time.min))


def late(due_date: date | None, *, finished: bool, on: date) -> bool:
    """The one rule: due, not finished, and ``on`` is after the due date."""
    return due_date is not None and not finished and on > due_date


def is_late(run, on: date | None = None) -> bool:
    return late(run.due_date, finished=run.is_terminal, on=on or today())


def completed_late(run) -> bool | None:
    return finished_late(run.status, run.due_date, run.completed_at)


def finished_late(status: str, due_date: date | None, completed_at) -> bool | None:
    """A completed run finished after its due date; None before completion, or without a due date."""
    if status != "completed" or due_date is None or completed_at is None:
        return None
    return timezone.localdate(completed_at) > due_date


def due_when_sent(run, *, sent_at) -> date | None:
    """The due date a run gets when it is sent without one: its partner's lead time from that day."""
    if run.due_date is not None or run.partner is None:
        return run.due_date
    return timezone.localdate(sent_at) + timedelta(days=run.partner.lead_time_days)
