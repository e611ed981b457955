"""A design's routing read in words: per stage, who, in which role, which part of the quantity, at what rate,
with which templates. The design page and a run's captured design show it so; the JSON stays the source (the
API and the design form edit it), and ids are named here, never shown.
"""

from dataclasses import dataclass

from config.errors import InvalidInput
from config.money import RateType, currency
from designs.models import DesignPartner
from designs.routing import parse_routing
from partners.models import Partner
from tasks.models import TaskTemplate, TaskTemplateCategory


@dataclass(frozen=True)
class RoutingLine:
    stage: int
    partner: str
    role: str
    share: str  # the part of the stage's quantity, "25%" (shares are weights within their stage)
    rate: str
    templates: str = ""  # the assignment's own templates; empty: the routing's


@dataclass(frozen=True)
class RoutingInWords:
    lines: list[RoutingLine]
    templates: str
    problem: str = ""


def _rate(assignment, agreed: dict | None) -> str:
    """The routing's rate; without one, the rate agreed with the partner for the design and role (what a run
    takes, ``allocation._create_children``) when the design is known, and says so when none is."""
    if assignment.rate is not None:
        return _money(assignment.rate, assignment.rate_type)
    if agreed is None:  # a routing captured by a run: the link may have changed since
        return "The rate agreed for the design and role"
    link = agreed.get((assignment.partner_id, assignment.role or ""))
    if link is None:
        return "No rate agreed for the design and role: no payable"
    return f"{_money(*link)} (agreed for the design and role)"


def _money(rate, rate_type) -> str:
    return f"{rate} {currency()} · {RateType(rate_type).label.lower()}"


def _templates(routing) -> str:
    if routing.template_category is not None:
        name = TaskTemplateCategory.objects.filter(pk=routing.template_category).values_list("name", flat=True).first()
        return f"Every template of “{name}”" if name else "A template category that no longer exists"
    if routing.template_ids:
        names = dict(TaskTemplate.objects.filter(pk__in=routing.template_ids).values_list("pk", "name"))
        return ", ".join(names.get(pk, "a template that no longer exists") for pk in routing.template_ids)
    return "Chosen by staff at dispatch"


def routing_in_words(raw, design_id: int | None = None) -> RoutingInWords | None:
    """None without a routing; a stored routing that no longer parses says why instead of failing the page.

    With ``design_id`` (a design's own routing), a line without a rate shows the rate agreed on the link."""
    try:
        routing = parse_routing(raw)
    except InvalidInput as exc:
        return RoutingInWords(lines=[], templates="", problem=exc.message)
    if routing is None:
        return None
    names = dict(Partner.objects.filter(pk__in={a.partner_id for a in routing.assignments}).values_list("pk", "name"))
    agreed = None
    if design_id is not None:
        agreed = {(partner, role): (rate, rate_type) for partner, role, rate, rate_type in DesignPartner.objects.filter(
            design_id=design_id, rate__isnull=False).values_list("partner_id", "role", "rate", "rate_type")}
    totals: dict[int, object] = {}
    for assignment in routing.assignments:
        totals[assignment.stage] = totals.get(assignment.stage, 0) + assignment.share
    lines = [
        RoutingLine(stage=a.stage, partner=names.get(a.partner_id, "A partner that no longer exists"),
                    role=a.role or "—", share=f"{float(a.share / totals[a.stage]):.0%}", rate=_rate(a, agreed),
                    templates=_templates(a) if a.has_templates else "")
        for a in sorted(routing.assignments, key=lambda a: a.stage)
    ]
    return RoutingInWords(lines=lines, templates=_templates(routing))
