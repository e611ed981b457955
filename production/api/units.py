"""Every unit accounted for, staff side: the ledger, completing for a partner, corrections and remakes."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from config.api import StrictCharField, StrictIntegerField, StrictObject, quantity_field
from config.errors import InvalidTransition
from config.numbers import MAX_QUANTITY
from production import services
from production.api.inputs import OutputReasonsInput, RunCompleteInput
from production.api.serializers import Conflict, RunDetailOutput
from production.api.staff import RunAction, run_detail
from production.ledger import run_ledger


class CorrectOutputInput(OutputReasonsInput):
    produced_quantity = StrictIntegerField(min_value=0, max_value=MAX_QUANTITY)
    rejected_quantity = StrictIntegerField(min_value=0, max_value=MAX_QUANTITY)
    reason = StrictCharField(max_length=2000)


class RemakeInput(StrictObject):
    quantity = quantity_field(required=False)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class LedgerStageOutput(serializers.Serializer):
    stage = serializers.IntegerField()
    planned = serializers.IntegerField()
    received = serializers.IntegerField()
    produced = serializers.IntegerField()
    rejected = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    open = serializers.IntegerField()
    released = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())


class LedgerOutput(serializers.Serializer):
    run = serializers.IntegerField()
    ordered = serializers.IntegerField()
    good_output = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="Good units of an unfinished stage, waiting to move on.")
    stages = LedgerStageOutput(many=True)
    remakes = serializers.ListField(child=serializers.IntegerField())
    unaccounted = serializers.IntegerField()


class RunLedger(RunAction):
    @extend_schema(
        summary="Where every unit of a root run is",
        description="Per stage: planned, received, produced, rejected, shortfall and open units, with "
                    "`received == produced + rejected + shortfall + open`; the good output, the remakes, and "
                    "`unaccounted` (always 0). 409 for a child run (ask its root).",
        responses={200: LedgerOutput, 409: Conflict},
    )
    def get(self, request, pk):
        run = self.get_run(pk)
        if run.parent_run_id is not None:
            raise InvalidTransition(f"Run {run.pk} is a child run: its root run {run.parent_run_id} has the ledger.")
        return Response(LedgerOutput(run_ledger(run).as_data()).data)


class RunCompleteForPartner(RunAction):
    @extend_schema(
        summary="Complete a run on its partner's behalf",
        description="The partner's completion, recorded by staff (same body and rules as the partner's "
                    "`complete`): `in_progress` -> `completed`. 409 `open_tasks` while a task is open.",
        request=RunCompleteInput, responses={200: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = RunCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.run_complete(run=run, actor=request.user, **data.validated_data)
        return Response(run_detail(run.pk))


class RunCorrectOutput(RunAction):
    @extend_schema(
        summary="Correct a completed run's output",
        description="Sets produced and rejected (the same rules as completion; `shortfall_reason` when units go "
                    "missing) with the `reason` for the correction; before and after go to the timeline and the "
                    "parent's totals follow. 409 for a run that is not a completed run without children, and "
                    "`next_stage_released` for a change of the good count once the next stage received it.",
        request=CorrectOutputInput, responses={200: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = CorrectOutputInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.run_correct_output(run=run, actor=request.user, **data.validated_data)
        return Response(run_detail(run.pk))


class RunRemake(RunAction):
    @extend_schema(
        summary="Remake the units a finished run did not deliver",
        description="On a completed or cancelled root run with fewer good units than ordered: a new root run in "
                    "`pending_review` for `quantity` (default: the missing units) with the same design, order, "
                    "product and variant, `remake_of` the original. 409 `nothing_to_remake` when every unit was "
                    "delivered; 409 for other runs.",
        request=RemakeInput, responses={201: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = RemakeInput(data=request.data)
        data.is_valid(raise_exception=True)
        remake = services.run_remake(run=run, actor=request.user, **data.validated_data)
        return Response(run_detail(remake.pk), status=status.HTTP_201_CREATED)
