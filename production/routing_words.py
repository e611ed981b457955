"""A design's routing read in words: per stage, who, in which role, which part of the quantity, at what rate,
with which templates. The design page and a run's captured design show it so; the JSON stays the source (the
API and the design form edit it), and ids are named here, never shown.
"""

from dataclasses import dataclass

from config.errors import InvalidInput
from config.money import RateType, currency
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


@dataclass(frozen=True)
class RoutingInWords:
    lines: list[RoutingLine]
    templates: str
    problem: str = ""


def _rate(assignment) -> str:
    if assignment.rate is None:
        return "The rate agreed for the design and role"
    return f"{assignment.rate} {currency()} · {RateType(assignment.rate_type).label.lower()}"


def _templates(routing) -> str:
    if routing.template_category is not None:
        name = TaskTemplateCategory.objects.filter(pk=routing.template_category).values_list("name", flat=True).first()
        return f"Every template of “{name}”" if name else "A template category that no longer exists"
    if routing.template_ids:
        names = dict(TaskTemplate.objects.filter(pk__in=routing.template_ids).values_list("pk", "name"))
        return ", ".join(names.get(pk, "a template that no longer exists") for pk in routing.template_ids)
    return "Chosen by staff at dispatch"


def routing_in_words(raw) -> RoutingInWords | None:
    """None without a routing; a stored routing that no longer parses says why instead of failing the page."""
    try:
        routing = parse_routing(raw)
    except InvalidInput as exc:
        return RoutingInWords(lines=[], templates="", problem=exc.message)
    if routing is None:
        return None
    names = dict(Partner.objects.filter(pk__in={a.partner_id for a in routing.assignments}).values_list("pk", "name"))
    totals: dict[int, object] = {}
    for assignment in routing.assignments:
        totals[assignment.stage] = totals.get(assignment.stage, 0) + assignment.share
    lines = [
        RoutingLine(stage=a.stage, partner=names.get(a.partner_id, "A partner that no longer exists"),
                    role=a.role or "—", share=f"{float(a.share / totals[a.stage]):.0%}", rate=_rate(a))
        for a in sorted(routing.assignments, key=lambda a: a.stage)
    ]
    return RoutingInWords(lines=lines, templates=_templates(routing))
