from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django_fsm import FSMField, FSMModelMixin, transition


class RunStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    SENT_TO_PARTNER = "sent_to_partner"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DispatchState(models.TextChoices):
    IDLE = "idle"
    AWAITING_TEMPLATES = "awaiting_templates"
    COMPLETED = "completed"


TERMINAL = (RunStatus.COMPLETED, RunStatus.CANCELLED)
NON_TERMINAL = [s for s in RunStatus.values if s not in TERMINAL]


class ProductionRunQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent_run__isnull=True)

    def dispatched(self):
        """Runs a partner may see: sent to it at some point (``sent_at`` is set once, on dispatch)."""
        return self.filter(sent_at__isnull=False)

    def with_progress(self):
        return self.annotate(
            tasks_total=Count("tasks", filter=~Q(tasks__status="cancelled"), distinct=True),
            tasks_completed=Count("tasks", filter=Q(tasks__status="completed"), distinct=True),
        )


class ProductionRun(FSMModelMixin, models.Model):
    class RunType(models.TextChoices):
        PRODUCTION = "production"
        SAMPLE = "sample"

    Status = RunStatus

    status = FSMField(default=RunStatus.PENDING_REVIEW, choices=RunStatus.choices, protected=True, db_index=True)
    dispatch_state = FSMField(default=DispatchState.IDLE, choices=DispatchState.choices, protected=True, db_index=True)
    run_type = models.CharField(max_length=20, choices=RunType.choices, default=RunType.PRODUCTION)
    quantity = models.PositiveIntegerField()
    design = models.ForeignKey("designs.Design", on_delete=models.PROTECT, related_name="production_runs")
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="production_runs"
    )
    role = models.CharField(max_length=100, blank=True, default="")
    parent_run = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    # Provenance. Children keep order/product/variant but never the line item,
    # so the one-root-run-per-line-item constraint only ever sees roots.
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="production_runs")
    order_line_item = models.ForeignKey(
        "orders.OrderLineItem", null=True, blank=True, on_delete=models.PROTECT, related_name="production_runs"
    )
    product = models.ForeignKey("orders.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    variant = models.ForeignKey("orders.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    snapshot = models.JSONField(default=dict, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    produced_quantity = models.PositiveIntegerField(null=True, blank=True)
    rejected_quantity = models.PositiveIntegerField(null=True, blank=True)
    completion_notes = models.TextField(blank=True, default="")

    template_ids = models.JSONField(default=list, blank=True, help_text="Task templates used when dispatched.")
    dispatch_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatch_started_at = models.DateTimeField(null=True, blank=True)

    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="run_quantity_positive"),
            models.UniqueConstraint(
                fields=["order_line_item"],
                condition=Q(parent_run__isnull=True, order_line_item__isnull=False),
                name="one_root_run_per_line_item",
            ),
            models.CheckConstraint(
                condition=Q(parent_run__isnull=True) | Q(order_line_item__isnull=True),
                name="child_run_has_no_line_item",
            ),
            models.UniqueConstraint(
                fields=["parent_run", "partner", "role"],
                condition=Q(parent_run__isnull=False),
                name="child_run_unique_partner_role",
            ),
            models.CheckConstraint(
                condition=Q(produced_quantity__isnull=True)
                | Q(rejected_quantity__isnull=True)
                | Q(produced_quantity__lte=F("quantity") - F("rejected_quantity")),
                name="run_produced_plus_rejected_within_quantity",
            ),
        ]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        label = f"Run #{self.pk}"
        if self.role:
            label += f" {self.role}"
        return label

    # --- predicates (guards) -------------------------------------------------
    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def has_children(self) -> bool:
        return self.children.exists()

    def has_no_children(self) -> bool:
        return not self.has_children()

    def can_dispatch(self) -> bool:
        return (
            self.status == RunStatus.APPROVED
            and self.partner_id is not None
            and self.partner.is_active
            and not self.has_children()
        )

    def is_awaiting_templates(self) -> bool:
        return self.dispatch_state == DispatchState.AWAITING_TEMPLATES

    # --- status transitions: pure, timestamps only -----------------------------
    @transition(field=status, source=RunStatus.PENDING_REVIEW, target=RunStatus.APPROVED)
    def approve(self, *, at):
        self.approved_at = at

    @transition(field=status, source=RunStatus.APPROVED, target=RunStatus.SENT_TO_PARTNER,
                conditions=[is_awaiting_templates])
    def send_to_partner(self, *, at):
        self.sent_at = at

    @transition(field=status, source=RunStatus.SENT_TO_PARTNER, target=RunStatus.IN_PROGRESS)
    def start(self, *, at):
        self.started_at = at

    @transition(field=status, source=RunStatus.APPROVED, target=RunStatus.IN_PROGRESS, conditions=[has_children])
    def follow_children_start(self, *, at):
        self.started_at = at

    # A parent completes only by following its children (follow_children_complete).
    @transition(field=status, source=RunStatus.IN_PROGRESS, target=RunStatus.COMPLETED, conditions=[has_no_children])
    def complete(self, *, at, produced: int, rejected: int):
        self.completed_at = at
        self.produced_quantity = produced
        self.rejected_quantity = rejected

    @transition(field=status, source=[RunStatus.APPROVED, RunStatus.IN_PROGRESS], target=RunStatus.COMPLETED,
                conditions=[has_children])
    def follow_children_complete(self, *, at, produced: int, rejected: int):
        self.completed_at = at
        self.produced_quantity = produced
        self.rejected_quantity = rejected

    @transition(field=status, source=NON_TERMINAL, target=RunStatus.CANCELLED)
    def cancel(self, *, at):
        self.cancelled_at = at

    # --- dispatch transitions ---------------------------------------------------
    @transition(field=dispatch_state, source=DispatchState.IDLE, target=DispatchState.AWAITING_TEMPLATES,
                conditions=[can_dispatch])
    def dispatch_begin(self, *, by, at):
        self.dispatch_started_by = by
        self.dispatch_started_at = at

    @transition(field=dispatch_state, source=DispatchState.AWAITING_TEMPLATES, target=DispatchState.IDLE)
    def dispatch_abort(self):
        self.dispatch_started_by = None
        self.dispatch_started_at = None

    @transition(field=dispatch_state, source=DispatchState.AWAITING_TEMPLATES, target=DispatchState.COMPLETED)
    def dispatch_finish(self, *, template_ids: list[int]):
        self.template_ids = template_ids


class ProductionRunActivity(models.Model):
    """Who did what to a run, when. ``actor`` None means the system (a job, the gating policy)."""

    run = models.ForeignKey(ProductionRun, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=50)
    from_status = models.CharField(max_length=30, blank=True, default="")
    to_status = models.CharField(max_length=30, blank=True, default="")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "production run activities"

    def __str__(self) -> str:
        return f"{self.verb} {self.from_status}->{self.to_status}"

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else "system"


class ProductionPolicy(models.Model):
    """The one row of switchable gating policy (id is always 1)."""

    auto_dispatch = models.BooleanField(
        default=False,
        help_text="Approve and dispatch order-born runs of commerce-ready designs with a complete routing automatically.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "production policy"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="production_policy_singleton")]

    def __str__(self) -> str:
        return "Production policy"

    @classmethod
    def load(cls) -> "ProductionPolicy":
        obj, _ = cls.objects.get_or_create(id=1)
        return obj
