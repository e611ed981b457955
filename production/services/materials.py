"""A run's materials: planned when it is sent, logged by its partner while it is in progress.

- ``materials_plan``: when a run is dispatched (inside the dispatch's lock), each
  line of its design's bill of materials whose role is the run's role, and each
  line without a role when the run is in the first stage, times the run's
  quantity. Planned once: a run sent again (a redispatch) keeps its plan.
- ``consumption_log``: the partner logs a use of a planned material (production
  or wastage) while the run is in progress; 409 in any other state, 400 for a
  material the run was not planned to use. Each entry is on the run's timeline.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from config.errors import InvalidInput, InvalidTransition
from config.numbers import require_material_quantity
from designs.models import BillOfMaterialsLine
from production.models import ActivityVerb, Consumption, ConsumptionKind, ProductionRun, RunMaterial, RunStatus
from production.services._base import lock, record


def materials_plan(run: ProductionRun) -> None:
    """Set the plan of a run being sent (its row is locked by the caller); nothing when it has one."""
    applies = Q(role=run.role) | Q(role="") if run.stage == 1 else Q(role=run.role)
    per_piece: dict[int, Decimal] = defaultdict(Decimal)
    for material_id, quantity in (BillOfMaterialsLine.objects.filter(applies, design_id=run.design_id)
                                  .values_list("material_id", "quantity_per_piece")):
        per_piece[material_id] += quantity
    if not per_piece or RunMaterial.objects.filter(run=run).exists():
        return
    RunMaterial.objects.bulk_create(
        RunMaterial(run=run, material_id=material_id, planned=quantity * run.quantity)
        for material_id, quantity in per_piece.items()
    )


@transaction.atomic
def consumption_log(*, run: ProductionRun, material_id: int, quantity, kind: str = ConsumptionKind.PRODUCTION,
                    notes: str = "", actor=None) -> Consumption:
    """The partner used ``quantity`` of a planned material on a run in progress (production or wastage)."""
    quantity = require_material_quantity(quantity, field="quantity")
    if kind not in ConsumptionKind.values:
        raise InvalidInput(f"Kind must be one of {', '.join(ConsumptionKind.values)}.", field="kind")
    run = lock(run.pk)
    if run.status != RunStatus.IN_PROGRESS:
        raise InvalidTransition(f"Run {run.pk} is {run.get_status_display().lower()}: materials are logged while "
                                "it is in progress.")
    planned = RunMaterial.objects.filter(run=run, material_id=material_id).first()
    if planned is None:
        raise InvalidInput("This material is not planned for the run.", field="material")
    entry = Consumption.objects.create(run_material=planned, kind=kind, quantity=quantity, notes=notes,
                                       unit_cost=planned.material.unit_cost,
                                       logged_by=actor if getattr(actor, "pk", None) else None)
    record(run, actor=actor, verb=ActivityVerb.MATERIAL_USED, from_status=run.status,
           note=f"{quantity.normalize():f} {planned.material.unit} of {planned.material.name} "
                f"({entry.get_kind_display().lower()})",
           data={"material": material_id, "quantity": str(quantity), "kind": kind})
    return entry
