"""The sampling loop, staff side: review a completed sample run; a design's rounds; send a design for sampling."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.api import StrictCharField, StrictObject, id_field, quantity_field
from designs.api.designs import DesignOutput
from designs.models import Design
from partners.models import Partner
from partners.permissions import IsStaff
from production import selectors, services
from production.api.inputs import SelectionInput
from production.api.serializers import Conflict, RunDetailOutput, RunOutput
from production.api.staff import RunAction, run_detail
from production.models import ProductionRun, ReviewDecision
from production.services.sampling import APPROVED_STATUSES


class ReviewInput(StrictObject):
    decision = serializers.ChoiceField(choices=ReviewDecision.values)
    notes = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")
    design_status = serializers.ChoiceField(choices=[str(s) for s in APPROVED_STATUSES], required=False)


ReviewResult = inline_serializer("ReviewResult", fields={
    "run": RunDetailOutput(), "redo": RunDetailOutput(allow_null=True), "design": DesignOutput(),
})


class RunReview(RunAction):
    @extend_schema(
        summary="Review a completed sample run",
        description="`approve`: the design moves to `design_status` (default `approved`). `redo` (with `notes`): the "
                    "design moves to `revision` and the next round, a sample run for the same design, quantity and "
                    "partner with `redo_of` this run, is dispatched at once with the same templates; the partner is "
                    "told, with the notes. A round is reviewed once: 409 `not_reviewable` for a production run, a "
                    "run not completed, or a round already reviewed.",
        request=ReviewInput, responses={200: ReviewResult, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        run, redo, design = services.run_review(run=run, actor=request.user, **data.validated_data)
        return Response({"run": run_detail(run.pk), "redo": run_detail(redo.pk) if redo else None,
                         "design": DesignOutput(design).data})


class SampleSendInput(SelectionInput):
    partner = id_field()
    quantity = quantity_field()
    role = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class DesignSamples(generics.ListAPIView):
    permission_classes = [IsStaff]
    queryset = ProductionRun.objects.none()  # for the schema; get_queryset picks the design's
    serializer_class = RunOutput

    def get_design(self) -> Design:
        return get_object_or_404(Design, pk=self.kwargs["pk"])

    def get_queryset(self):
        return selectors.sample_rounds(self.get_design())

    @extend_schema(
        summary="A design's sampling rounds",
        description="The design's sample runs, oldest first, each with its partner, status, `review` and `redo_of` "
                    "(the round it makes again). An unknown design answers 404.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Send a design for sampling",
        description="One step: a `sample` run of `quantity` for `partner`, approved and dispatched to it. With a "
                    "template selection (one of `template_category`, `template_names`, `template_ids`) it is sent at "
                    "once (`sent_to_partner`); without, it waits for templates. The design moves to "
                    "`sample_production` unless it is approved or further on. An unknown or inactive partner "
                    "answers 400.",
        request=SampleSendInput, responses={201: RunDetailOutput},
    )
    def post(self, request, pk):
        design = self.get_design()
        data = SampleSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        partner = Partner.objects.filter(pk=data.validated_data["partner"]).first()
        if partner is None:
            raise serializers.ValidationError({"partner": ["Unknown partner."]})
        d = data.validated_data
        run = services.sample_send(design=design, partner=partner, quantity=d["quantity"], role=d["role"],
                                   note=d["note"], selection=data.selection(required=False), actor=request.user)
        return Response(run_detail(run.pk), status=status.HTTP_201_CREATED)
