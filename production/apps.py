from django.apps import AppConfig
from django.db.models.signals import post_migrate

REMINDER_SCHEDULE = "production: reminder ladder"


def ensure_reminder_schedule(sender, **kwargs):
    """The reminder ladder's django-q2 schedule, created or brought up to date on every migrate (idempotent)."""
    from django.conf import settings
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=REMINDER_SCHEDULE,
        defaults={"func": "production.services.reminders.reminders_check", "schedule_type": Schedule.MINUTES,
                  "minutes": settings.REMINDER_INTERVAL_MINUTES, "repeats": -1},
    )


class ProductionConfig(AppConfig):
    name = "production"

    def ready(self):
        from production import receivers  # noqa: F401  (connects order_placed)

        post_migrate.connect(ensure_reminder_schedule, sender=self, dispatch_uid="production.reminder_schedule")
