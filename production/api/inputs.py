"""What the production API reads: the inputs of its writes.

They only check shape and JSON types; the services decide what is allowed.
"""

from rest_framework import serializers

from config.api import (
    HoursField,
    MoneyField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictObject,
    id_field,
    quantity_field,
)
from config.money import RateType
from config.numbers import MAX_QUANTITY, MAX_STAGE
from production.assignments import Assignment
from production.models import PARTNER_DECLINE_REASONS, ProductionRun, RejectionReason
from tasks.selectors import TemplateSelection


class RunPatchInput(StrictObject):
    """A run's rate and due date, as a PATCH: what is sent changes (null clears it), the rest stays."""

    rate = MoneyField(required=False, allow_null=True)
    rate_type = serializers.ChoiceField(choices=RateType.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        if not attrs:  # an empty PATCH is almost always a client bug: say so
            raise serializers.ValidationError({"rate": ["Give rate, rate_type or due_date."]})
        return attrs


class AssignmentInput(StrictObject):
    partner = id_field()
    role = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    quantity = quantity_field()
    stage = StrictIntegerField(required=False, min_value=1, max_value=MAX_STAGE, default=1)
    template_ids = serializers.ListField(child=id_field(), required=False, min_length=1, max_length=500)
    template_category = id_field(required=False)
    rate = MoneyField(required=False, allow_null=True)
    rate_type = serializers.ChoiceField(choices=RateType.choices, required=False, default=RateType.PER_UNIT)
    due_date = serializers.DateField(required=False, allow_null=True)

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
                          stage=data["stage"], selection=selection, rate=data.get("rate"),
                          rate_type=data["rate_type"], due_date=data.get("due_date"))


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
        d = {key: value for key, value in self.validated_data.items()
             if key in ("template_category", "template_names", "template_ids")}
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
