"""The material catalogue and a design's bill of materials: the services that write them.

A bill of materials says how much of each material one piece needs, per role
(``cutting`` uses the fabric, ``stitching`` the thread); a line without a role
goes to the runs of the first stage. Production turns it into each run's plan
when the run is dispatched (``production.services.materials``).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from config.errors import InvalidInput
from config.money import require_money
from config.numbers import MAX_PER_PIECE, require_material_quantity
from config.saving import save_unique
from designs.models import BillOfMaterialsLine, Design, Material, MaterialUnit

MATERIAL_FIELDS = ("name", "unit", "unit_cost")


@dataclass(frozen=True)
class BillLine:
    material_id: int
    quantity_per_piece: Decimal
    role: str = ""


def _save(material: Material) -> Material:
    return save_unique(material, message=f"A material named {material.name!r} already exists.", field="name")


def _checked(changes: dict) -> dict:
    if "unit" in changes and changes["unit"] not in MaterialUnit.values:
        raise InvalidInput(f"Unit must be one of {', '.join(MaterialUnit.values)}.", field="unit")
    if changes.get("unit_cost") is not None:
        changes["unit_cost"] = require_money(changes["unit_cost"], field="unit_cost", what="Unit cost")
    if "name" in changes and not (changes["name"] or "").strip():
        raise InvalidInput("A material needs a name.", field="name")
    return changes


@transaction.atomic
def material_create(*, name: str, unit: str, unit_cost: Decimal | None = None) -> Material:
    changes = _checked({"name": name, "unit": unit, "unit_cost": unit_cost})
    return _save(Material(**changes))


@transaction.atomic
def material_update(*, material: Material, **changes) -> Material:
    """Change a material; runs already logged keep the unit cost they were logged at."""
    unknown = set(changes) - set(MATERIAL_FIELDS)
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))}.")
    for field, value in _checked(changes).items():
        setattr(material, field, value)
    return _save(material)


def bill_line(*, material, quantity_per_piece, role: str = "") -> BillLine:
    """One line of a bill, checked (the material or its id, a quantity above 0 with at most three places)."""
    quantity = require_material_quantity(quantity_per_piece, field="quantity_per_piece", what="Quantity per piece",
                                         maximum=MAX_PER_PIECE)
    material_id = material.pk if isinstance(material, Material) else material
    return BillLine(material_id=material_id, quantity_per_piece=quantity, role=(role or "").strip())


@transaction.atomic
def design_set_bill_of_materials(*, design: Design, lines: list[BillLine]) -> list[BillOfMaterialsLine]:
    """Replace the design's bill of materials with ``lines`` (all or nothing).

    A material may appear once per role; every material must exist. Runs already
    dispatched keep the plan they were given.
    """
    seen = set()
    for line in lines:
        if (line.material_id, line.role) in seen:
            role = f"the role {line.role!r}" if line.role else "the first stage (no role)"
            raise InvalidInput(f"Material {line.material_id} is listed twice for {role}.", field="material")
        seen.add((line.material_id, line.role))
    wanted = {line.material_id for line in lines}
    known = set(Material.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - known:
        raise InvalidInput(f"Unknown materials: {sorted(wanted - known)}.", field="material")
    Design.objects.select_for_update().filter(pk=design.pk).first()  # one replacement at a time
    design.bill_of_materials.all().delete()
    BillOfMaterialsLine.objects.bulk_create(
        BillOfMaterialsLine(design=design, material_id=line.material_id, quantity_per_piece=line.quantity_per_piece,
                            role=line.role) for line in lines
    )
    return bill_of(design)


def bill_of(design: Design) -> list[BillOfMaterialsLine]:
    return list(design.bill_of_materials.select_related("material").order_by("role", "material__name", "id"))
