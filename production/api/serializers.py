"""What the production API answers: the staff and partner views of a run, and the other outputs (inputs: ``inputs``)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import serializers

from config.api import CurrencyField, MaterialQuantityField, StrictCharField
from designs.models import Design
from production.models import (
    Alert,
    ProductionPolicy,
    ProductionRun,
    ProductionRunActivity,
    ReviewDecision,
    RunMaterial,
)
from production.selectors import previous_round, unit_sources
from tasks.api import TaskOutput

# --- output: staff -------------------------------------------------------------------

# The partner's answer and the reminder ladder, on both the staff and the partner representation.
RESPONSE_FIELDS = ["accepted_at", "declined_at", "decline_reason", "decline_notes", "previous_partner",
                   "reminder_count", "last_reminded_at"]

# What a finished run made, rejected and lost (the output gate), on both representations.
OUTPUT_FIELDS = ["rejection_reason", "shortfall_quantity", "shortfall_reason"]


class ReviewOutput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices, source="review_decision")
    notes = serializers.CharField(source="review_notes")
    reviewed_at = serializers.DateTimeField()


@extend_schema_field(ReviewOutput(allow_null=True))
class ReviewField(serializers.Field):
    """A sample run's review (the sampling loop): null until staff reviewed it."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, run):
        return ReviewOutput(run).data if run.reviewed_at else None


# The sampling loop's review and the round a redo makes again, on both representations.
REVIEW_FIELDS = ["review", "redo_of"]

# When the run is due and whether it is (or finished) late (production.dates), on both representations.
DATE_FIELDS = ["due_date", "is_late", "completed_late"]


class DatesMixin(serializers.Serializer):
    is_late = serializers.BooleanField(read_only=True)
    completed_late = serializers.BooleanField(read_only=True, allow_null=True)


# The price agreed with the partner, in the installation's one currency, on both representations.
RATE_FIELDS = ["rate", "rate_type", "currency"]


class RateMixin(serializers.Serializer):
    currency = CurrencyField()


class RunMaterialOutput(serializers.ModelSerializer):
    """A planned material of a run: the plan, what its partner logged using (production and wastage), the unit."""

    material_name = serializers.CharField(source="material.name", read_only=True)
    planned = MaterialQuantityField(read_only=True)
    consumed = MaterialQuantityField(read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)

    class Meta:
        model = RunMaterial
        fields = ["material", "material_name", "planned", "consumed", "unit"]


class MaterialsMixin(serializers.Serializer):
    # Set from the design's bill of materials when the run is dispatched; a parent has none (its children do).
    materials = RunMaterialOutput(many=True, read_only=True, source="material_plan")


RUN_FIELDS = [
    "id", "status", "dispatch_state", "run_type", "quantity", "design", "design_name", "partner", "partner_name",
    "role", "parent_run", "children", "order", "order_line_item", "product", "variant", "snapshot", "captured_at",
    "metadata", "produced_quantity", "rejected_quantity", "completion_notes", "template_ids", "dispatch_started_at",
    "dispatch_started_by", "approved_at", "sent_at", "started_at", "completed_at", "cancelled_at", "created_at",
    "updated_at", *RESPONSE_FIELDS, "stage", "depends_on", "planned_quantity", "released_at", "planned_templates",
    *OUTPUT_FIELDS, "remake_of", *REVIEW_FIELDS, *RATE_FIELDS, "materials", *DATE_FIELDS,
]


class RunOutput(RateMixin, MaterialsMixin, DatesMixin, serializers.ModelSerializer):
    design_name = serializers.CharField(source="design.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", default=None, allow_null=True, read_only=True)
    children = serializers.SerializerMethodField()
    depends_on = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    shortfall_quantity = serializers.IntegerField(read_only=True, allow_null=True)
    review = ReviewField()

    class Meta:
        model = ProductionRun
        fields = RUN_FIELDS

    def get_children(self, run) -> list[int]:
        return [child.pk for child in run.children.all()]


class RunDetailOutput(RunOutput):
    tasks = TaskOutput(many=True, read_only=True)

    class Meta(RunOutput.Meta):
        fields = RUN_FIELDS + ["tasks"]


RunAndChildren = inline_serializer(
    "RunAndChildren", fields={"run": RunDetailOutput(), "children": RunOutput(many=True)}
)
Conflict = OpenApiResponse(
    inline_serializer("Conflict", fields={"detail": StrictCharField(), "code": StrictCharField()}),
    description="Not allowed in the run's current state (code invalid_transition, not_awaiting_templates, open_tasks, "
                "already_started, waiting_for_previous_stage, next_stage_released, nothing_to_remake, not_reviewable).",
)


class ActivityOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ProductionRunActivity
        fields = ["id", "verb", "actor", "from_status", "to_status", "note", "data", "created_at"]

    def get_actor(self, activity) -> str:
        return activity.actor_label


class RemindersOutput(serializers.Serializer):
    accept_after_hours = serializers.FloatField()
    start_after_hours = serializers.FloatField()
    idle_after_hours = serializers.FloatField()
    cap = serializers.IntegerField()
    same_partner_retries = serializers.IntegerField()


class PolicyOutput(serializers.ModelSerializer):
    reminders = RemindersOutput(read_only=True)

    class Meta:
        model = ProductionPolicy
        fields = ["auto_dispatch", "reminders", "updated_at"]


class AlertOutput(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = ["id", "kind", "run", "partner", "message", "created_at", "read_at"]


class RedispatchResultOutput(serializers.Serializer):
    run = serializers.IntegerField()
    partner = serializers.IntegerField(allow_null=True)
    template_ids = serializers.ListField(child=serializers.IntegerField())
    outcome = serializers.ChoiceField(choices=["redispatched", "would_redispatch", "partner_inactive", "no_templates",
                                               "declined", "not_awaiting_reassignment", "refused"])


class RedispatchOutput(serializers.Serializer):
    dry_run = serializers.BooleanField()
    results = RedispatchResultOutput(many=True)


class ReminderCheckOutput(serializers.Serializer):
    reminded = serializers.IntegerField()
    parked = serializers.IntegerField()
    escalated = serializers.IntegerField()


# --- output: partner -----------------------------------------------------------------

class DesignSummary(serializers.ModelSerializer):
    class Meta:
        model = Design
        fields = ["id", "name", "code", "status"]


# What a partner may see of a design snapshot: never the routing or the other partners' links.
PARTNER_SNAPSHOT_KEYS = ("name", "code", "status", "specs", "captured_at")


class PartnerRunOutput(RateMixin, MaterialsMixin, DatesMixin, serializers.ModelSerializer):
    design_name = serializers.CharField(source="design.name", read_only=True)
    snapshot = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    shortfall_quantity = serializers.IntegerField(read_only=True, allow_null=True)
    review = ReviewField()

    class Meta:
        model = ProductionRun
        fields = ["id", "status", "dispatch_state", "run_type", "quantity", "design", "design_name", "partner", "role",
                  "parent_run", "order", "snapshot", "captured_at", "produced_quantity", "rejected_quantity",
                  "completion_notes", "sent_at", "started_at", "completed_at", "cancelled_at", "created_at",
                  "updated_at", "progress", *RESPONSE_FIELDS, "stage", *OUTPUT_FIELDS, *REVIEW_FIELDS,
                  *RATE_FIELDS, "materials", *DATE_FIELDS]

    def get_snapshot(self, run) -> dict:
        return {key: run.snapshot[key] for key in PARTNER_SNAPSHOT_KEYS if key in run.snapshot}

    def get_progress(self, run) -> dict:
        return {"tasks_total": run.tasks_total, "tasks_completed": run.tasks_completed}


class UnitSourceOutput(serializers.Serializer):
    partner_name = serializers.CharField()
    role = serializers.CharField()


class PartnerRunDetailOutput(PartnerRunOutput):
    tasks = TaskOutput(many=True, read_only=True)
    design_summary = DesignSummary(source="design", read_only=True)
    received_quantity = serializers.SerializerMethodField()
    received_from = serializers.SerializerMethodField()
    previous_round = serializers.SerializerMethodField()

    class Meta(PartnerRunOutput.Meta):
        fields = PartnerRunOutput.Meta.fields + ["tasks", "design_summary", "received_quantity", "received_from",
                                                 "previous_round"]

    def get_received_quantity(self, run) -> int | None:
        """The units this run received (a later stage: its share of the previous stage's good output)."""
        return run.quantity if run.released_at is not None or run.stage == 1 else None

    @extend_schema_field(UnitSourceOutput(many=True))
    def get_received_from(self, run) -> list[dict]:
        """Who the units come from: the previous stage's partners and roles (never their figures)."""
        return [{"partner_name": name, "role": role} for name, role in unit_sources(run)]

    @extend_schema_field(ReviewOutput(allow_null=True))
    def get_previous_round(self, run) -> dict | None:
        """A redo run: the review of the round it makes again (what to change), else null."""
        previous = previous_round(run)
        return ReviewOutput(previous).data if previous is not None else None
