"""The staff side of production runs: ``/api/admin/production-runs/...``, design runs and the policy."""

from django.db import transaction
from django.shortcuts import get_object_or_404
import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import BooleanFilter, IdFilter, StageFilter, StrictFilterSet
from designs.models import Design
from partners.permissions import IsStaff
from production import dates, selectors, services
from production.api.inputs import (
    AssignmentsInput,
    CancelInput,
    ConfirmSelectionInput,
    DesignRunCreateInput,
    ReassignInput,
    RedispatchInput,
    RunCreateInput,
    RunPatchInput,
    SelectionInput,
)
from production.api.serializers import (
    ActivityOutput,
    Conflict,
    RedispatchOutput,
    RunAndChildren,
    RunDetailOutput,
    RunOutput,
)
from production.models import (
    DispatchState,
    ProductionRun,
    ProductionRunActivity,
    RunStatus,
)


def run_detail(run_id: int) -> dict:
    run = selectors.runs_for_staff().prefetch_related(selectors.tasks_in_sequence()).get(pk=run_id)
    return RunDetailOutput(run).data


def _run_and_children(run, children) -> dict:
    return {
        "run": run_detail(run.pk),
        "children": RunOutput(
            selectors.runs_for_staff().filter(pk__in=[c.pk for c in children]).order_by("id"), many=True
        ).data,
    }


class RunFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    dispatch_state = django_filters.ChoiceFilter(choices=DispatchState.choices)
    run_type = django_filters.ChoiceFilter(choices=ProductionRun.RunType.choices)
    design = IdFilter(field_name="design_id")
    partner = IdFilter(field_name="partner_id")
    order = IdFilter(field_name="order_id")
    order_line_item = IdFilter(field_name="order_line_item_id")
    parent_run = IdFilter(field_name="parent_run_id")
    root = BooleanFilter(field_name="parent_run", lookup_expr="isnull")
    stage = StageFilter(field_name="stage")
    late = BooleanFilter(method="is_late", help_text="`true`: not finished and past its due date; `false`: not.")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", help_text="Due on or before.")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", help_text="Due on or after.")

    class Meta:
        model = ProductionRun
        fields = ["status", "dispatch_state", "run_type", "design", "partner", "order", "order_line_item",
                  "parent_run", "root", "stage", "late", "due_before", "due_after"]

    def is_late(self, queryset, name, value):
        late = value in (True, "true")  # a method filter gets the raw choice
        return queryset.late(dates.today()) if late else queryset.not_late(dates.today())


@extend_schema_view(get=extend_schema(
    summary="List production runs",
    description="Every run, newest first, filtered by status, dispatch state, type, design, partner, order, "
                "line item, parent run, `root=true` for runs without a parent, `stage`, `late` (`true`/`false`), "
                "and `due_before` / `due_after` (inclusive days).",
))
class RunListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = RunOutput
    filterset_class = RunFilter

    def get_queryset(self):
        return selectors.runs_for_staff().order_by("-created_at", "-id")

    @extend_schema(
        summary="Create a production run",
        description="A root run of a design in `pending_review`, with a snapshot of the design. "
                    "400 for an unknown design or a quantity that is not a positive whole number.",
        request=RunCreateInput, responses={201: RunDetailOutput},
    )
    def post(self, request):
        data = RunCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        design = Design.objects.filter(pk=data.validated_data["design"]).first()
        if design is None:
            raise serializers.ValidationError({"design": ["Unknown design."]})
        run = services.run_create(design=design, quantity=data.validated_data["quantity"], actor=request.user,
                                  run_type=data.validated_data["run_type"])
        return Response(run_detail(run.pk), status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(
    summary="Get a production run",
    description="The run with its children (ids) and its tasks in sequence order.",
))
class RunDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = RunDetailOutput

    def get_queryset(self):
        return selectors.runs_for_staff().prefetch_related(selectors.tasks_in_sequence())

    @extend_schema(
        summary="Change a run's agreed rate or due date",
        description="`rate` (money, at least 0, or null) and `rate_type` (`per_unit` or `total`) until the partner "
                    "accepts the run (409 after, and for a parent: its children are paid); `due_date` (a day, or "
                    "null) until it is finished (409 after). What is not sent stays; all or nothing.",
        request=RunPatchInput, responses={200: RunDetailOutput, 409: Conflict},
    )
    def patch(self, request, pk):
        run = get_object_or_404(ProductionRun, pk=pk)
        data = RunPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        with transaction.atomic():
            if "rate" in changes or "rate_type" in changes:
                services.run_set_rate(run=run, actor=request.user, rate=changes.get("rate", services.KEEP),
                                      rate_type=changes.get("rate_type", services.KEEP))
            if "due_date" in changes:
                services.run_set_due_date(run=run, actor=request.user, due_date=changes["due_date"])
        return Response(run_detail(run.pk))


class DesignRunCreate(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Create a production run of a design, optionally allocated",
        description="Without assignments: one run in `pending_review`. With assignments: the run is approved and "
                    "each assignment becomes an approved child run (partner, role, quantity); the quantities must "
                    "add up to the run's quantity (400 otherwise).",
        request=DesignRunCreateInput, responses={201: RunAndChildren},
    )
    def post(self, request, pk):
        design = get_object_or_404(Design, pk=pk)
        data = DesignRunCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        run, children = services.run_create_allocated(
            design=design, quantity=data.validated_data["quantity"], run_type=data.validated_data["run_type"],
            assignments=data.assignments_or_none(), actor=request.user,
        )
        return Response(_run_and_children(run, children), status=status.HTTP_201_CREATED)


