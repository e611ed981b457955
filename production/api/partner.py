"""The partner side of production runs and tasks: ``/api/partners/...``, scoped to the caller's partner."""

from django.shortcuts import get_object_or_404
import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import IdFilter, StrictFilterSet
from partners.permissions import IsPartnerUser
from production import selectors, services
from production.api import partner_list
from production.api.inputs import DeclineInput, RunCompleteInput
from production.api.serializers import Conflict, PartnerRunDetailOutput, PartnerRunOutput
from production.models import ProductionRun, RunStatus
from tasks.api import TaskOutput
from tasks.models import Task


class PartnerRunFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    run_type = django_filters.ChoiceFilter(choices=ProductionRun.RunType.choices)

    class Meta:
        model = ProductionRun
        fields = ["status", "run_type"]


class PartnerView:
    """Every read goes through the partner's scope: another partner's id is a 404."""

    permission_classes = [IsPartnerUser]

    def runs(self):
        return selectors.runs_for_partner(self.request.partner).with_progress().with_materials()

    def run_detail(self, run_id: int) -> dict:
        run = get_object_or_404(self.runs().prefetch_related(selectors.tasks_in_sequence(self.request.partner)),
                                pk=run_id)
        return PartnerRunDetailOutput(run).data


@extend_schema_view(get=extend_schema(
    summary="List my production runs",
    description="The runs dispatched to the caller's partner (sent, in progress, completed, or cancelled after "
                "being sent), most recently sent first, each with its task progress.",
))
class PartnerRunList(PartnerView, generics.ListAPIView):
    """Says what ``PartnerRunOutput`` says of each run (the schema's serializer) from plain rows:
    ``production.api.partner_list`` tells why and what holds the two together."""

    queryset = ProductionRun.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = PartnerRunOutput
    filterset_class = PartnerRunFilter

    def get_queryset(self):
        return selectors.runs_for_partner(self.request.partner).order_by("-sent_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(partner_list.values(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(partner_list.represent(page))


class PartnerRunDetail(PartnerView, APIView):
    @extend_schema(
        summary="Get one of my production runs",
        description="The run with its tasks in sequence order and a summary of its design. 404 for a run that "
                    "was not dispatched to the caller's partner.",
        responses=PartnerRunDetailOutput,
    )
    def get(self, request, pk):
        return Response(self.run_detail(pk))


class PartnerRunStart(PartnerView, APIView):
    @extend_schema(
        summary="Start a run",
        description="`sent_to_partner` -> `in_progress`; an approved parent follows its first started child. "
                    "409 in any other state.",
        request=None, responses={200: PartnerRunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        services.run_start(run=run, actor=request.user, partner=request.partner)
        return Response(self.run_detail(pk))


class PartnerRunAccept(PartnerView, APIView):
    @extend_schema(
        summary="Accept a run",
        description="Records `accepted_at`; the status stays `sent_to_partner` (starting the run, or one of its "
                    "tasks, accepts it too). Accepting an accepted or started run changes nothing. 409 in any "
                    "other state.",
        request=None, responses={200: PartnerRunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        services.run_accept(run=run, actor=request.user, partner=request.partner)
        return Response(self.run_detail(pk))


class PartnerRunDecline(PartnerView, APIView):
    @extend_schema(
        summary="Decline a run",
        description="Hands the run back with a reason (`notes` required for `other`): it goes to "
                    "`awaiting_reassignment`, its open tasks are cancelled and staff are alerted; it then leaves "
                    "your list. Declining it again answers 200 and changes nothing. 409 `already_started` once "
                    "work started; 409 `invalid_transition` in any other state.",
        request=DeclineInput, responses={200: PartnerRunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        declined = selectors.runs_declined_by(request.partner).filter(pk=pk).first()
        if declined is not None:  # already handed back by this partner: as it is, whatever the body
            return Response(PartnerRunDetailOutput(selectors.run_with_tasks(declined.pk, request.partner)).data)
        run = get_object_or_404(self.runs(), pk=pk)
        data = DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_decline(run=run, partner=request.partner, actor=request.user, **data.validated_data)
        return Response(PartnerRunDetailOutput(selectors.run_with_tasks(run.pk, request.partner)).data)


class PartnerRunComplete(PartnerView, APIView):
    @extend_schema(
        summary="Complete a run",
        description="`in_progress` -> `completed` with what was produced and rejected (produced defaults to the "
                    "quantity minus rejected, rejected to 0; together at most the quantity, 400 otherwise). Units "
                    "neither produced nor rejected are a shortfall and need `shortfall_reason` (400 otherwise); "
                    "rejects may name a `rejection_reason`. Staff are alerted to shortfalls and rejects. "
                    "409 `open_tasks` while a task is pending or in progress.",
        request=RunCompleteInput, responses={200: PartnerRunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        data = RunCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.run_complete(run=run, actor=request.user, **data.validated_data)
        return Response(self.run_detail(pk))


class PartnerTaskFilter(StrictFilterSet):
    production_run = IdFilter(field_name="production_run_id")
    status = django_filters.ChoiceFilter(choices=Task.Status.choices)

    class Meta:
        model = Task
        fields = ["production_run", "status"]


class PartnerTaskView(PartnerView):
    def tasks(self):
        return selectors.tasks_for_partner(self.request.partner)


@extend_schema_view(get=extend_schema(
    summary="List my tasks",
    description="The tasks of the runs dispatched to the caller's partner, by run and sequence; filter by "
                "`production_run` and `status`.",
))
class PartnerTaskList(PartnerTaskView, generics.ListAPIView):
    queryset = Task.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = TaskOutput
    filterset_class = PartnerTaskFilter

    def get_queryset(self):
        return self.tasks().order_by("production_run_id", "sequence", "id")


@extend_schema_view(get=extend_schema(
    summary="Get one of my tasks",
    description="404 for a task of a run not dispatched to the caller's partner.",
))
class PartnerTaskDetail(PartnerTaskView, generics.RetrieveAPIView):
    queryset = Task.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = TaskOutput

    def get_queryset(self):
        return self.tasks()


class PartnerTaskStart(PartnerTaskView, APIView):
    @extend_schema(
        summary="Start a task",
        description="`pending` -> `in_progress`; a run still `sent_to_partner` is started with it. "
                    "409 for a task that is not pending or a run that is finished.",
        request=None, responses={200: TaskOutput, 409: Conflict},
    )
    def post(self, request, pk):
        task = services.task_start(task=get_object_or_404(self.tasks(), pk=pk), actor=request.user)
        return Response(TaskOutput(task).data)


class PartnerTaskComplete(PartnerTaskView, APIView):
    @extend_schema(
        summary="Complete a task",
        description="A pending or started task becomes `completed`; its run is started with it if needed. "
                    "409 for a finished task or run.",
        request=None, responses={200: TaskOutput, 409: Conflict},
    )
    def post(self, request, pk):
        task = services.task_complete(task=get_object_or_404(self.tasks(), pk=pk), actor=request.user)
        return Response(TaskOutput(task).data)
