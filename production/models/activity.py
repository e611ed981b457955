"""Who did what to a run, when: the activity log and its one vocabulary of verbs."""

from django.conf import settings
from django.db import models

from production.models.run import ProductionRun
from production.models.states import RunStatus


class ActivityVerb(models.TextChoices):
    """What an activity row records: the one vocabulary of the log, the API and admin."""

    CREATED = "created", "Created"
    APPROVED = "approved", "Approved"
    ALLOCATED = "allocated", "Allocated"
    DISPATCH_STARTED = "dispatch_started", "Dispatch started"
    DISPATCHED = "dispatched", "Dispatched"
    DISPATCH_CANCELLED = "dispatch_cancelled", "Dispatch cancelled"
    STARTED = "started", "Started"
    TASK_STARTED = "task_started", "Task started"
    TASK_COMPLETED = "task_completed", "Task completed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    AUTO_DISPATCH_SKIPPED = "auto_dispatch_skipped", "Not dispatched automatically"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REMINDED = "reminded", "Partner reminded"
    PARKED = "parked", "Parked (no answer)"
    ESCALATED = "escalated", "Escalated to staff"
    REASSIGNED = "reassigned", "Reassigned"
    RELEASED = "released", "Released to its stage"
    CORRECTED = "corrected", "Output corrected"
    REMAKE_CREATED = "remake_created", "Remake created"
    REVIEWED = "reviewed", "Sample reviewed"
    RATE_CHANGED = "rate_changed", "Rate changed"
    PAYABLE_CREATED = "payable_created", "Payable created"
    PAYABLE_ADJUSTED = "payable_adjusted", "Payable adjusted"
    PAYABLE_APPROVED = "payable_approved", "Payable approved"
    PAYABLE_PAID = "payable_paid", "Payable paid"
    PAYABLE_VOIDED = "payable_voided", "Payable voided"
    MATERIAL_USED = "material_used", "Material logged"
    DUE_DATE_CHANGED = "due_date_changed", "Due date changed"


class ProductionRunActivity(models.Model):
    """Who did what to a run, when. ``actor`` None means the system (a job, the gating policy)."""

    run = models.ForeignKey(ProductionRun, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=50, choices=ActivityVerb.choices)
    from_status = models.CharField(max_length=30, blank=True, default="")
    to_status = models.CharField(max_length=30, blank=True, default="")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "production run activities"

    def __str__(self) -> str:
        moved = self.from_status and self.from_status != self.to_status
        return self.get_verb_display() + (f": {RunStatus.label_of(self.from_status).lower()} → "
                                          f"{RunStatus.label_of(self.to_status).lower()}" if moved else "")

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else "system"
