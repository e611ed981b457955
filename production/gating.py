"""The gating policy: which order-born runs may skip review.

Runs from orders wait in ``pending_review`` unless the policy's
``auto_dispatch`` is on and the design is ``commerce_ready`` with a complete
routing. Then a job approves the run into children by the routing's shares
and dispatches each child (confirmed at once when the routing names
templates, else left ``awaiting_templates`` for staff). Every automatic step
is an activity row with no actor (the system); every refusal says why.
"""

import logging

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django_q.tasks import async_task

from config.errors import DomainError
from designs.models import Design
from designs.routing import parse_routing, split_by_shares
from partners.models import Partner
from production.models import ProductionPolicy, ProductionRun, ProductionRunActivity, RunStatus
from tasks.selectors import TemplateSelection, resolve_templates

logger = logging.getLogger(__name__)

SKIPPED = "auto_dispatch_skipped"


class NotRoutable(Exception):
    """Why a run cannot be approved and dispatched automatically."""


def review_note_when_created(*, auto_dispatch: bool) -> str:
    """The note on a new order-born run: why it waits (or that a job will look at it)."""
    if auto_dispatch:
        return "Automatic dispatch is on: checking the design's routing."
    return "Waiting for review: automatic dispatch is off."


def queue_auto_dispatch(run_ids: list[int]) -> None:
    """After commit, one job per run; the job itself checks the policy again when it runs."""
    for run_id in run_ids:
        transaction.on_commit(lambda run_id=run_id: async_task("production.jobs.auto_dispatch_run", run_id))


def routing_plan(run: ProductionRun):
    """(assignments, selection) for a run from its design's routing, or NotRoutable with the reason."""
    from production.services import Assignment

    design: Design = run.design
    if design.status != Design.Status.COMMERCE_READY:
        raise NotRoutable(f"Design {design.name!r} is {design.status}, not commerce_ready.")
    try:
        routing = parse_routing(design.routing)
    except DomainError as exc:
        raise NotRoutable(f"The design's routing is invalid: {exc.message}") from exc
    if routing is None or not routing.assignments:
        raise NotRoutable(f"Design {design.name!r} has no routing assignments.")
    partners = Partner.objects.in_bulk([a.partner_id for a in routing.assignments])
    for a in routing.assignments:
        partner = partners.get(a.partner_id)
        if partner is None:
            raise NotRoutable(f"Routing names partner {a.partner_id}, which does not exist.")
        if not partner.is_active:
            raise NotRoutable(f"Routing names partner {partner.name!r}, which is inactive.")
    parts = split_by_shares(run.quantity, [a.share for a in routing.assignments])
    if 0 in parts:
        raise NotRoutable(
            f"A quantity of {run.quantity} cannot be split across {len(parts)} assignments by their shares "
            f"without a part of 0 ({parts})."
        )
    selection = None
    if routing.has_templates:
        selection = TemplateSelection(category_id=routing.template_category, ids=routing.template_ids)
        try:
            resolve_templates(selection)
        except DomainError as exc:
            raise NotRoutable(f"The routing's templates cannot be used: {exc.message}") from exc
    assignments = [Assignment(partner_id=a.partner_id, role=a.role, quantity=q) for a, q in zip(routing.assignments, parts, strict=True)]
    return assignments, selection


def _record_skip(run: ProductionRun, reason: str) -> None:
    # The same reason twice (a job delivered twice) is written once.
    last = run.activities.order_by("-id").first()
    if last is None or last.verb != SKIPPED or last.note != reason:
        ProductionRunActivity.objects.create(run=run, actor=None, verb=SKIPPED, from_status=run.status,
                                             to_status=run.status, note=reason)


def _lock_pending_root(run_id: int) -> ProductionRun:
    """Lock a root run waiting for review, or raise NotRoutable saying why it is not one."""
    run = ProductionRun.objects.select_for_update(of=("self",)).select_related("design").get(pk=run_id)
    if run.parent_run_id is not None:
        raise NotRoutable("Child runs follow their parent; they are not routed.")
    if run.status != RunStatus.PENDING_REVIEW:
        raise NotRoutable(f"Run {run.pk} is {run.status}, not pending review.")
    return run


def _approve_by_routing(run: ProductionRun, *, actor, note: str) -> ProductionRun:
    """Approve a locked run into children by its design's routing and start dispatching each child.

    All or nothing: a refusal by a service (say a partner deactivated a moment
    ago) rolls the whole approval back and comes out as NotRoutable.
    """
    from production.services import dispatch_start, run_approve

    assignments, selection = routing_plan(run)
    try:
        with transaction.atomic():
            run, children = run_approve(run=run, actor=actor, assignments=assignments, note=note)
            for child in children:
                dispatch_start(run=child, actor=actor, selection=selection)
    except DomainError as exc:
        raise NotRoutable(exc.message) from exc
    return run


@transaction.atomic
def run_auto_dispatch(*, run_id: int) -> ProductionRun | None:
    """The job: approve a run by its design's routing and dispatch its children, or record why not.

    Idempotent and race-safe: the run is locked first and only a root run still
    ``pending_review`` is approved, so a second delivery, or a staff approval
    that took the lock first, turns this into a no-op.
    """
    run = ProductionRun.objects.select_for_update(of=("self",)).select_related("design").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.PENDING_REVIEW or run.parent_run_id is not None:
        return run  # gone, a child, or decided already (by staff, or by an earlier delivery)
    if not ProductionPolicy.load().auto_dispatch:
        _record_skip(run, "Automatic dispatch is off.")
        return run
    try:
        return _approve_by_routing(run, actor=None, note="Approved by the design's routing.")
    except NotRoutable as exc:
        _record_skip(run, str(exc))
        return run


def runs_approve_by_routing(*, runs, actor) -> tuple[list[ProductionRun], dict[int, str]]:
    """Staff's bulk "approve by routing": the job's rule, acted by a person. Returns (done, {run id: reason})."""
    done, refused = [], {}
    for run in runs:
        try:
            with transaction.atomic():
                done.append(_approve_by_routing(_lock_pending_root(run.pk), actor=actor, note="Approved by routing."))
        except NotRoutable as exc:
            refused[run.pk] = str(exc)
    return done, refused


def with_review_reason(queryset):
    """Annotate ``latest_skip_reason``: why each run was last not dispatched automatically (no query per row)."""
    latest = ProductionRunActivity.objects.filter(run=OuterRef("pk"), verb=SKIPPED).order_by("-id").values("note")[:1]
    return queryset.annotate(latest_skip_reason=Subquery(latest))


def review_reason(run: ProductionRun) -> str:
    """The latest reason a run waiting for review was not dispatched automatically."""
    return with_review_reason(ProductionRun.objects.filter(pk=run.pk)).values_list(
        "latest_skip_reason", flat=True).first() or ""
