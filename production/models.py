from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django_fsm import FSMField, FSMModelMixin, transition


class RunStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    SENT_TO_PARTNER = "sent_to_partner", "Sent to partner"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class DispatchState(models.TextChoices):
    IDLE = "idle", "Not dispatched"
    AWAITING_TEMPLATES = "awaiting_templates", "Waiting for templates"
    COMPLETED = "completed", "Dispatched"


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


TERMINAL = (RunStatus.COMPLETED, RunStatus.CANCELLED)
NON_TERMINAL = [s for s in RunStatus.values if s not in TERMINAL]


def sent_q(prefix: str = "") -> Q:
    """The one rule of what a partner may see: a run once sent to it (``sent_at`` is set on dispatch, never cleared).

    ``prefix`` reaches the run from a related model, e.g. ``"production_run__"`` for tasks.
    """
    return Q(**{f"{prefix}sent_at__isnull": False})


class ProductionRunQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent_run__isnull=True)

    def dispatched(self):
        """Runs a partner may see (see ``sent_q``)."""
        return self.filter(sent_q())

    def with_progress(self):
        return self.annotate(
            tasks_total=Count("tasks", filter=~Q(tasks__status="cancelled"), distinct=True),
            tasks_completed=Count("tasks", filter=Q(tasks__status="completed"), distinct=True),
        )


class ProductionRun(FSMModelMixin, models.Model):
    class RunType(models.TextChoices):
        PRODUCTION = "production"
        SAMPLE = "sample"

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

    def dispatch_refusal(self) -> str | None:
        """Why this run cannot be dispatched now, or None: the one statement of the dispatch guard."""
        if self.has_children():
            return "it has child runs: dispatch them one by one"
        if self.partner_id is None:
            return "it has no partner"
        if not self.partner.is_active:
            return f"its partner {self.partner.name} is inactive"
        if self.status != RunStatus.APPROVED or self.dispatch_state != DispatchState.IDLE:
            return f"it is {self.status} with dispatch {self.dispatch_state}"
        return None

    def can_dispatch(self) -> bool:
        return self.dispatch_refusal() is None

    def is_awaiting_templates(self) -> bool:
        return self.dispatch_state == DispatchState.AWAITING_TEMPLATES

    def accepts_task_work(self) -> bool:
        """Tasks change only while the run is with its partner (sent or in progress)."""
        return self.status in (RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS)

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

    # --- dispatch transitions (named as the services and the log name them) -------
    @transition(field=dispatch_state, source=DispatchState.IDLE, target=DispatchState.AWAITING_TEMPLATES,
                conditions=[can_dispatch])
    def dispatch_start(self, *, by, at):
        self.dispatch_started_by = by
        self.dispatch_started_at = at

    @transition(field=dispatch_state, source=DispatchState.AWAITING_TEMPLATES, target=DispatchState.IDLE)
    def dispatch_cancel(self):
        self.dispatch_started_by = None
        self.dispatch_started_at = None

    @transition(field=dispatch_state, source=DispatchState.AWAITING_TEMPLATES, target=DispatchState.COMPLETED)
    def dispatch_confirm(self, *, template_ids: list[int]):
        self.template_ids = template_ids


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
        return f"{self.get_verb_display()} {self.from_status}->{self.to_status}"

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
