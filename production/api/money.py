"""Money in the API: a run's rate, and payables (staff: list, act, export; partners: their own)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import IdFilter, MoneyField, SignedMoneyField, StrictCharField, StrictFilterSet, StrictObject, id_field
from config.numbers import MAX_ID
from partners.permissions import IsPartnerUser, IsStaff
from partners.selectors import scope_to_partner
from production import services
from production.api.serializers import Conflict
from production.exports import payables_csv
from production.models import Payable, PayableStatus


class PayableOutput(serializers.ModelSerializer):
    amount = SignedMoneyField(read_only=True)
    rate = MoneyField(read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    design = serializers.IntegerField(source="run.design_id", read_only=True)
    design_name = serializers.CharField(source="run.design.name", read_only=True)
    role = serializers.CharField(source="run.role", read_only=True)

    class Meta:
        model = Payable
        fields = ["id", "run", "partner", "partner_name", "design", "design_name", "role", "kind", "units", "rate",
                  "rate_type", "amount", "currency", "status", "reference", "note", "created_at", "approved_at",
                  "paid_at", "voided_at"]


class PayableFilter(StrictFilterSet):
    partner = IdFilter(field_name="partner_id")
    run = IdFilter(field_name="run_id")
    status = django_filters.ChoiceFilter(choices=PayableStatus.choices)
    month = django_filters.DateFilter(method="in_month", input_formats=["%Y-%m"],
                                      help_text="`YYYY-MM`: payables created in that month.")

    class Meta:
        model = Payable
        fields = ["partner", "run", "status", "month"]

    def in_month(self, queryset, name, value):
        return queryset.filter(created_at__year=value.year, created_at__month=value.month)


def payables():
    return Payable.objects.select_related("partner", "run__design").order_by("-created_at", "-id")


@extend_schema_view(get=extend_schema(
    summary="List payables",
    description="What the brand owes its partners, newest first: one per completed run with a rate (plus balances "
                "after corrections of paid runs). Filters `partner`, `status`, `run`, `month` (`YYYY-MM`).",
))
class PayableList(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = PayableOutput
    filterset_class = PayableFilter
    queryset = Payable.objects.none()

    def get_queryset(self):
        return payables()


@extend_schema_view(get=extend_schema(summary="Retrieve a payable"))
class PayableDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = PayableOutput

    def get_queryset(self):
        return payables()


class PayableExport(generics.GenericAPIView):
    permission_classes = [IsStaff]
    filterset_class = PayableFilter
    queryset = Payable.objects.none()  # for the schema; get picks the filtered payables
    pagination_class = None

    @extend_schema(
        summary="Export payables as CSV",
        description="The payables the same filters select, as CSV for accounting: a header row (`id`, `run`, "
                    "`partner`, `partner_name`, `design`, `role`, `kind`, `units`, `rate`, `rate_type`, `amount`, "
                    "`currency`, `status`, `reference`, `created_at`, `approved_at`, `paid_at`), amounts as decimals.",
        parameters=[
            OpenApiParameter("partner", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
            OpenApiParameter("run", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
            OpenApiParameter("status", {"type": "string", "enum": PayableStatus.values}),
            OpenApiParameter("month", {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"},
                             description="`YYYY-MM`: payables created in that month."),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request):
        response = HttpResponse(payables_csv(self.filter_queryset(Payable.objects.all())),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="payables.csv"'
        return response


class PayAction(APIView):
    """One payable, one service call: the body (if the action takes one) is checked by ``input_class`` first."""

    permission_classes = [IsStaff]
    input_class: type[StrictObject] | None = None

    def act(self, request, pk, service) -> Response:
        payable = get_object_or_404(Payable, pk=pk)
        data = {}
        if self.input_class is not None:
            body = self.input_class(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        payable = service(payable=payable, actor=request.user, **data)
        return Response(PayableOutput(payables().get(pk=payable.pk)).data)


class PayInput(StrictObject):
    reference = StrictCharField(required=False, allow_blank=True, max_length=200, default="")


class ReasonInput(StrictObject):
    reason = StrictCharField(max_length=2000)


class AdjustInput(ReasonInput):
    amount = MoneyField()


class BulkApproveInput(StrictObject):
    ids = serializers.ListField(child=id_field(), min_length=1, max_length=1000)


class PayableApprove(PayAction):
    @extend_schema(summary="Approve a payable", description="`open` -> `approved`; 409 otherwise.",
                   request=None, responses={200: PayableOutput, 409: Conflict})
    def post(self, request, pk):
        return self.act(request, pk, services.payable_approve)


class PayablePay(PayAction):
    input_class = PayInput

    @extend_schema(summary="Mark a payable paid", description="`approved` -> `paid`, with the payment's "
                   "`reference`; 409 otherwise (an open payable is approved first).",
                   request=PayInput, responses={200: PayableOutput, 409: Conflict})
    def post(self, request, pk):
        return self.act(request, pk, services.payable_pay)


class PayableVoid(PayAction):
    input_class = ReasonInput

    @extend_schema(summary="Void a payable", description="`open` or `approved` -> `void`, with the `reason` "
                   "(the payable's `note`, which its partner reads too); 409 for a paid or void payable.", request=ReasonInput, responses={200: PayableOutput, 409: Conflict})
    def post(self, request, pk):
        return self.act(request, pk, services.payable_void)


class PayableAdjust(PayAction):
    input_class = AdjustInput

    @extend_schema(summary="Adjust an open payable's amount", description="With the `reason` (kept on the run's "
                   "timeline with before and after, and as the payable's `note`, which its partner reads too); 409 "
                   "unless the payable is `open`.",
                   request=AdjustInput, responses={200: PayableOutput, 409: Conflict})
    def post(self, request, pk):
        return self.act(request, pk, services.payable_adjust)


class PayablesApprove(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Approve many payables at once", operation_id="admin_payables_approve_many",
        description="All or none: an unknown id answers 400 and a payable that is not `open` 409, with nothing "
                    "approved.",
        request=BulkApproveInput,
        responses={200: inline_serializer("Approved", fields={"approved": serializers.ListField(
            child=serializers.IntegerField())}), 409: Conflict},
    )
    def post(self, request):
        data = BulkApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        approved = services.payables_approve(ids=data.validated_data["ids"], actor=request.user)
        return Response({"approved": [p.pk for p in approved]})


# --- the partner's side --------------------------------------------------------------------

class PartnerPayableFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=PayableStatus.choices)

    class Meta:
        model = Payable
        fields = ["status"]


class PartnerPayables:
    permission_classes = [IsPartnerUser]
    serializer_class = PayableOutput
    queryset = Payable.objects.none()  # for the schema; get_queryset scopes to the caller

    def get_queryset(self):
        return scope_to_partner(payables(), self.request.partner)


@extend_schema_view(get=extend_schema(summary="List my payables",
                                      description="What the brand owes the caller's partner, newest first."))
class PartnerPayableList(PartnerPayables, generics.ListAPIView):
    filterset_class = PartnerPayableFilter


@extend_schema_view(get=extend_schema(summary="Retrieve one of my payables",
                                      description="Another partner's payable answers 404."))
class PartnerPayableDetail(PartnerPayables, generics.RetrieveAPIView):
    pass
