"""The production run: its fields, its guards and its transitions (pure: fields and timestamps only)."""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from config.money import MONEY_DIGITS, MONEY_PLACES, RateType
from production import dates
from production.models.constraints import RUN_CONSTRAINTS
from production.models.queries import ProductionRunQuerySet
from production.models.states import (
    NON_TERMINAL,
    TERMINAL,
    DeclineReason,
    DispatchState,
    RejectionReason,
    ReviewDecision,
    RunStatus,
    shortfall,
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

    # Stages (production.stages): a child's place in its parent's chain. Stage 1 receives its units at
    # approval; a later stage when the one before is finished (released_at), split from its good output.
    stage = models.PositiveSmallIntegerField(default=1)
    depends_on = models.JSONField(default=list, blank=True, help_text="The previous stage's child runs.")
    planned_quantity = models.PositiveIntegerField(null=True, blank=True, help_text="The allocation's plan.")
    released_at = models.DateTimeField(null=True, blank=True)
    planned_templates = models.JSONField(
        null=True, blank=True, help_text="Templates named at allocation: the run goes out with them on its own.")
    remake_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="remakes")

    # The sampling loop (production.services.sampling): staff's review of a completed sample run, and the
    # round a redo run makes again (one redo per reviewed run: the one-to-one is the database's word).
    review_decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True, default="")
    review_notes = models.TextField(blank=True, default="")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    redo_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="redo")

    # The price agreed with the partner (production.services.payables): per good piece or for the run. Staff may
    # change it until the partner accepts; a completed run with a rate gets its payable.
    rate = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True)
    rate_type = models.CharField(max_length=10, choices=RateType.choices, default=RateType.PER_UNIT)

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
    rejection_reason = models.CharField(max_length=30, choices=RejectionReason.choices, blank=True, default="")
    shortfall_reason = models.TextField(blank=True, default="")

    template_ids = models.JSONField(default=list, blank=True, help_text="Task templates used when dispatched.")
    dispatch_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatch_started_at = models.DateTimeField(null=True, blank=True)

    # The partner's answer, and what the reminder ladder knows (production.reminders).
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True, default="")
    decline_notes = models.TextField(blank=True, default="")
    previous_partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True, help_text="The partner's last work on the run.")
    reminder_phase = models.CharField(max_length=10, blank=True, default="")
    reminder_round = models.PositiveSmallIntegerField(default=0)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_phase = models.CharField(max_length=10, blank=True, default="")

    # When the run is due (production.dates): the order's promised date, the assignment's, the parent's,
    # or the partner's lead time from sending. Lateness is computed from it; the daily check remembers
    # the due date it alerted staff for, so a run is reported late once per due date.
    due_date = models.DateField(null=True, blank=True, db_index=True)
    late_alerted_for = models.DateField(null=True, blank=True)

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
        constraints = RUN_CONSTRAINTS
        indexes = [
            models.Index(fields=["partner", "status"]),
            # The partner's list and hub, newest sent first: a page is read off the index whatever the history.
            models.Index(fields=["partner", "-sent_at", "-id"], name="run_partner_recent",
                         condition=models.Q(sent_at__isnull=False)),
            # The runs waiting for templates, oldest first (Confirm templates, 50 to a page).
            models.Index(fields=["dispatch_started_at", "id"], name="run_awaiting_templates",
                         condition=models.Q(dispatch_state="awaiting_templates")),
            # The overview's counts read open work only, and the dashboard's weeks the recent completions: with
            # these two the admin's home does not read the whole history (``make bench``, part 10).
            models.Index(fields=["status"], name="run_open", condition=~models.Q(status__in=TERMINAL)),
            models.Index(fields=["completed_at"], name="run_completed", condition=models.Q(status="completed")),
            # The scorecards' period (sent in the last 90 days).
            models.Index(fields=["sent_at"], name="run_sent", condition=models.Q(sent_at__isnull=False)),
        ]

    def __str__(self) -> str:
        label = f"Run #{self.pk}"
        if self.role:
            label += f" {self.role}"
        return label

    @property
    def kind_in_words(self) -> str:
        """What a partner is told it was sent: "sample run" or "production run"."""
        return "sample run" if self.run_type == self.RunType.SAMPLE else "production run"

    @property
    def material_plan(self) -> list:
        """The run's planned materials: prefetched by ``with_materials()`` for a list, else read now."""
        prefetched = self.__dict__.get("prefetched_materials")
        return prefetched if prefetched is not None else list(self.materials.all())

    # --- predicates (guards) -------------------------------------------------
    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def is_late(self) -> bool:
        """Not finished, and today is after its due date (production.dates owns the rule)."""
        return dates.is_late(self)

    @property
    def completed_late(self) -> bool | None:
        """A completed run: finished after its due date (None before completion, or without a due date)."""
        return dates.completed_late(self)

    @property
    def shortfall_quantity(self) -> int | None:
        """Units neither produced nor rejected (a completed run only): missing, with ``shortfall_reason``."""
        return shortfall(self.status, self.quantity, self.produced_quantity, self.rejected_quantity)

    def is_waiting_for_previous_stage(self) -> bool:
        """A later stage's child before the stage before it is finished: its units are not there yet."""
        return self.stage > 1 and self.released_at is None

    def has_children(self) -> bool:
        return self.children.exists()

    def has_no_children(self) -> bool:
        return not self.has_children()

    def dispatch_refusal(self) -> str | None:
        """Why this run cannot be dispatched now, or None: the one statement of the dispatch guard."""
        if self.has_children():
            return "it has child runs: dispatch them one by one"
        if self.is_waiting_for_previous_stage():
            return f"stage {self.stage - 1} is not finished yet"
        if why := self.partner_refusal():
            return why
        if self.status != RunStatus.APPROVED or self.dispatch_state != DispatchState.IDLE:
            return f"it is {self.status} with dispatch {self.dispatch_state}"
        return None

    def partner_refusal(self) -> str | None:
        """Why this run's partner cannot be sent work, or None: starting a dispatch and confirming it both ask."""
        if self.partner_id is None:
            return "it has no partner"
        if not self.partner.is_active:
            return f"its partner {self.partner.name} is inactive"
        return None

    def can_dispatch(self) -> bool:
        return self.dispatch_refusal() is None

    def is_awaiting_templates(self) -> bool:
        return self.dispatch_state == DispatchState.AWAITING_TEMPLATES

    def accepts_task_work(self) -> bool:
        """Tasks change only while the run is with its partner (sent or in progress)."""
        return self.status in (RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS)

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None or self.status == RunStatus.IN_PROGRESS

    def has_task_work(self) -> bool:
        """A task of this run was started or completed: the partner is working on it."""
        started = getattr(self, "tasks_started", None)  # with_progress() counted them already
        if started is not None:
            return started > 0
        return self.tasks.filter(started_at__isnull=False).exists()

    def has_no_task_work(self) -> bool:
        return not self.has_task_work()

    def is_reassignable(self) -> bool:
        """Staff may hand the run to another partner: it was handed back, or it was sent and never answered."""
        if self.status == RunStatus.AWAITING_REASSIGNMENT:
            return True
        return self.status == RunStatus.SENT_TO_PARTNER and self.accepted_at is None and self.has_no_task_work()

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

    # --- the partner's answer -------------------------------------------------------
    # A partner declines (or the reminder ladder parks a run nobody answered): the run
    # leaves the partner and waits for staff to reassign it.
    @transition(field=status, source=RunStatus.SENT_TO_PARTNER, target=RunStatus.AWAITING_REASSIGNMENT,
                conditions=[has_no_task_work])
    def decline(self, *, at, reason: str, notes: str = ""):
        self.declined_at = at
        self.decline_reason = reason
        self.decline_notes = notes
        self.previous_partner_id = self.partner_id
        self.partner = None

    @transition(field=status, source=[RunStatus.AWAITING_REASSIGNMENT, RunStatus.SENT_TO_PARTNER],
                target=RunStatus.APPROVED, conditions=[is_reassignable])
    def reassign(self, *, partner):
        if self.partner_id is not None:
            self.previous_partner_id = self.partner_id
        self.partner = partner
        # The new partner sees the run once it is dispatched to it (sent_q), and answers afresh.
        self.sent_at = None
        self.accepted_at = None
        self.declined_at = None
        self.decline_reason = ""
        self.decline_notes = ""
        self.last_activity_at = None
        self.reminder_phase, self.reminder_round, self.reminder_count = "", 0, 0
        self.last_reminded_at = None
        self.escalated_phase = ""

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

    @transition(field=dispatch_state, source=[DispatchState.COMPLETED, DispatchState.IDLE], target=DispatchState.IDLE)
    def dispatch_reset(self):
        """A reassigned run is dispatched again (its ``template_ids`` stay, for the same tasks)."""
        self.dispatch_started_by = None
        self.dispatch_started_at = None
