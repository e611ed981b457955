"""The gating planner: what a design's routing would do with a run, or why it cannot.

Pure: it reads the run's design, its routing, the partners and the templates,
and writes nothing. ``production.services.auto_dispatch`` acts on its plan
(the django-q2 job and staff's "approve by routing"); the admin's Allocate page
starts its rows from ``routing_split``.

Runs from orders wait in ``pending_review`` unless the policy's
``auto_dispatch`` is on and the design is ``commerce_ready`` with a complete
routing: every assigned partner exists and is active, and no share of the
run's quantity comes out as 0.
"""

from dataclasses import dataclass

from config.errors import DomainError
from designs.models import Design
from designs.routing import Routing, RoutingAssignment, parse_routing, split_by_shares
from partners.models import Partner
from production.assignments import Assignment
from production.models import ProductionRun
from tasks.selectors import TemplateSelection, resolve_templates


class NotRoutable(Exception):
    """Why a run cannot be approved and dispatched by its design's routing (the message says it)."""


@dataclass(frozen=True)
class RoutingPlan:
    assignments: list[Assignment]
    selection: TemplateSelection | None  # None: each child waits for staff to choose templates


def review_note_when_created(*, auto_dispatch: bool) -> str:
    """The note on a new order-born run: why it waits (or that a job will look at it)."""
    if auto_dispatch:
        return "Automatic dispatch is on: checking the design's routing."
    return "Waiting for review: automatic dispatch is off."


def _routing(design: Design) -> Routing:
    """The design's routing with assignments, or NotRoutable saying why there is none."""
    try:
        routing = parse_routing(design.routing)
    except DomainError as exc:
        raise NotRoutable(f"The design's routing is invalid: {exc.message}") from exc
    if routing is None or not routing.assignments:
        raise NotRoutable(f"Design {design.name!r} has no routing assignments.")
    return routing


def _selection(named: Routing | RoutingAssignment) -> TemplateSelection | None:
    if not named.has_templates:
        return None
    return TemplateSelection(category_id=named.template_category, ids=named.template_ids)


def _split(routing: Routing, quantity: int) -> list[Assignment]:
    """Each stage's shares split the whole quantity (the same units pass through every stage).

    An assignment that names its own templates carries them, as an allocation's assignment does: its child
    goes out with them (at once when the job or staff dispatch it, or when its stage is released). The others
    of later stages carry the routing's templates, to go out on their own when released; the others of stage 1
    are dispatched by the job with the plan's selection (or by staff), exactly as before stages.
    """
    parts: dict[RoutingAssignment, int] = {}
    for stage in sorted({a.stage for a in routing.assignments}):
        in_stage = [a for a in routing.assignments if a.stage == stage]
        parts.update(zip(in_stage, split_by_shares(quantity, [a.share for a in in_stage]), strict=True))
    selection = _selection(routing)
    return [Assignment(partner_id=a.partner_id, role=a.role, quantity=parts[a], stage=a.stage,
                       selection=_selection(a) or (selection if a.stage > 1 else None), rate=a.rate,
                       rate_type=a.rate_type)
            for a in routing.assignments]


def routing_split(run: ProductionRun) -> list[Assignment]:
    """The design's routing assignments with the run's quantity split by their shares (largest remainder),
    stage by stage; later stages carry the routing's templates, so they go out on their own when released.

    Raises NotRoutable when the design has no valid routing with assignments.
    """
    return _split(_routing(run.design), run.quantity)


def plan(run: ProductionRun) -> RoutingPlan:
    """How the routing would approve and dispatch ``run``; NotRoutable with the reason when it would not."""
    design: Design = run.design
    if design.status != Design.Status.COMMERCE_READY:
        raise NotRoutable(f"Design {design.name!r} is {design.get_status_display().lower()}, not ready for commerce.")
    routing = _routing(design)
    assignments = _split(routing, run.quantity)
    partners = Partner.objects.in_bulk([a.partner_id for a in assignments])
    for a in assignments:
        partner = partners.get(a.partner_id)
        if partner is None:
            raise NotRoutable(f"Routing names partner {a.partner_id}, which does not exist.")
        if not partner.is_active:
            raise NotRoutable(f"Routing names partner {partner.name!r}, which is inactive.")
    parts = [a.quantity for a in assignments]
    if 0 in parts:
        raise NotRoutable(
            f"A quantity of {run.quantity} cannot be split across {len(parts)} assignments by their shares "
            f"without a part of 0 ({parts})."
        )
    selection = _selection(routing)
    if selection is not None:  # an assignment's own templates are checked by the approval (``approve_locked``)
        try:
            resolve_templates(selection)
        except DomainError as exc:
            raise NotRoutable(f"The routing's templates cannot be used: {exc.message}") from exc
    return RoutingPlan(assignments=assignments, selection=selection)
