from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models


class Partner(models.Model):
    """An outside workshop (cutting, stitching, dyeing, ...) that produces for the brand."""

    name = models.CharField(max_length=200)
    handle = models.SlugField(max_length=100, unique=True)
    email = models.EmailField()
    roles = models.JSONField(default=list, blank=True, help_text="Roles this partner takes, e.g. cutting, stitching.")
    is_active = models.BooleanField(default=True)
    auto_accept = models.BooleanField(
        default=False, help_text="Runs dispatched to this partner are accepted at once (no need to answer each).")
    lead_time_days = models.PositiveSmallIntegerField(
        default=14, validators=[MaxValueValidator(365)],
        help_text="Days this partner usually needs: a run sent without a due date is due this many days later.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def choice_label(self) -> str:
        """How staff pick a partner (Allocate, the admin's partner search): its name and the roles it takes."""
        return f"{self.name} ({', '.join(self.roles)})" if self.roles else self.name


class PartnerMembership(models.Model):
    """Makes a Django user a partner user. A user belongs to at most one partner."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_membership")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner_id", "id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner} ({self.role})"


class Notification(models.Model):
    """An in-app message for a partner, shown in the portal.

    ``key`` makes a notification idempotent: a job delivered twice finds the row
    it already wrote (unique constraint) instead of writing a second one.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "key"], name="notification_unique_key_per_partner")]

    def __str__(self) -> str:
        return self.title
