"""Runs are created and approved here: a root run, and its split into partners' child runs."""

from django.db import transaction
from django.utils import timezone

from config.errors import InvalidInput
from config.money import RateType, require_payable, require_rate
from config.numbers import MAX_STAGE, require_whole_number
from designs.models import Design
from designs.services import design_link_partner, design_snapshot
from partners.models import Partner
from production.assignments import Assignment
from production.models import ActivityVerb, ProductionRun, ProductionRunActivity, RunStatus
from production.services._base import activity, apply, lock, record, require
from production.services.payables import rate_of
from tasks.selectors import resolve_templates


@transaction.atomic
def run_create(*, design: Design, quantity: int, actor=None, run_type: str = ProductionRun.RunType.PRODUCTION,
               metadata: dict | None = None, note: str = "", **provenance) -> ProductionRun:
    """A root run in ``pending_review`` with a snapshot of its design.

    ``provenance``: the order, product, variant or run it comes from (``order_id``, ``remake_of``, …).
    """
    require_whole_number(quantity, field="quantity")
    run = ProductionRun.objects.create(
        design=design, quantity=quantity, run_type=run_type, snapshot=design_snapshot(design),
        captured_at=timezone.now(), metadata={"source": "manual", **(metadata or {})}, **provenance,
    )
    record(run, actor=actor, verb=ActivityVerb.CREATED, note=note)
    return run


def _check_stages(run: ProductionRun, assignments: list[Assignment]) -> None:
    """Stages are numbered 1, 2, 3… and each stage's quantities add up to the run's (the same units pass through)."""
    totals: dict[int, int] = {}
    for a in assignments:
        totals[a.stage] = totals.get(a.stage, 0) + a.quantity
    missing = [s for s in range(1, max(totals) + 1) if s not in totals]
    if missing:
        raise InvalidInput(f"Stages are numbered 1, 2, 3… without gaps: stage {missing[0]} has no assignment.",
                           field="assignments")
    for stage, total in sorted(totals.items()):
        if total != run.quantity:
            what = "Assignment quantities" if len(totals) == 1 else f"Stage {stage}'s quantities"
            raise InvalidInput(f"{what} add up to {total}, but the run's quantity is {run.quantity}.",
                               field="assignments")


def _check_templates(assignments: list[Assignment]) -> None:
    for i, a in enumerate(assignments):
        if a.selection is not None:
            try:
                resolve_templates(a.selection)
            except InvalidInput as exc:
                raise InvalidInput(f"Assignment {i + 1}: {exc.message}", field="assignments") from exc


def _validated_assignments(run: ProductionRun, assignments: list[Assignment]) -> dict[int, Partner]:
    if not assignments:
        raise InvalidInput("Assignments, when given, must not be empty.", field="assignments")
    partners = Partner.objects.in_bulk({a.partner_id for a in assignments})
    seen = set()
    for i, a in enumerate(assignments):
        require_whole_number(a.quantity, field="assignments", what=f"Assignment {i + 1}: quantity")
        require_whole_number(a.stage, field="assignments", maximum=MAX_STAGE, what=f"Assignment {i + 1}: stage")
        if a.rate is not None or a.rate_type != RateType.PER_UNIT:
            require_rate(a.rate, a.rate_type, field="assignments", what=f"Assignment {i + 1}: rate")
        key = (a.stage, a.partner_id, a.role or "")
        if key in seen:
            name = partners[a.partner_id].name if a.partner_id in partners else f"partner {a.partner_id}"
            within = f" in stage {a.stage}" if a.stage > 1 else ""
            raise InvalidInput(
                f"Assignment {i + 1}: {name} appears twice in the role {a.role or '(none)'!r}{within}.",
                field="assignments",
            )
        seen.add(key)
    _check_stages(run, assignments)
    missing = sorted({a.partner_id for a in assignments} - set(partners))
    if missing:
        raise InvalidInput(f"Unknown partners: {missing}.", field="assignments")
    inactive = sorted({p.name for p in partners.values() if not p.is_active})
    if inactive:
        raise InvalidInput(f"Inactive partners cannot be assigned: {', '.join(inactive)}.", field="assignments")
    _check_templates(assignments)
    return partners


