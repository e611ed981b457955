"""What the brand owes its partners: one payable per completed run with a rate, and its life until paid.

A payable's amount comes from the run's good output and its rate; staff adjust it
(with a reason) while it is open, approve it, pay it with a reference, or void it.
A correction of a run's output after payment adds a ``balance`` payable for the
difference: a paid payable never changes. Its history is the run's activity log.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from config.money import MONEY_DIGITS, MONEY_PLACES, RateType
from production.models.run import ProductionRun


class PayableStatus(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class PayableKind(models.TextChoices):
    COMPLETION = "completion", "Completed run"
    BALANCE = "balance", "Balance after a correction"


class PayableQuerySet(models.QuerySet):
    def due(self):
        """Not void: what counts towards what a run's partner is owed."""
        return self.exclude(status=PayableStatus.VOID)


class Payable(FSMModelMixin, models.Model):
    run = models.ForeignKey(ProductionRun, on_delete=models.PROTECT, related_name="payables")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="payables")
    kind = models.CharField(max_length=12, choices=PayableKind.choices, default=PayableKind.COMPLETION)
    status = FSMField(default=PayableStatus.OPEN, choices=PayableStatus.choices, protected=True, db_index=True)
    amount = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    currency = models.CharField(max_length=3)
    # The basis of the amount when it was computed: the rate and the good pieces it was for.
    rate = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    rate_type = models.CharField(max_length=10, choices=RateType.choices)
    units = models.PositiveIntegerField(help_text="Good pieces the amount is for.")
    reference = models.CharField(max_length=200, blank=True, default="", help_text="The payment's reference.")
    note = models.TextField(blank=True, default="", help_text="Why it was adjusted or voided (the latest).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = PayableQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly one payable for a run's completion, whoever completes it and however often it is tried.
            models.UniqueConstraint(fields=["run"], condition=Q(kind="completion"), name="one_payable_per_completed_run"),
            models.CheckConstraint(condition=Q(kind="balance") | Q(amount__gte=0), name="payable_amount_not_negative"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False), name="payable_paid_has_date"),
        ]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return f"Payable #{self.pk}"

    @transition(field=status, source=PayableStatus.OPEN, target=PayableStatus.APPROVED)
    def approve(self, *, by, at):
        self.approved_by, self.approved_at = by, at

    @transition(field=status, source=PayableStatus.APPROVED, target=PayableStatus.PAID)
    def pay(self, *, by, at, reference: str):
        self.paid_by, self.paid_at, self.reference = by, at, reference

    @transition(field=status, source=[PayableStatus.OPEN, PayableStatus.APPROVED], target=PayableStatus.VOID)
    def void(self, *, at, reason: str):
        self.voided_at, self.note = at, reason

    @transition(field=status, source=PayableStatus.OPEN, target=PayableStatus.OPEN)
    def adjust(self, *, amount, reason: str):
        self.amount, self.note = amount, reason

    @transition(field=status, source=[PayableStatus.OPEN, PayableStatus.APPROVED], target=None)
    def follow_correction(self, *, amount):
        """A correction of the run's output, before payment: the amount follows (status unchanged)."""
        self.amount = amount
