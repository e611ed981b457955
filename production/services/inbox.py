"""The staff inbox: raise an alert (a row, and an email to OPS_EMAIL after commit), mark one read."""

from django.db import transaction
from django.utils import timezone

from production.jobs import queue_alert_email
from production.models import Alert, AlertKind, ProductionRun


def alert_raise(*, kind: AlertKind, run: ProductionRun | None, message: str, partner=None) -> Alert:
    """Tell operations staff something needs them. Part of the caller's transaction; the email follows its commit."""
    alert = Alert.objects.create(kind=kind, run=run, partner=partner, message=message)
    queue_alert_email(alert.pk)
    return alert


@transaction.atomic
def alert_mark_read(*, alert: Alert, actor=None) -> Alert:
    """Idempotent: an alert read twice keeps its first reader and time."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.read_by = actor if getattr(actor, "pk", None) else None
        alert.save(update_fields=["read_at", "read_by"])
    return alert
