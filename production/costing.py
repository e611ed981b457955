"""What a run cost, and how its materials were used against plan (pure: reads, writes nothing).

- ``run_cost``: the partner cost (its payables that are not void, balances
  included: what the brand owes for it) plus the material cost (each logged use
  at the unit cost it was logged at), and the cost per good unit. A parent sums
  its children; its good units are the ledger's good output (the last stage's).
  A run still in progress shows what it has cost so far.
- ``materials_report``: per completed run and planned material, planned,
  consumed (production and wastage alike), consumed per good unit, and flags:
  ``over_plan`` (more than 110% of plan), ``no_consumption`` (pieces came out but
  nothing was logged), ``consumption_without_output`` (logged, nothing came out).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum

from config.money import currency, money
from config.numbers import MATERIAL_PLACES
from production.ledger import run_ledger
from production.models import Consumption, Payable, ProductionRun, RunMaterial, RunStatus

OVER_PLAN = Decimal("1.10")  # consumed above 110% of plan is flagged
FLAGS = {
    "over_plan": "Over plan",
    "no_consumption": "Nothing logged",
    "consumption_without_output": "Used without output",
}
PER_UNIT = Decimal(1).scaleb(-MATERIAL_PLACES)


@dataclass
class RunCost:
    currency: str
    partner_cost: Decimal
    material_cost: Decimal
    good_units: int
    unpriced_materials: list[str] = field(default_factory=list)
    unrated_runs: list[int] = field(default_factory=list)  # completed with no rate agreed: no payable, cost 0

    @property
    def total(self) -> Decimal:
        return self.partner_cost + self.material_cost

    @property
    def cost_per_good_unit(self) -> Decimal | None:
        return money(self.total / self.good_units) if self.good_units else None

    def as_data(self) -> dict:
        return {"currency": self.currency, "partner_cost": self.partner_cost, "material_cost": self.material_cost,
                "total": self.total, "good_units": self.good_units, "cost_per_good_unit": self.cost_per_good_unit,
                "unpriced_materials": self.unpriced_materials}


def run_cost(run: ProductionRun) -> RunCost:
    """The cost of a run (a parent: of its children), in a fixed handful of queries whatever its size."""
    parent = run.children.exists()
    runs = run.children.all() if parent else ProductionRun.objects.filter(pk=run.pk)
    partner_cost = Payable.objects.due().filter(run__in=runs).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    uses = Consumption.objects.filter(run_material__run__in=runs)
    line_cost = ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=DecimalField())
    material_cost = uses.filter(unit_cost__isnull=False).aggregate(total=Sum(line_cost))["total"] or Decimal(0)
    unpriced = sorted(set(uses.filter(unit_cost__isnull=True).values_list("run_material__material__name", flat=True)))
    if parent:
        good_units = run_ledger(run).good_output
    else:
        good_units = (run.produced_quantity or 0) if run.status == RunStatus.COMPLETED else 0
    unrated = list(runs.filter(rate__isnull=True, status=RunStatus.COMPLETED).order_by("pk").values_list("pk", flat=True))
    return RunCost(currency=currency(), partner_cost=money(partner_cost), material_cost=money(material_cost),
                   good_units=good_units, unpriced_materials=unpriced, unrated_runs=unrated)


@dataclass
class MaterialRow:
    run: ProductionRun
    line: RunMaterial

    @property
    def planned(self) -> Decimal:
        return self.line.planned

    @property
    def consumed(self) -> Decimal:
        return self.line.consumed

    @property
    def output(self) -> int:
        return (self.run.produced_quantity or 0) + (self.run.rejected_quantity or 0)

    @property
    def per_good_unit(self) -> Decimal | None:
        good = self.run.produced_quantity or 0
        return (self.consumed / good).quantize(PER_UNIT, rounding=ROUND_HALF_UP) if good else None

    @property
    def used_share(self) -> int | None:
        return self.line.used_share

    @property
    def flags(self) -> list[str]:
        """The report's flags; a run not completed yet has none (its output is not known)."""
        if self.run.status != RunStatus.COMPLETED:
            return []
        flags = []
        if self.consumed > self.planned * OVER_PLAN:
            flags.append("over_plan")
        if self.output and not self.consumed:
            flags.append("no_consumption")
        if self.consumed and not self.output:
            flags.append("consumption_without_output")
        return flags

    @property
    def flag_labels(self) -> list[str]:
        return [FLAGS[flag] for flag in self.flags]


def report_lines(*, partner=None, design=None, start: date | None = None, end: date | None = None
                 ) -> QuerySet[RunMaterial]:
    """The planned materials of completed runs (filters: partner, design, completion date from/to, inclusive)."""
    lines = (RunMaterial.objects.filter(run__status=RunStatus.COMPLETED)
             .select_related("run", "run__partner", "run__design")
             .order_by("-run__completed_at", "-run_id", "material__name", "id"))
    if partner is not None:
        lines = lines.filter(run__partner=partner)
    if design is not None:
        lines = lines.filter(run__design=design)
    if start is not None:
        lines = lines.filter(run__completed_at__date__gte=start)
    if end is not None:
        lines = lines.filter(run__completed_at__date__lte=end)
    return lines


def materials_report(lines) -> list[MaterialRow]:
    """Rows of the report for ``lines`` (from ``report_lines``, maybe a page of them)."""
    return [MaterialRow(run=line.run, line=line) for line in lines]

