"""The daily check: one `late` alert per run newly late (per due date), never for a parent; twice is harmless."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone
from django_q.models import Schedule
import pytest

from production.apps import LATE_SCHEDULE
from production.models import Alert, AlertKind, ProductionRun
from production.services import Assignment, run_create_allocated, run_set_due_date, runs_late_check
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def test_each_run_newly_late_is_reported_once_per_due_date(staff, partner_a, partner_b, settings, q_sync,
                                                            django_capture_on_commit_callbacks):
    settings.OPS_EMAIL = "ops@brand.example"
    parent, (late, on_time) = run_create_allocated(design=DesignFactory(), quantity=4, actor=staff, assignments=[
        Assignment(partner_id=partner_a.pk, quantity=4, role="cutting", due_date=date(2026, 12, 1)),
        Assignment(partner_id=partner_b.pk, quantity=4, role="stitching", stage=2, due_date=date(2026, 12, 9))])
    run_set_due_date(run=parent, due_date=date(2026, 11, 30), actor=staff)  # the parent is late too: not reported

    with django_capture_on_commit_callbacks(execute=True):
        assert runs_late_check(on=date(2026, 12, 2)) == 1
    (alert,) = Alert.objects.filter(kind=AlertKind.LATE)
    assert alert.run_id == late.pk and alert.partner_id == partner_a.pk
    assert alert.message == f"Run #{late.pk} at {partner_a.name} was due 1 Dec 2026 (1 day ago) and is approved."
    assert any("was due 1 Dec 2026" in message.body for message in mail.outbox)

    assert runs_late_check(on=date(2026, 12, 2)) == 0  # the same day again (a job delivered twice)
    assert runs_late_check(on=date(2026, 12, 3)) == 0  # still late: already reported
    run_set_due_date(run=late, due_date=date(2026, 12, 5), actor=staff)
    assert runs_late_check(on=date(2026, 12, 5)) == 0  # due today: not late
    assert runs_late_check(on=date(2026, 12, 6)) == 1  # a new date missed: reported again
    assert Alert.objects.filter(kind=AlertKind.LATE, run=late).count() == 2
    assert not Alert.objects.filter(run__in=[parent.pk, on_time.pk]).exists()


def test_finished_runs_are_never_late(staff, partner_a):
    from production.services import run_cancel

    _, (child,) = run_create_allocated(design=DesignFactory(), quantity=1, actor=staff, assignments=[
        Assignment(partner_id=partner_a.pk, quantity=1, due_date=date.today() - timedelta(days=3))])
    run_cancel(run=child, actor=staff, reason="Not needed")
    assert runs_late_check() == 0 and not ProductionRun.objects.get(pk=child.pk).is_late


def test_the_check_is_scheduled_daily():
    schedule = Schedule.objects.get(name=LATE_SCHEDULE)
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "production.services.due_dates.runs_late_check", Schedule.DAILY, -1)


def test_a_new_late_check_runs_in_the_morning_not_at_the_hour_of_migrate(settings):
    """Made at migrate's hour (say 14:00), the daily check told staff of a run late since midnight only at 14:00."""
    import time_machine

    from production.apps import ensure_reminder_schedule

    settings.TIME_ZONE = "Europe/Rome"
    Schedule.objects.filter(name=LATE_SCHEDULE).delete()
    with time_machine.travel(datetime(2026, 3, 2, 13, 0, tzinfo=UTC), tick=False):  # 14:00 in Rome
        ensure_reminder_schedule(sender=None)
    next_run = Schedule.objects.get(name=LATE_SCHEDULE).next_run
    assert timezone.localtime(next_run) == datetime(2026, 3, 3, 6, 0, tzinfo=ZoneInfo("Europe/Rome"))
    with time_machine.travel(datetime(2026, 3, 3, 1, 0, tzinfo=UTC), tick=False):  # a migrate later keeps it
        ensure_reminder_schedule(sender=None)
    assert Schedule.objects.get(name=LATE_SCHEDULE).next_run == next_run
