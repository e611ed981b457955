"""The operations side of the staff API: the production policy, the reminder ladder and the staff inbox."""

from django.shortcuts import get_object_or_404
import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import BooleanFilter, IdFilter, StrictFilterSet
from partners.permissions import IsStaff
from production import services
from production.api.inputs import PolicyInput
from production.api.serializers import AlertOutput, PolicyOutput, ReminderCheckOutput
from production.models import Alert, AlertKind, ProductionPolicy


class Policy(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Get the production policy",
        description="`auto_dispatch`: whether order-born runs of commerce-ready designs with a complete routing "
                    "are approved and dispatched automatically.",
        responses=PolicyOutput,
    )
    def get(self, request):
        return Response(PolicyOutput(ProductionPolicy.load()).data)

    @extend_schema(
        summary="Change the production policy",
        description="`auto_dispatch` (a JSON boolean) and any of the reminder ladder's numbers under `reminders` "
                    "(hours >= 0, fractions allowed; `cap` >= 1; `same_partner_retries` >= 0). What is left out "
                    "stays as it is; unknown keys are a 400.",
        request=PolicyInput, responses=PolicyOutput,
    )
    def patch(self, request):
        data = PolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_update(auto_dispatch=data.validated_data.get("auto_dispatch"),
                                        reminders=data.validated_data.get("reminders"), actor=request.user)
        return Response(PolicyOutput(policy).data)


class ReminderCheck(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Run the reminder ladder now",
        description="What the schedule does every few minutes: remind partners of due runs, park runs nobody "
                    "answered, escalate accepted runs that do not move. Answers how many of each.",
        request=None, responses=ReminderCheckOutput,
    )
    def post(self, request):
        return Response(services.reminders_check())


class AlertFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices)
    run = IdFilter(field_name="run_id")
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Alert
        fields = ["kind", "run", "unread"]


@extend_schema_view(get=extend_schema(
    summary="The staff inbox",
    description="Alerts for operations staff, newest first: runs declined, parked (nobody answered), escalated "
                "(accepted but not moving), finished with missing (`shortfall`) or rejected (`rejects`) pieces, "
                "or `late`. Filter by `kind`, `run`, `unread=true|false`.",
))
class Inbox(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = AlertOutput
    filterset_class = AlertFilter
    queryset = Alert.objects.order_by("-created_at", "-id")


class InboxRead(APIView):
    permission_classes = [IsStaff]

    @extend_schema(summary="Mark an alert read", description="Idempotent: reading it again changes nothing.",
                   request=None, responses=AlertOutput)
    def post(self, request, pk):
        alert = services.alert_mark_read(alert=get_object_or_404(Alert, pk=pk), actor=request.user)
        return Response(AlertOutput(alert).data)
