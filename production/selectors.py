"""Every read of production runs: staff lists, the review queue, waiting dispatches, and the partner's scope.

Partner-facing reads all go through ``partners.selectors.scope_to_partner`` and
the model's one visibility rule (``sent_q``: a run once sent), so another
partner's id, or a run not yet sent, is simply not found.
"""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from partners.models import Partner
from partners.selectors import scope_to_partner
from production.models import ActivityVerb, DispatchState, ProductionRun, ProductionRunActivity, sent_q
from tasks.models import Task


def runs_for_staff() -> QuerySet[ProductionRun]:
    return ProductionRun.objects.select_related("design", "partner").prefetch_related(
        Prefetch("children", queryset=ProductionRun.objects.only("id", "parent_run_id").order_by("id"))
    )


def runs_awaiting_templates() -> QuerySet[ProductionRun]:
    """Dispatches paused until staff choose templates, oldest first."""
    return (ProductionRun.objects.filter(dispatch_state=DispatchState.AWAITING_TEMPLATES)
            .select_related("design", "partner", "dispatch_started_by").order_by("dispatch_started_at", "id"))


def with_review_reason(queryset: QuerySet[ProductionRun]) -> QuerySet[ProductionRun]:
    """Annotate ``latest_skip_reason``: why each run was last not dispatched automatically (no query per row)."""
    latest = (ProductionRunActivity.objects.filter(run=OuterRef("pk"), verb=ActivityVerb.AUTO_DISPATCH_SKIPPED)
              .order_by("-id").values("note")[:1])
    return queryset.annotate(latest_skip_reason=Subquery(latest))


def review_reason(run: ProductionRun) -> str:
    """The latest reason a run waiting for review was not dispatched automatically ("" if none)."""
    return with_review_reason(ProductionRun.objects.filter(pk=run.pk)).values_list(
        "latest_skip_reason", flat=True).first() or ""


def runs_for_partner(partner: Partner) -> QuerySet[ProductionRun]:
    """The runs dispatched to ``partner`` (sent, in progress, completed, or cancelled after being sent)."""
    return scope_to_partner(ProductionRun.objects.dispatched(), partner).select_related("design")


def tasks_for_partner(partner: Partner) -> QuerySet[Task]:
    """The tasks of the runs ``partner`` may see."""
    return scope_to_partner(Task.objects.filter(sent_q("production_run__")), partner)


def tasks_in_sequence() -> Prefetch:
    """Prefetch a run's tasks in the order the partner works them."""
    return Prefetch("tasks", queryset=Task.objects.order_by("sequence", "id"))
