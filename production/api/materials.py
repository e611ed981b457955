"""Materials and cost in the API: the partner logs what a run used; staff see a run's cost and the materials report."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.api import MaterialQuantityField, SignedMoneyField, StrictCharField, StrictObject, id_field, query_values
from config.numbers import MAX_ID
from partners.permissions import IsStaff
from production import services
from production.api.partner import PartnerView
from production.api.serializers import Conflict
from production.costing import FLAGS, materials_report, run_cost
from production.exports import materials_csv
from production.forms import MaterialsReportForm
from production.models import Consumption, ConsumptionKind, ProductionRun, RunMaterial


class ConsumptionOutput(serializers.ModelSerializer):
    material = serializers.IntegerField(source="run_material.material_id", read_only=True)
    material_name = serializers.CharField(source="run_material.material.name", read_only=True)
    unit = serializers.CharField(source="run_material.material.unit", read_only=True)
    quantity = MaterialQuantityField(read_only=True)

    class Meta:
        model = Consumption
        fields = ["id", "material", "material_name", "quantity", "unit", "kind", "notes", "created_at"]


class ConsumptionInput(StrictObject):
    material = id_field()
    quantity = MaterialQuantityField()
    kind = serializers.ChoiceField(choices=ConsumptionKind.choices)
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


def consumptions(run_id: int):
    return (Consumption.objects.filter(run_material__run_id=run_id)
            .select_related("run_material__material").order_by("created_at", "id"))


class PartnerRunConsumption(PartnerView, generics.GenericAPIView):
    serializer_class = ConsumptionOutput
    queryset = Consumption.objects.none()  # for the schema; the run's scope is checked per request

    @extend_schema(summary="What a run used", responses=ConsumptionOutput(many=True),
                   description="The materials logged on one of my runs, oldest first, paginated like every list "
                               "(`limit`, `offset`). Another partner's run: 404.")
    def get(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        page = self.paginate_queryset(consumptions(run.pk))
        return self.get_paginated_response(ConsumptionOutput(page, many=True).data)

    @extend_schema(
        summary="Log material used on a run",
        description="While the run is `in_progress` (409 otherwise): `quantity` of a `material` planned for the "
                    "run (400 for one that is not), used in production or wasted (`kind`), with optional notes.",
        request=ConsumptionInput, responses={201: ConsumptionOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        data = ConsumptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.consumption_log(run=run, material_id=data.validated_data["material"], actor=request.user,
                                         quantity=data.validated_data["quantity"], kind=data.validated_data["kind"],
                                         notes=data.validated_data["notes"])
        return Response(ConsumptionOutput(consumptions(run.pk).get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)


class CostOutput(serializers.Serializer):
    currency = serializers.CharField()
    partner_cost = SignedMoneyField()
    material_cost = SignedMoneyField()
    total = SignedMoneyField()
    good_units = serializers.IntegerField()
    cost_per_good_unit = SignedMoneyField(allow_null=True)
    unpriced_materials = serializers.ListField(child=serializers.CharField(),
                                               help_text="Materials used that have no unit cost (counted as 0).")


class RunCost(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = CostOutput
    queryset = ProductionRun.objects.all()

    @extend_schema(
        summary="What a run cost",
        description="The partner cost (its payables that are not void) plus the material cost (the materials "
                    "logged, at their unit cost when logged), and the cost per good unit (null without good units). "
                    "A parent run sums its children; a run not finished shows its cost so far.",
    )
    def get(self, request, pk):
        return Response(CostOutput(run_cost(self.get_object()).as_data()).data)


class ReportRowOutput(serializers.Serializer):
    run = serializers.IntegerField(source="run.pk")
    partner = serializers.IntegerField(source="run.partner_id")
    partner_name = serializers.CharField(source="run.partner.name")
    design = serializers.IntegerField(source="run.design_id")
    design_name = serializers.CharField(source="run.design.name")
    role = serializers.CharField(source="run.role")
    completed_at = serializers.DateTimeField(source="run.completed_at")
    material = serializers.IntegerField(source="line.material_id")
    material_name = serializers.CharField(source="line.material.name")
    unit = serializers.CharField(source="line.material.unit")
    planned = MaterialQuantityField()
    consumed = MaterialQuantityField()
    good_units = serializers.IntegerField(source="run.produced_quantity")
    per_good_unit = MaterialQuantityField(allow_null=True)
    flags = serializers.ListField(child=serializers.ChoiceField(choices=list(FLAGS.items())))


REPORT_FILTERS = ("partner", "design", "from", "to")
REPORT_PARAMETERS = [
    OpenApiParameter("partner", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
    OpenApiParameter("design", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Runs completed on or after this day."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Runs completed on or before this day."),
]


def report_query(request):
    """The report's lines for the query's filters; an unknown, empty, repeated or bad parameter is a 400."""
    form = MaterialsReportForm(query_values(request, REPORT_FILTERS))
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form.lines()


class MaterialsReport(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = ReportRowOutput
    queryset = RunMaterial.objects.none()  # for the schema; rows come from report_query

    @extend_schema(
        summary="Materials used against plan",
        description="Per completed run and planned material, newest completion first: `planned`, `consumed` "
                    "(production and wastage), `per_good_unit` (null without good units) and `flags`: `over_plan` "
                    "(consumed above 110% of plan), `no_consumption` (pieces came out, nothing was logged), "
                    "`consumption_without_output` (logged, nothing came out). Paginated with `limit` and `offset`.",
        parameters=REPORT_PARAMETERS,
    )
    def get(self, request):
        page = self.paginate_queryset(report_query(request))
        return self.get_paginated_response(ReportRowOutput(materials_report(page), many=True).data)


class MaterialsReportExport(generics.GenericAPIView):
    permission_classes = [IsStaff]
    queryset = ProductionRun.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Export the materials report as CSV",
        description="The rows the same filters select, as CSV: a header row, quantities as decimals, the flags "
                    "separated by spaces.",
        parameters=REPORT_PARAMETERS, responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request):
        response = HttpResponse(materials_csv(report_query(request)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="materials.csv"'
        return response