def _create_children(run: ProductionRun, assignments: list[Assignment], partners: dict[int, Partner],
                     now) -> list[ProductionRun]:
    """One approved child per assignment, in assignment order; stage 1 receives its units now.

    Approval links the design to each partner; a child's rate is its assignment's, else that link's.
    """
    links = [design_link_partner(design=run.design, partner=partners[a.partner_id], role=a.role or "")[0]
             for a in assignments]
    rates = [(a.rate, a.rate_type) if a.rate is not None else rate_of(link)
             for a, link in zip(assignments, links, strict=True)]
    for i, (a, (rate, rate_type)) in enumerate(zip(assignments, rates, strict=True)):
        require_payable(rate, rate_type, a.quantity, field="assignments", what=f"Assignment {i + 1}: rate")
    children = ProductionRun.objects.bulk_create(
        ProductionRun(
            rate=rate, rate_type=rate_type,
            status=RunStatus.APPROVED, approved_at=now, parent_run=run, partner=partners[a.partner_id],
            role=a.role or "", quantity=a.quantity, planned_quantity=a.quantity, stage=a.stage,
            due_date=a.due_date or run.due_date,
            released_at=now if a.stage == 1 else None,
            planned_templates=a.selection.as_data() if a.selection is not None else None,
            design_id=run.design_id, run_type=run.run_type, order_id=run.order_id, product_id=run.product_id,
            variant_id=run.variant_id, snapshot=run.snapshot, captured_at=run.captured_at,
            metadata={**run.metadata, "allocated_from": run.pk},
        )
        for a, (rate, rate_type) in zip(assignments, rates, strict=True)
    )
    later = [c for c in children if c.stage > 1]
    for child in later:
        child.depends_on = [c.pk for c in children if c.stage == child.stage - 1]
    if later:
        ProductionRun.objects.bulk_update(later, ["depends_on"])
    return children


@transaction.atomic
def run_approve(*, run: ProductionRun, actor=None, assignments: list[Assignment] | None = None,
                note: str = "") -> tuple[ProductionRun, list[ProductionRun]]:
    """Approve a run waiting for review, optionally splitting it into child runs.

    With assignments, every assignment becomes an ``approved`` child with that
    partner, role, stage and quantity; each stage's quantities must add up to
    the run's (see ``production.services.stages`` for how later stages follow).
    Without, the run itself must already have a partner.
    """
    return approve_locked(lock(run.pk, "design"), actor=actor, assignments=assignments, note=note)


def approve_locked(run: ProductionRun, *, actor, assignments: list[Assignment] | None,
                   note: str) -> tuple[ProductionRun, list[ProductionRun]]:
    """``run_approve`` on a run the caller holds locked, read with its design (its children link the design to
    their partners): the routing job, which planned the approval under that lock."""
    require(run, "approve")
    partners = _validated_assignments(run, assignments) if assignments is not None else None
    if partners is None and run.partner_id is None:
        raise InvalidInput("This run has no partner: approve it with assignments.", field="assignments")

    now = timezone.now()
    from_status = run.status
    apply(run, "approve", at=now)
    run.save()
    children = []
    if partners is not None:
        children = _create_children(run, assignments, partners, now)
    record(run, actor=actor, verb=ActivityVerb.APPROVED, from_status=from_status, note=note,
           data={"children": [c.pk for c in children]} if children else {})
    ProductionRunActivity.objects.bulk_create(
        activity(c, actor=actor, verb=ActivityVerb.ALLOCATED, note=f"Allocated from run {run.pk}",
                 data={"partner": c.partner_id, "role": c.role, "quantity": c.quantity, "stage": c.stage})
        for c in children
    )
    return run, children


@transaction.atomic
def run_create_allocated(*, design: Design, quantity: int, actor=None, run_type: str = ProductionRun.RunType.PRODUCTION,
                         assignments: list[Assignment] | None = None) -> tuple[ProductionRun, list[ProductionRun]]:
    """Create a run for a design; with assignments, approve it into children at once."""
    run = run_create(design=design, quantity=quantity, actor=actor, run_type=run_type)
    if assignments is None:
        return run, []
    return run_approve(run=run, actor=actor, assignments=assignments)
