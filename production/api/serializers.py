"""What the production API reads and writes: output serializers (staff and partner views of a run) and inputs.

Inputs only check shape and JSON types; the services decide what is allowed.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import serializers

from config.api import (
    HoursField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictObject,
    id_field,
    quantity_field,
)
from config.numbers import MAX_QUANTITY, MAX_STAGE
from designs.models import Design
from production.assignments import Assignment
from production.models import (
    PARTNER_DECLINE_REASONS,
    Alert,
    ProductionPolicy,
    ProductionRun,
    ProductionRunActivity,
    RejectionReason,
)
from production.selectors import unit_sources
from tasks.api import TaskOutput
from tasks.selectors import TemplateSelection

# --- output: staff -------------------------------------------------------------------

# The partner's answer and the reminder ladder, on both the staff and the partner representation.
RESPONSE_FIELDS = ["accepted_at", "declined_at", "decline_reason", "decline_notes", "previous_partner",
                   "reminder_count", "last_reminded_at"]

# What a finished run made, rejected and lost (the output gate), on both representations.
OUTPUT_FIELDS = ["rejection_reason", "shortfall_quantity", "shortfall_reason"]

RUN_FIELDS = [
    "id", "status", "dispatch_state", "run_type", "quantity", "design", "design_name", "partner", "partner_name",
    "role", "parent_run", "children", "order", "order_line_item", "product", "variant", "snapshot", "captured_at",
    "metadata", "produced_quantity", "rejected_quantity", "completion_notes", "template_ids", "dispatch_started_at",
    "dispatch_started_by", "approved_at", "sent_at", "started_at", "completed_at", "cancelled_at", "created_at",
    "updated_at", *RESPONSE_FIELDS, "stage", "depends_on", "planned_quantity", "released_at", "planned_templates",
    *OUTPUT_FIELDS, "remake_of",
]


class RunOutput(serializers.ModelSerializer):
    design_name = serializers.CharField(source="design.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", default=None, allow_null=True, read_only=True)
    children = serializers.SerializerMethodField()
    depends_on = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    shortfall_quantity = serializers.IntegerField(read_only=True, allow_null=True)

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
                "already_started, waiting_for_previous_stage, next_stage_released, nothing_to_remake).",
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


class PartnerRunOutput(serializers.ModelSerializer):
    design_name = serializers.CharField(source="design.name", read_only=True)
    snapshot = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    shortfall_quantity = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ProductionRun
        fields = ["id", "status", "dispatch_state", "run_type", "quantity", "design", "design_name", "partner", "role",
                  "parent_run", "order", "snapshot", "captured_at", "produced_quantity", "rejected_quantity",
                  "completion_notes", "sent_at", "started_at", "completed_at", "cancelled_at", "created_at",
                  "updated_at", "progress", *RESPONSE_FIELDS, "stage", *OUTPUT_FIELDS]

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

    class Meta(PartnerRunOutput.Meta):
        fields = PartnerRunOutput.Meta.fields + ["tasks", "design_summary", "received_quantity", "received_from"]

    def get_received_quantity(self, run) -> int | None:
        """The units this run received (a later stage: its share of the previous stage's good output)."""
        return run.quantity if run.released_at is not None or run.stage == 1 else None

    @extend_schema_field(UnitSourceOutput(many=True))
    def get_received_from(self, run) -> list[dict]:
        """Who the units come from: the previous stage's partners and roles (never their figures)."""
        return [{"partner_name": name, "role": role} for name, role in unit_sources(run)]


# --- input -----------------------------------------------------------------------------

class AssignmentInput(StrictObject):
    partner = id_field()
    role = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    quantity = quantity_field()
    stage = StrictIntegerField(required=False, min_value=1, max_value=MAX_STAGE, default=1)
    template_ids = serializers.ListField(child=id_field(), required=False, min_length=1, max_length=500)
    template_category = id_field(required=False)

    def validate(self, attrs):
        if "template_ids" in attrs and "template_category" in attrs:
            raise serializers.ValidationError({"template_ids": ["Give template_ids or template_category, not both."]})
        return attrs

    @staticmethod
    def assignment(data: dict) -> Assignment:
        selection = None
        if "template_ids" in data or "template_category" in data:
            selection = TemplateSelection(category_id=data.get("template_category"),
                                          ids=tuple(data.get("template_ids") or ()))
        return Assignment(partner_id=data["partner"], role=data["role"], quantity=data["quantity"],
                          stage=data["stage"], selection=selection)


class AssignmentsInput(StrictObject):
    assignments = AssignmentInput(many=True, required=False, allow_empty=False)

    def assignments_or_none(self) -> list[Assignment] | None:
        items = self.validated_data.get("assignments")
        if items is None:
            return None
        return [AssignmentInput.assignment(a) for a in items]


class RunCreateInput(StrictObject):
    design = id_field()
    quantity = quantity_field()
    run_type = serializers.ChoiceField(choices=ProductionRun.RunType.choices, required=False,
                                       default=ProductionRun.RunType.PRODUCTION)


class DesignRunCreateInput(AssignmentsInput):
    quantity = quantity_field()
    run_type = serializers.ChoiceField(choices=ProductionRun.RunType.choices, required=False,
                                       default=ProductionRun.RunType.PRODUCTION)


class SelectionInput(StrictObject):
    # Strict: a misspelt key would otherwise start a paused dispatch instead of completing it.
    template_category = id_field(required=False)
    template_names = serializers.ListField(child=StrictCharField(max_length=200), required=False, min_length=1,
                                           max_length=500)
    template_ids = serializers.ListField(child=id_field(), required=False, min_length=1, max_length=500)

    def selection(self, *, required: bool) -> TemplateSelection | None:
        d = self.validated_data
        if not d and not required:
            return None
        return TemplateSelection(
            category_id=d.get("template_category"), names=tuple(d.get("template_names") or ()),
            ids=tuple(d.get("template_ids") or ()),
        )


class ConfirmSelectionInput(SelectionInput):
    """Confirming a dispatch: exactly one of the three (the schema says so; ``selection`` enforces it)."""


class CancelInput(StrictObject):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class RemindersInput(StrictObject):
    accept_after_hours = HoursField(required=False)
    start_after_hours = HoursField(required=False)
    idle_after_hours = HoursField(required=False)
    cap = StrictIntegerField(required=False, min_value=1, max_value=100)
    same_partner_retries = StrictIntegerField(required=False, min_value=0, max_value=100)


class PolicyInput(StrictObject):
    auto_dispatch = StrictBooleanField(required=False)
    reminders = RemindersInput(required=False)

    def validate(self, attrs):
        if not attrs:  # an empty PATCH is almost always a client bug: say so (the schema says minProperties 1)
            raise serializers.ValidationError({"auto_dispatch": ["Give auto_dispatch, reminders, or both."]})
        return attrs


class DeclineInput(StrictObject):
    reason = serializers.ChoiceField(choices=[(r.value, r.label) for r in PARTNER_DECLINE_REASONS])
    notes = StrictCharField(required=False, allow_blank=True, max_length=1000, default="")


class ReassignInput(StrictObject):
    partner = id_field()
    dispatch = StrictBooleanField(required=False, default=False)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class RedispatchInput(StrictObject):
    runs = serializers.ListField(child=id_field(), required=False, max_length=1000)
    dry_run = StrictBooleanField(required=False, default=True)


class OutputReasonsInput(StrictObject):
    """Why units were rejected (a fixed list) and why units are missing (words): completion and correction."""

    rejection_reason = serializers.ChoiceField(choices=RejectionReason.choices, required=False, allow_blank=True,
                                               default="")
    shortfall_reason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class RunCompleteInput(OutputReasonsInput):
    produced_quantity = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_QUANTITY)
    rejected_quantity = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_QUANTITY)
    notes = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")