class RunAction(APIView):
    permission_classes = [IsStaff]

    def get_run(self, pk) -> ProductionRun:
        return get_object_or_404(ProductionRun, pk=pk)


class RunApprove(RunAction):
    @extend_schema(
        summary="Approve a run, optionally splitting it across partners",
        description="From `pending_review` only (409 otherwise). With assignments, each becomes an approved child "
                    "run; without, the run must already have a partner (400 otherwise).",
        request=AssignmentsInput, responses={200: RunAndChildren, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = AssignmentsInput(data=request.data)
        data.is_valid(raise_exception=True)
        run, children = services.run_approve(run=run, actor=request.user, assignments=data.assignments_or_none())
        return Response(_run_and_children(run, children))


class RunDispatch(RunAction):
    @extend_schema(
        summary="Start dispatching a run to its partner",
        description="With an empty body the dispatch waits for templates (202, `awaiting_templates`); with a "
                    "template selection, or when the run's allocation named its templates, it completes at once "
                    "(200). Only an approved run with a partner and no children can be dispatched (409 "
                    "`invalid_transition`); a later stage's run before the stage before it is finished: 409 "
                    "`waiting_for_previous_stage`.",
        request=SelectionInput, responses={200: RunDetailOutput, 202: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = SelectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        selection = data.selection(required=False)
        run = services.dispatch_start(run=run, actor=request.user, selection=selection)
        waiting = run.is_awaiting_templates()  # no selection given, and none named at allocation
        return Response(run_detail(run.pk), status=status.HTTP_202_ACCEPTED if waiting else status.HTTP_200_OK)


class RunDispatchConfirm(RunAction):
    @extend_schema(
        summary="Confirm a waiting dispatch with its templates",
        description="Exactly one of `template_category`, `template_names` or `template_ids`. Creates the tasks in "
                    "template order, sends the run and notifies the partner. 409 `not_awaiting_templates` when no "
                    "dispatch waits (a second confirm); 400 for unknown, empty or ambiguous selections.",
        request=ConfirmSelectionInput, responses={200: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = ConfirmSelectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.dispatch_confirm(run=run, actor=request.user, selection=data.selection(required=True))
        return Response(run_detail(run.pk))


class RunDispatchCancel(RunAction):
    @extend_schema(
        summary="Cancel a dispatch waiting for templates",
        description="The run goes back to `dispatch_state: idle` and can be dispatched again. "
                    "409 `not_awaiting_templates` when no dispatch waits.",
        request=None, responses={200: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = services.dispatch_cancel(run=self.get_run(pk), actor=request.user)
        return Response(run_detail(run.pk))


class RunCancel(RunAction):
    @extend_schema(
        summary="Cancel a run",
        description="Cancels the run, its unfinished children and every open task below it; the reason is kept "
                    "in the timeline. 409 for a completed or cancelled run.",
        request=CancelInput, responses={200: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_cancel(run=run, actor=request.user, reason=data.validated_data["reason"])
        return Response(run_detail(run.pk))


@extend_schema_view(get=extend_schema(
    summary="A run's timeline",
    description="Who did what to the run, oldest first: transitions, dispatch steps, task work and notes. "
                "`actor` is `system` for automatic steps.",
))
class RunActivities(generics.ListAPIView):
    permission_classes = [IsStaff]
    queryset = ProductionRunActivity.objects.none()  # for the schema; get_queryset picks the run's
    serializer_class = ActivityOutput

    def get_queryset(self):
        run = get_object_or_404(ProductionRun, pk=self.kwargs["pk"])
        return run.activities.select_related("actor").order_by("created_at", "id")


class RunReassign(RunAction):
    @extend_schema(
        summary="Reassign a run to another partner",
        description="From `awaiting_reassignment`, or from `sent_to_partner` while not accepted or started: the old "
                    "partner's open tasks are cancelled and it loses the run; the run is `approved` for the new "
                    "partner. With `dispatch: true` it is sent at once with its previous templates. 409 in any "
                    "other state; 400 for an unknown or inactive partner.",
        request=ReassignInput, responses={200: RunDetailOutput, 409: Conflict},
    )
    def post(self, request, pk):
        run = self.get_run(pk)
        data = ReassignInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        run = services.run_reassign(run=run, partner_id=d["partner"], dispatch=d["dispatch"], note=d["note"],
                                    actor=request.user)
        return Response(run_detail(run.pk))


class RunsRedispatch(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Send parked runs back to their previous partner",
        description="Every listed (default: every) run awaiting reassignment goes back to its previous partner "
                    "with its previous templates, when that partner is active and did not decline it. "
                    "`dry_run` (default true) only says what would happen.",
        request=RedispatchInput, responses=RedispatchOutput,
    )
    def post(self, request):
        data = RedispatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        dry_run = data.validated_data["dry_run"]
        results = services.runs_redispatch(run_ids=data.validated_data.get("runs"), dry_run=dry_run,
                                           actor=request.user)
        return Response(RedispatchOutput({"dry_run": dry_run, "results": results}).data)
