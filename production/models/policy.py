"""The switchable production policy: automatic dispatch and the reminder ladder's numbers."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

HOURS = {"max_digits": 7, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class ProductionPolicy(models.Model):
    """The one row of switchable policy (id is always 1): automatic dispatch and the reminder ladder."""

    auto_dispatch = models.BooleanField(
        default=False,
        help_text="Approve and dispatch order-born runs of commerce-ready designs with a complete routing automatically.",
    )
    accept_after_hours = models.DecimalField(
        default=Decimal(24), help_text="Remind a partner who has not accepted a sent run after this many hours.", **HOURS)
    start_after_hours = models.DecimalField(
        default=Decimal(24), help_text="Remind a partner who accepted but has not started after this many hours.",
        **HOURS)
    idle_after_hours = models.DecimalField(
        default=Decimal(72), help_text="Remind a partner whose run in progress saw no task work for this many hours.",
        **HOURS)
    reminder_cap = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)],
        help_text="Reminders per round; after them a silent partner gets another round or the run is parked, "
                  "and a partner who accepted is escalated to staff.")
    same_partner_retries = models.PositiveSmallIntegerField(
        default=1, help_text="Extra rounds of reminders to the same silent partner before the run is parked.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "production policy"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="production_policy_singleton"),
            models.CheckConstraint(condition=Q(reminder_cap__gte=1), name="production_policy_cap_at_least_one"),
        ]

    def __str__(self) -> str:
        return "Production policy"

    @classmethod
    def load(cls) -> "ProductionPolicy":
        obj, _ = cls.objects.get_or_create(id=1)
        return obj

    @property
    def reminders(self) -> dict:
        """The ladder's numbers as the API shows them (hours as numbers, fractions allowed)."""
        return {
            "accept_after_hours": float(self.accept_after_hours), "start_after_hours": float(self.start_after_hours),
            "idle_after_hours": float(self.idle_after_hours), "cap": self.reminder_cap,
            "same_partner_retries": self.same_partner_retries,
        }
