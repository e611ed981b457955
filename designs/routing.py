"""A design's default routing: who produces it, in which shares, with which templates."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from config.errors import InvalidInput
from config.money import RateType, require_rate
from config.numbers import MAX_ID, MAX_STAGE, is_whole_number


class _NamesTemplates:
    template_category: int | None
    template_ids: tuple[int, ...]

    @property
    def has_templates(self) -> bool:
        return self.template_category is not None or bool(self.template_ids)


@dataclass(frozen=True)
class RoutingAssignment(_NamesTemplates):
    partner_id: int
    role: str
    share: Fraction
    stage: int = 1
    rate: Decimal | None = None  # None: the design-partner link's rate for the role, if any
    rate_type: str = RateType.PER_UNIT
    # The templates this assignment's runs go out with; none: the routing's (API.md, Stages).
    template_category: int | None = None
    template_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Routing(_NamesTemplates):
    assignments: tuple[RoutingAssignment, ...]
    template_category: int | None
    template_ids: tuple[int, ...]


ROUTING_KEYS = {"assignments", "template_category", "template_ids"}
ASSIGNMENT_KEYS = {"partner", "role", "share", "stage", "rate", "rate_type", "template_category", "template_ids"}


def _positive_int(value, what: str) -> int:
    if not is_whole_number(value, maximum=MAX_ID):
        raise InvalidInput(f"{what} must be a positive integer id.", field="routing")
    return value


def _rate(item: dict, where: str) -> tuple[Decimal | None, str]:
    """An assignment's agreed rate: a decimal string such as "12.50" (or a whole number, never a float), and its type."""
    rate_type = item.get("rate_type", RateType.PER_UNIT)
    if not isinstance(rate_type, str):
        raise InvalidInput(f"{where}.rate_type must be one of {', '.join(RateType.values)}.", field="routing")
    return require_rate(item.get("rate"), rate_type, field="routing", what=f"{where}.rate")


def _templates(raw: dict, where: str) -> tuple[int | None, tuple[int, ...]]:
    """A template category or template ids (optional, never both), of the routing or of one assignment."""
    category = raw.get("template_category")
    if category is not None:
        category = _positive_int(category, f"{where}.template_category")
    template_ids = raw.get("template_ids") or []
    if not isinstance(template_ids, list):
        raise InvalidInput(f"{where}.template_ids must be a list of ids.", field="routing")
    template_ids = tuple(_positive_int(t, f"{where}.template_ids[]") for t in template_ids)
    if category is not None and template_ids:
        raise InvalidInput(f"{where} names either a template_category or template_ids, not both.", field="routing")
    return category, template_ids


def parse_routing(raw, *, strict: bool = False) -> Routing | None:
    """Validate the JSON shape of a routing; None stays None. Raises InvalidInput.

    ``strict`` (a routing being written: ``designs.services.routing_check``) also refuses unknown keys in an
    assignment. Reading a stored routing ignores them: they were stored as sent before 2026-12-08, and such a
    routing must keep working (gating, the pages) until someone edits it."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput("Routing must be an object or null.", field="routing")
    unknown = set(raw) - ROUTING_KEYS
    if unknown:
        raise InvalidInput(f"Unknown routing keys: {', '.join(sorted(unknown))}.", field="routing")
    items = raw.get("assignments", [])
    if not isinstance(items, list):
        raise InvalidInput("routing.assignments must be a list.", field="routing")
    assignments, seen = [], set()
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "partner" not in item or "share" not in item:
            raise InvalidInput(f"routing.assignments[{i}] needs a partner and a share.", field="routing")
        unknown = set(item) - ASSIGNMENT_KEYS
        if unknown and strict:  # a misspelt key (say "template_id") would otherwise be dropped without a word
            raise InvalidInput(f"Unknown keys in routing.assignments[{i}]: {', '.join(sorted(map(str, unknown)))}.",
                               field="routing")
        partner_id = _positive_int(item["partner"], f"routing.assignments[{i}].partner")
        role = item.get("role") or ""
        if not isinstance(role, str) or len(role) > 100:
            raise InvalidInput(f"routing.assignments[{i}].role must be text.", field="routing")
        share = item["share"]
        # JSON numbers only: a string like "1e-999999999" would make the exact arithmetic below crawl.
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 10**9:
            raise InvalidInput(f"routing.assignments[{i}].share must be a positive number.", field="routing")
        share = Fraction(Decimal(repr(share)) if isinstance(share, float) else share)
        stage = item.get("stage", 1)
        if not is_whole_number(stage, minimum=1, maximum=MAX_STAGE):
            raise InvalidInput(f"routing.assignments[{i}].stage must be a whole number from 1.", field="routing")
        if (stage, partner_id, role) in seen:
            raise InvalidInput(f"routing.assignments[{i}] repeats partner {partner_id} in role {role!r}.", field="routing")
        seen.add((stage, partner_id, role))
        rate, rate_type = _rate(item, f"routing.assignments[{i}]")
        category, template_ids = _templates(item, f"routing.assignments[{i}]")
        assignments.append(RoutingAssignment(partner_id=partner_id, role=role, share=share, stage=stage,
                                             rate=rate, rate_type=rate_type, template_category=category,
                                             template_ids=template_ids))
    stages = sorted({a.stage for a in assignments})
    if stages and stages != list(range(1, len(stages) + 1)):
        raise InvalidInput("routing stages are numbered 1, 2, 3… without gaps.", field="routing")
    category, template_ids = _templates(raw, "routing")
    return Routing(assignments=tuple(assignments), template_category=category, template_ids=template_ids)


def split_by_shares(quantity: int, shares: list[Fraction]) -> list[int]:
    """Split ``quantity`` by ``shares`` with the largest-remainder method.

    Each part gets the floor of its exact quota; the units left over go to the
    largest remainders, ties to the earlier share. The parts add up to quantity.
    7 at 50/50 -> [4, 3].
    """
    total = sum(shares)
    quotas = [Fraction(quantity) * share / total for share in shares]
    parts = [q.numerator // q.denominator for q in quotas]
    left = quantity - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
