from django.apps import AppConfig
from django.db.models.signals import post_migrate

REMINDER_SCHEDULE = "production: reminder ladder"
LATE_SCHEDULE = "production: runs newly late"


def ensure_reminder_schedule(sender, **kwargs):
    """The django-q2 schedules (the reminder ladder, the daily late check), kept up to date on every migrate."""
    from django.conf import settings
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=REMINDER_SCHEDULE,
        defaults={"func": "production.services.reminders.reminders_check", "schedule_type": Schedule.MINUTES,
                  "minutes": settings.REMINDER_INTERVAL_MINUTES, "repeats": -1},
    )
    # Once a day, in the morning (each run is reported once per due date, so running it again is harmless). A run is
    # late from the local midnight after its due date; made at migrate's hour, the check could tell staff a day late.
    schedule, created = Schedule.objects.update_or_create(
        name=LATE_SCHEDULE,
        defaults={"func": "production.services.due_dates.runs_late_check", "schedule_type": Schedule.DAILY,
                  "repeats": -1},
    )
    if created:
        schedule.next_run = next_late_check()
        schedule.save(update_fields=["next_run"])


LATE_CHECK_HOUR = 6  # local time: the alerts are there when the operations team starts


def next_late_check():
    """The next LATE_CHECK_HOUR o'clock, local time (django-q2 then keeps the hour, daily)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    now = timezone.localtime()
    day = now.date() if now.time() < time(LATE_CHECK_HOUR) else now.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(LATE_CHECK_HOUR)))


class ProductionConfig(AppConfig):
    name = "production"

    def ready(self):
        from production import receivers  # noqa: F401  (connects order_placed)

        post_migrate.connect(ensure_reminder_schedule, sender=self, dispatch_uid="production.reminder_schedule")
