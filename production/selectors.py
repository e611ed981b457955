"""Every read of production runs: staff lists, the review queue, waiting dispatches, and the partner's scope.

Partner-facing reads all go through ``partners.selectors.scope_to_partner`` and
the model's one visibility rule (``sent_q``: a run once sent), so another
partner's id, or a run not yet sent, is simply not found.
"""

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from partners.models import Partner
from partners.selectors import scope_to_partner
from production.models import (
    PARTNER_DECLINE_REASONS,
    ActivityVerb,
    DispatchState,
    ProductionRun,
    ProductionRunActivity,
    RunStatus,
    sent_q,
)
from tasks.models import Task


def runs_for_staff() -> QuerySet[ProductionRun]:
    return ProductionRun.objects.select_related("design", "partner").with_materials().prefetch_related(
        Prefetch("children", queryset=ProductionRun.objects.only("id", "parent_run_id").order_by("id")),
    )


def runs_awaiting_templates() -> QuerySet[ProductionRun]:
    """Dispatches paused until staff choose templates, oldest first."""
    return (ProductionRun.objects.filter(dispatch_state=DispatchState.AWAITING_TEMPLATES)
            .select_related("design", "partner", "dispatch_started_by").order_by("dispatch_started_at", "id"))


def with_review_reason(queryset: QuerySet[ProductionRun]) -> QuerySet[ProductionRun]:
    """Annotate ``latest_skip_reason``: why each run was last not dispatched automatically (no query per row).

    The latest skip (the job's, or a refused "approve by routing"); before any, the note the run was created
    with (an order's run says whether automatic dispatch was on).
    """
    activities = ProductionRunActivity.objects.filter(run=OuterRef("pk")).order_by("-id").values("note")
    latest = activities.filter(verb=ActivityVerb.AUTO_DISPATCH_SKIPPED)[:1]
    created = activities.filter(verb=ActivityVerb.CREATED).exclude(note="")[:1]
    return queryset.annotate(latest_skip_reason=Coalesce(Subquery(latest), Subquery(created)))


def review_reason(run: ProductionRun) -> str:
    """The latest reason a run waiting for review was not dispatched automatically ("" if none)."""
    return with_review_reason(ProductionRun.objects.filter(pk=run.pk)).values_list(
        "latest_skip_reason", flat=True).first() or ""


def runs_for_partner(partner: Partner) -> QuerySet[ProductionRun]:
    """The runs dispatched to ``partner`` (sent, in progress, completed, or cancelled after being sent)."""
    return scope_to_partner(ProductionRun.objects.dispatched(), partner).select_related("design")


def runs_declined_by(partner: Partner) -> QuerySet[ProductionRun]:
    """Runs ``partner`` handed back that still wait for staff: outside its scope, but a repeated decline is a 200."""
    return ProductionRun.objects.filter(
        previous_partner=partner, partner__isnull=True, status=RunStatus.AWAITING_REASSIGNMENT,
        decline_reason__in=[r.value for r in PARTNER_DECLINE_REASONS],
    )


def run_with_tasks(run_id: int, partner: Partner) -> ProductionRun:
    """One run with its progress and ``partner``'s tasks in order (for a representation, once access was checked)."""
    return ProductionRun.objects.with_progress().select_related("design").with_materials().prefetch_related(
        tasks_in_sequence(partner)).get(pk=run_id)


# A partner's tasks are those of the run's current sending: a run sent back to the partner it was taken from
# (a second chance) does not list the tasks cancelled when it left, beside their new copies. Tasks cancelled
# with the run itself (after it was sent) stay listed.
THIS_SENDING = Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=F("production_run__sent_at"))


def tasks_for_partner(partner: Partner) -> QuerySet[Task]:
    """The partner's own tasks on the runs it may see (a run handed to another partner takes its tasks out)."""
    return scope_to_partner(Task.objects.filter(sent_q("production_run__")), partner).filter(
        THIS_SENDING, production_run__partner=partner)


def tasks_in_sequence(partner: Partner | None = None) -> Prefetch:
    """Prefetch a run's tasks in the order they are worked; a partner's own of this sending only, when given.

    (A run reassigned to another partner keeps the first partner's cancelled tasks: staff see them, the new
    partner does not.)
    """
    tasks = Task.objects.order_by("sequence", "id")
    return Prefetch("tasks", queryset=scope_to_partner(tasks, partner).filter(THIS_SENDING)
                    if partner is not None else tasks)


def unit_sources(run: ProductionRun) -> list[tuple[str, str]]:
    """Where a later stage's units come from: the previous stage's partners and roles (names only)."""
    if run.stage == 1 or not run.depends_on:
        return []
    return list(ProductionRun.objects.filter(pk__in=run.depends_on, status=RunStatus.COMPLETED, produced_quantity__gt=0)
                .order_by("id").values_list("partner__name", "role"))


def previous_round(run: ProductionRun) -> ProductionRun | None:
    """A redo run's round before, with its review (what the partner is asked to change), when the run's partner
    made that round (the run itself, or a child of a split round); None for other runs. A partner sees the reviews
    of its own samples only: a redo given to another partner does not show it the first one's review."""
    if run.redo_of_id is None or run.partner_id is None:
        return None
    made_it = Q(partner_id=run.partner_id) | Exists(
        ProductionRun.objects.filter(parent_run=OuterRef("pk"), partner_id=run.partner_id))
    return (ProductionRun.objects.only("id", "review_decision", "review_notes", "reviewed_at")
            .filter(made_it, pk=run.redo_of_id).first())


def partner_run_of_next_round(reviewed: ProductionRun, partner_id: int) -> ProductionRun | None:
    """After a redo: the partner's run of the next round (the redo itself, or the redo's first child for that
    partner when the round is split), whether sent yet or not; None when the partner has no part in it. The redo
    is ``redo_of`` the run reviewed: this one, or its parent when the round was reviewed there."""
    redo = ProductionRun.objects.filter(redo_of_id__in={reviewed.pk, reviewed.parent_run_id} - {None}).first()
    if redo is None:
        return None
    if redo.partner_id == partner_id:
        return redo
    return redo.children.filter(partner_id=partner_id).order_by("stage", "id").first()


def sample_rounds(design) -> QuerySet[ProductionRun]:
    """A design's sample runs, oldest first: the rounds of its sampling loop (a split round's parent and children)."""
    return runs_for_staff().filter(design=design, run_type=ProductionRun.RunType.SAMPLE).order_by("created_at", "id")


def run_tasks_for_staff(run: ProductionRun) -> list[Task]:
    """A run's tasks on its admin page: the live ones in their order, then the cancelled ones (a previous partner's
    sending, after a reassignment), so the partner's work is not mixed with what it replaced."""
    cancelled_last = Case(When(status=Task.Status.CANCELLED, then=Value(1)), default=Value(0))
    return list(run.tasks.select_related("template", "partner").order_by(cancelled_last, "sequence", "id"))
