from django.conf import settings
from django.db import models
from django.db.models import Q

from config.money import MONEY_DIGITS, MONEY_PLACES, RateType


class Design(models.Model):
    class Status(models.TextChoices):
        CONCEPTUAL = "conceptual", "Conceptual"
        IN_DEVELOPMENT = "in_development", "In development"
        TECHNICAL_REVIEW = "technical_review", "Technical review"
        SAMPLE_PRODUCTION = "sample_production", "Sampling"
        REVISION = "revision", "In revision"
        APPROVED = "approved", "Approved"
        COMMERCE_READY = "commerce_ready", "Ready for commerce"
        ON_HOLD = "on_hold", "On hold"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.CONCEPTUAL, db_index=True)
    specs = models.JSONField(default=dict, blank=True)
    routing = models.JSONField(
        null=True, blank=True,
        help_text='Default routing for automatic dispatch: {"assignments": [{"partner": id, "role": text, '
        '"share": relative weight, "stage": 1, 2, … (optional)}], "template_category": id, "template_ids": [id]}. '
        "Each stage's shares split the whole quantity; later stages go out when the one before is finished.",
    )
    partners = models.ManyToManyField("partners.Partner", through="DesignPartner", related_name="designs", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="design_code_unique_when_set"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


class DesignPartner(models.Model):
    """A partner works on a design (in a role); it then sees the design in its hub."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="design_links")
    role = models.CharField(max_length=100, blank=True, default="")
    # The rate agreed with the partner for this design (and role): the default of its runs' rates.
    rate = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True,
                               help_text="Agreed price, in the installation's currency.")
    rate_type = models.CharField(max_length=10, choices=RateType.choices, default=RateType.PER_UNIT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["design_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["design", "partner", "role"], name="design_partner_role_unique"),
            models.CheckConstraint(condition=Q(rate__isnull=True) | Q(rate__gte=0), name="design_partner_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.design} – {self.partner}" + (f" ({self.role})" if self.role else "")


class DesignActivity(models.Model):
    """A design's history: each change of its status, who made it and why (a sample's review, an edit).

    ``data`` carries what the change came from (``{"run": id, "decision": ...}`` for a review); designs
    knows nothing of runs, so it is plain data. ``actor`` None is the system.
    """

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    from_status = models.CharField(max_length=30, choices=Design.Status.choices, blank=True, default="")
    to_status = models.CharField(max_length=30, choices=Design.Status.choices, blank=True, default="")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "design activities"

    def __str__(self) -> str:
        return f"{self.design}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
