"""Production runs over HTTP: the staff API and the partner API.

Views parse input, call one service, and render the result. Domain errors
become 400/409 in ``config.errors``; a partner's out-of-scope id is a 404
because every partner view fetches through ``production.selectors``.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    MAX_QUANTITY,
    BooleanFilter,
    IdFilter,
    StrictBooleanField,
    StrictCharField,
    StrictFilterSet,
    StrictIntegerField,
    id_field,
    quantity_field,
)
from designs.models import Design
from partners.permissions import IsPartnerUser, IsStaff
from production import selectors, services
from production.models import DispatchState, ProductionPolicy, ProductionRun, ProductionRunActivity, RunStatus
from tasks.api import TaskOutput
from tasks.models import Task
from tasks.selectors import TemplateSelection

# --- output -------------------------------------------------------------------------

RUN_FIELDS = [
    "id", "status", "dispatch_state", "run_type", "quantity", "design", "design_name", "partner", "partner_name",
    "role", "parent_run", "children", "order", "order_line_item", "product", "variant", "snapshot", "captured_at",
    "metadata", "produced_quantity", "rejected_quantity", "completion_notes", "template_ids", "dispatch_started_at",
    "dispatch_started_by", "approved_at", "sent_at", "started_at", "completed_at", "cancelled_at", "created_at",
    "updated_at",
]


class RunOutput(serializers.ModelSerializer):
    design_name = serializers.CharField(source="design.name", read_only=True)
    partner_name = serializers.CharField(source="partner.name", default=None, allow_null=True, read_only=True)
    children = serializers.SerializerMethodField()

    class Meta:
        model = ProductionRun
        fields = RUN_FIELDS

    def get_children(self, run) -> list[int]:
        return [child.pk for child in run.children.all()]


class RunDetailOutput(RunOutput):
    tasks = TaskOutput(many=True, read_only=True)

    class Meta(RunOutput.Meta):
        fields = RUN_FIELDS + ["tasks"]


class ActivityOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ProductionRunActivity
        fields = ["id", "verb", "actor", "from_status", "to_status", "note", "data", "created_at"]

    def get_actor(self, activity) -> str:
        return activity.actor_label


def _tasks():
    return Prefetch("tasks", queryset=Task.objects.order_by("sequence", "id"))


def _run_detail(run_id: int) -> dict:
    run = selectors.runs_for_staff().prefetch_related(_tasks()).get(pk=run_id)
    return RunDetailOutput(run).data


RunAndChildren = inline_serializer(
    "RunAndChildren", fields={"run": RunDetailOutput(), "children": RunOutput(many=True)}
)
Conflict = OpenApiResponse(
    inline_serializer("Conflict", fields={"detail": StrictCharField(), "code": StrictCharField()}),
    description="Not allowed in the run's current state (code invalid_transition, not_awaiting_templates, open_tasks).",
)


def _run_and_children(run, children) -> dict:
    return {
        "run": _run_detail(run.pk),
        "children": RunOutput(
            selectors.runs_for_staff().filter(pk__in=[c.pk for c in children]).order_by("id"), many=True
        ).data,
    }


# --- input --------------------------------------------------------------------------

class AssignmentInput(serializers.Serializer):
    partner = id_field()
    role = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    quantity = quantity_field()


class AssignmentsInput(serializers.Serializer):
    assignments = AssignmentInput(many=True, required=False, allow_empty=False)

    def assignments_or_none(self):
        items = self.validated_data.get("assignments")
        if items is None:
            return None
        return [services.Assignment(partner_id=a["partner"], role=a["role"], quantity=a["quantity"]) for a in items]


class RunCreateInput(serializers.Serializer):
    design = id_field()
    quantity = quantity_field()
    run_type = serializers.ChoiceField(choices=ProductionRun.RunType.choices, required=False,
                                       default=ProductionRun.RunType.PRODUCTION)


class DesignRunCreateInput(AssignmentsInput):
    quantity = quantity_field()
    run_type = serializers.ChoiceField(choices=ProductionRun.RunType.choices, required=False,
                                       default=ProductionRun.RunType.PRODUCTION)


class SelectionInput(serializers.Serializer):
    template_category = id_field(required=False)
    template_names = serializers.ListField(child=StrictCharField(max_length=200), required=False, max_length=500)
    template_ids = serializers.ListField(child=id_field(), required=False, max_length=500)

    def validate(self, attrs):
        # A misspelt key would otherwise start a paused dispatch instead of completing it.
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return attrs

    def selection(self, *, required: bool) -> TemplateSelection | None:
        d = self.validated_data
        if not d and not required:
            return None
        return TemplateSelection(
            category_id=d.get("template_category"), names=tuple(d.get("template_names") or ()),
            ids=tuple(d.get("template_ids") or ()),
        )


class CancelInput(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


# --- staff views ---------------------------------------------------------------------

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

    class Meta:
        model = ProductionRun
        fields = ["status", "dispatch_state", "run_type", "design", "partner", "order", "order_line_item",
                  "parent_run", "root"]


class RunListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = RunOutput
    filterset_class = RunFilter

    def get_queryset(self):
        return selectors.runs_for_staff().order_by("-created_at", "-id")

    @extend_schema(request=RunCreateInput, responses={201: RunDetailOutput})
    def post(self, request):
        data = RunCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        design = Design.objects.filter(pk=data.validated_data["design"]).first()
        if design is None:
            raise serializers.ValidationError({"design": ["Unknown design."]})
        run = services.run_create(design=design, quantity=data.validated_data["quantity"], actor=request.user,
                                  run_type=data.validated_data["run_type"])
        return Response(_run_detail(run.pk), status=status.HTTP_201_CREATED)


class RunDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = RunDetailOutput

    def get_queryset(self):
        return selectors.runs_for_staff().prefetch_related(_tasks())


class DesignRunCreate(APIView):
    """Create a run for a design; with assignments it is approved into child runs at once."""

    permission_classes = [IsStaff]

    @extend_schema(request=DesignRunCreateInput, responses={201: RunAndChildren})
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
    @extend_schema(request=AssignmentsInput, responses={200: RunAndChildren, 409: Conflict})
    def post(self, request, pk):
        run = self.get_run(pk)
        data = AssignmentsInput(data=request.data)
        data.is_valid(raise_exception=True)
        run, children = services.run_approve(run=run, actor=request.user, assignments=data.assignments_or_none())
        return Response(_run_and_children(run, children))


class RunDispatch(RunAction):
    """Start a dispatch (202, waits for templates); with a selection it completes at once (200)."""

    @extend_schema(request=SelectionInput, responses={200: RunDetailOutput, 202: RunDetailOutput, 409: Conflict})
    def post(self, request, pk):
        run = self.get_run(pk)
        data = SelectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        selection = data.selection(required=False)
        run = services.dispatch_start(run=run, actor=request.user, selection=selection)
        return Response(_run_detail(run.pk), status=status.HTTP_202_ACCEPTED if selection is None else status.HTTP_200_OK)


class RunDispatchConfirm(RunAction):
    @extend_schema(request=SelectionInput, responses={200: RunDetailOutput, 409: Conflict})
    def post(self, request, pk):
        run = self.get_run(pk)
        data = SelectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.dispatch_confirm(run=run, actor=request.user, selection=data.selection(required=True))
        return Response(_run_detail(run.pk))


class RunDispatchCancel(RunAction):
    @extend_schema(request=None, responses={200: RunDetailOutput, 409: Conflict})
    def post(self, request, pk):
        run = services.dispatch_cancel(run=self.get_run(pk), actor=request.user)
        return Response(_run_detail(run.pk))


class RunCancel(RunAction):
    @extend_schema(request=CancelInput, responses={200: RunDetailOutput, 409: Conflict})
    def post(self, request, pk):
        run = self.get_run(pk)
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.run_cancel(run=run, actor=request.user, reason=data.validated_data["reason"])
        return Response(_run_detail(run.pk))


class RunActivities(generics.ListAPIView):
    permission_classes = [IsStaff]
    queryset = ProductionRunActivity.objects.none()  # for the schema; get_queryset picks the run's
    serializer_class = ActivityOutput

    def get_queryset(self):
        run = get_object_or_404(ProductionRun, pk=self.kwargs["pk"])
        return run.activities.select_related("actor").order_by("created_at", "id")


class PolicyOutput(serializers.ModelSerializer):
    class Meta:
        model = ProductionPolicy
        fields = ["auto_dispatch", "updated_at"]


class PolicyInput(serializers.Serializer):
    auto_dispatch = StrictBooleanField()


class Policy(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=PolicyOutput)
    def get(self, request):
        return Response(PolicyOutput(ProductionPolicy.load()).data)

    @extend_schema(request=PolicyInput, responses=PolicyOutput)
    def patch(self, request):
        data = PolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_update(auto_dispatch=data.validated_data["auto_dispatch"], actor=request.user)
        return Response(PolicyOutput(policy).data)


# --- partner views --------------------------------------------------------------------

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

    class Meta:
        model = ProductionRun
        fields = ["id", "status", "dispatch_state", "run_type", "quantity", "design", "design_name", "partner", "role",
                  "parent_run", "order", "snapshot", "captured_at", "produced_quantity", "rejected_quantity",
                  "completion_notes", "sent_at", "started_at", "completed_at", "cancelled_at", "created_at",
                  "updated_at", "progress"]

    def get_snapshot(self, run) -> dict:
        return {key: run.snapshot[key] for key in PARTNER_SNAPSHOT_KEYS if key in run.snapshot}

    def get_progress(self, run) -> dict:
        return {"tasks_total": run.tasks_total, "tasks_completed": run.tasks_completed}


class PartnerRunDetailOutput(PartnerRunOutput):
    tasks = TaskOutput(many=True, read_only=True)
    design_summary = DesignSummary(source="design", read_only=True)

    class Meta(PartnerRunOutput.Meta):
        fields = PartnerRunOutput.Meta.fields + ["tasks", "design_summary"]


class PartnerRunFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    run_type = django_filters.ChoiceFilter(choices=ProductionRun.RunType.choices)

    class Meta:
        model = ProductionRun
        fields = ["status", "run_type"]


class PartnerView:
    permission_classes = [IsPartnerUser]

    def runs(self):
        return selectors.runs_for_partner(self.request.partner).with_progress()

    def run_detail(self, run_id: int) -> dict:
        run = get_object_or_404(self.runs().prefetch_related(_tasks()), pk=run_id)
        return PartnerRunDetailOutput(run).data


class PartnerRunList(PartnerView, generics.ListAPIView):
    queryset = ProductionRun.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = PartnerRunOutput
    filterset_class = PartnerRunFilter

    def get_queryset(self):
        return self.runs().order_by("-sent_at", "-id")


class PartnerRunDetail(PartnerView, APIView):
    @extend_schema(responses=PartnerRunDetailOutput)
    def get(self, request, pk):
        return Response(self.run_detail(pk))


class PartnerRunStart(PartnerView, APIView):
    @extend_schema(request=None, responses={200: PartnerRunDetailOutput, 409: Conflict})
    def post(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        services.run_start(run=run, actor=request.user)
        return Response(self.run_detail(pk))


class RunCompleteInput(serializers.Serializer):
    produced_quantity = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_QUANTITY)
    rejected_quantity = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_QUANTITY)
    notes = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")


class PartnerRunComplete(PartnerView, APIView):
    @extend_schema(request=RunCompleteInput, responses={200: PartnerRunDetailOutput, 409: Conflict})
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


class PartnerTaskList(PartnerTaskView, generics.ListAPIView):
    queryset = Task.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = TaskOutput
    filterset_class = PartnerTaskFilter

    def get_queryset(self):
        return self.tasks().order_by("production_run_id", "sequence", "id")


class PartnerTaskDetail(PartnerTaskView, generics.RetrieveAPIView):
    queryset = Task.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = TaskOutput

    def get_queryset(self):
        return self.tasks()


class PartnerTaskStart(PartnerTaskView, APIView):
    @extend_schema(request=None, responses={200: TaskOutput, 409: Conflict})
    def post(self, request, pk):
        task = services.task_start(task=get_object_or_404(self.tasks(), pk=pk), actor=request.user)
        return Response(TaskOutput(task).data)


class PartnerTaskComplete(PartnerTaskView, APIView):
    @extend_schema(request=None, responses={200: TaskOutput, 409: Conflict})
    def post(self, request, pk):
        task = services.task_complete(task=get_object_or_404(self.tasks(), pk=pk), actor=request.user)
        return Response(TaskOutput(task).data)
