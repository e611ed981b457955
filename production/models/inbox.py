"""The staff inbox: alerts for operations staff, each also emailed to ``OPS_EMAIL`` when set."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import Truncator

from production.models.run import ProductionRun


class AlertKind(models.TextChoices):
    DECLINED = "declined", "Declined by the partner"
    PARKED = "parked", "Parked: nobody answered"
    ESCALATED = "escalated", "Escalated: accepted but stuck"
    SHORTFALL = "shortfall", "Shortfall"
    REJECTS = "rejects", "Rejects"
    LATE = "late", "Late"


class AlertQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    kind = models.CharField(max_length=20, choices=AlertKind.choices, db_index=True)
    run = models.ForeignKey(ProductionRun, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "staff inbox"  # the admin's breadcrumb and home name it as its list's title does
        indexes = [models.Index(fields=["created_at"], condition=Q(read_at__isnull=True), name="alert_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {Truncator(self.message).chars(60)}"  # cut with "…", not mid-word
