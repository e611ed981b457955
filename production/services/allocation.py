"""Runs are created and approved here: a root run, and its split into partners' child runs."""

from django.db import transaction
from django.utils import timezone

from config.errors import InvalidInput
from config.numbers import require_whole_number
from designs.models import Design
from designs.services import design_link_partner, design_snapshot
from partners.models import Partner
from production.assignments import Assignment
from production.models import ActivityVerb, ProductionRun, ProductionRunActivity, RunStatus
from production.services._base import activity, apply, lock, record, require


@transaction.atomic
def run_create(*, design: Design, quantity: int, actor=None, run_type: str = ProductionRun.RunType.PRODUCTION,
               metadata: dict | None = None, note: str = "") -> ProductionRun:
    """A root run in ``pending_review`` with a snapshot of its design."""
    require_whole_number(quantity, field="quantity")
    run = ProductionRun.objects.create(
        design=design, quantity=quantity, run_type=run_type, snapshot=design_snapshot(design),
        captured_at=timezone.now(), metadata={"source": "manual", **(metadata or {})},
    )
    record(run, actor=actor, verb=ActivityVerb.CREATED, note=note)
    return run


def _validated_assignments(run: ProductionRun, assignments: list[Assignment]) -> list[tuple[Partner, str, int]]:
    if not assignments:
        raise InvalidInput("Assignments, when given, must not be empty.", field="assignments")
    seen = set()
    for i, a in enumerate(assignments):
        require_whole_number(a.quantity, field="assignments", what=f"Assignment {i + 1}: quantity")
        key = (a.partner_id, a.role or "")
        if key in seen:
            raise InvalidInput(
                f"Assignment {i + 1}: partner {a.partner_id} appears twice in the role {a.role or '(none)'!r}.",
                field="assignments",
            )
        seen.add(key)
    total = sum(a.quantity for a in assignments)
    if total != run.quantity:
        raise InvalidInput(
            f"Assignment quantities add up to {total}, but the run's quantity is {run.quantity}.", field="assignments"
        )
    partners = Partner.objects.in_bulk({a.partner_id for a in assignments})
    missing = sorted({a.partner_id for a in assignments} - set(partners))
    if missing:
        raise InvalidInput(f"Unknown partners: {missing}.", field="assignments")
    inactive = sorted(p.name for p in partners.values() if not p.is_active)
    if inactive:
        raise InvalidInput(f"Inactive partners cannot be assigned: {', '.join(inactive)}.", field="assignments")
    return [(partners[a.partner_id], a.role or "", a.quantity) for a in assignments]


@transaction.atomic
def run_approve(*, run: ProductionRun, actor=None, assignments: list[Assignment] | None = None,
                note: str = "") -> tuple[ProductionRun, list[ProductionRun]]:
    """Approve a run waiting for review, optionally splitting it into child runs.

    With assignments, every assignment becomes an ``approved`` child with that
    partner, role and quantity; the quantities must add up to the run's.
    Without, the run itself must already have a partner.
    """
    run = lock(run.pk)
    require(run, "approve")
    validated = _validated_assignments(run, assignments) if assignments is not None else None
    if validated is None and run.partner_id is None:
        raise InvalidInput("This run has no partner: approve it with assignments.", field="assignments")

    now = timezone.now()
    from_status = run.status
    apply(run, "approve", at=now)
    run.save()
    children = []
    if validated:
        children = ProductionRun.objects.bulk_create(
            ProductionRun(
                status=RunStatus.APPROVED, approved_at=now, parent_run=run, partner=partner, role=role,
                quantity=quantity, design_id=run.design_id, run_type=run.run_type, order_id=run.order_id,
                product_id=run.product_id, variant_id=run.variant_id, snapshot=run.snapshot,
                captured_at=run.captured_at, metadata={**run.metadata, "allocated_from": run.pk},
            )
            for partner, role, quantity in validated
        )
        for partner, role, _ in validated:
            design_link_partner(design=run.design, partner=partner, role=role)
    record(run, actor=actor, verb=ActivityVerb.APPROVED, from_status=from_status, note=note,
           data={"children": [c.pk for c in children]} if children else {})
    ProductionRunActivity.objects.bulk_create(
        activity(c, actor=actor, verb=ActivityVerb.ALLOCATED, note=f"Allocated from run {run.pk}",
                 data={"partner": c.partner_id, "role": c.role, "quantity": c.quantity})
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
