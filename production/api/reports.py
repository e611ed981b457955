"""The operations overview, the partner scorecards and the run list as CSV (staff)."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from config.api import StrictObject, query_values
from partners.permissions import IsStaff
from production import reports
from production.api.staff import RunFilter
from production.exports import runs_csv_lines
from production.models import ProductionRun


class OverviewOutput(serializers.Serializer):
    pending_review = serializers.IntegerField()
    awaiting_templates = serializers.IntegerField()
    ready_to_dispatch = serializers.IntegerField()
    awaiting_reassignment = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    late = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    completed_last_7_days = serializers.IntegerField()


class Overview(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = OverviewOutput
    queryset = ProductionRun.objects.none()

    @extend_schema(
        summary="The operations overview",
        description="Counts over the runs someone works on (runs without children; a parent is never counted): "
                    "`pending_review`, `awaiting_templates`, `ready_to_dispatch` (approved, not dispatched, the stage "
                    "before finished), `awaiting_reassignment`, `in_progress`, `late`, `due_soon` (due today or in "
                    "the next 2 days and not started; a late run is `late`), `completed_last_7_days`.",
    )
    def get(self, request):
        return Response(OverviewOutput(reports.overview()).data)


class ScorecardOutput(serializers.Serializer):
    partner = serializers.IntegerField()
    name = serializers.CharField()
    runs_sent = serializers.IntegerField()
    runs_completed = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    reject_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    declines = serializers.IntegerField()
    parked = serializers.IntegerField()
    mean_lead_time_days = serializers.FloatField(allow_null=True)
    units_produced = serializers.IntegerField()


PeriodQuery = type("PeriodQuery", (StrictObject,), {
    "from": serializers.DateField(required=False, input_formats=["%Y-%m-%d"]),
    "to": serializers.DateField(required=False, input_formats=["%Y-%m-%d"]),
})


class PartnersReport(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = ScorecardOutput
    queryset = ProductionRun.objects.none()

    @extend_schema(
        summary="Partner scorecards",
        description="One row per partner with runs sent to it in the period (`from`, `to`: inclusive days on the "
                    "day sent; a partner with none has no row), by name: runs completed, `on_time_rate` (completed "
                    "runs with a due date finished by it), `reject_rate` (rejected / (produced + rejected)), "
                    "`declines` and `parked` (runs handed back in the period), `mean_lead_time_days` (sent to "
                    "completed), `units_produced`. Rates are fractions from 0 to 1, null without data. Paginated "
                    "like every list (`limit`, `offset`).",
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
        responses=ScorecardOutput(many=True),
    )
    def get(self, request):
        query = PeriodQuery(data=query_values(request, ("from", "to")))
        query.is_valid(raise_exception=True)
        rows = reports.scorecards(start=query.validated_data.get("from"), end=query.validated_data.get("to"))
        page = self.paginate_queryset(rows)  # one row per partner, computed together: the page is cut from them
        return self.get_paginated_response(ScorecardOutput([row.as_data() for row in page], many=True).data)


class RunExport(generics.GenericAPIView):
    permission_classes = [IsStaff]
    filterset_class = RunFilter
    queryset = ProductionRun.objects.none()
    pagination_class = None

    @extend_schema(
        summary="Export runs as CSV",
        description="The runs the list's filters select, oldest first, as CSV streamed in constant memory: a header "
                    "row (`id, status, design, design_name, partner, partner_name, role, stage, quantity, due_date, "
                    "is_late, parent_run, order, produced_quantity, rejected_quantity, created_at, sent_at, "
                    "completed_at`).",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request):
        runs = self.filter_queryset(ProductionRun.objects.all())
        response = StreamingHttpResponse(runs_csv_lines(runs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="production-runs.csv"'
        return response

