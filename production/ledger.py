"""The unit ledger of a root run: where every ordered unit is, stage by stage (pure: reads, writes nothing).

For every stage ``received == produced + rejected + shortfall + open``:

- ``received``: the run's quantity for stage 1, the previous stage's good
  output once the stage is released, 0 before (the units are still upstream);
- ``produced`` / ``rejected``: what its completed children reported;
- ``shortfall``: units a completed child did not account for, and the units
  of its cancelled children;
- ``open``: the quantity of its released children not yet finished.

So the ordered units are the last stage's good output (``good_output``), every
stage's rejects, shortfall and open units, and the good units of the last
released stage while it is not the final one (``waiting`` for their stage to
finish before they move on). ``unaccounted`` sums what each stage's children
fail to account for of what it received: 0 while the rows agree.
"""

from dataclasses import asdict, dataclass, field
from itertools import groupby

from production.models import ProductionRun, RunStatus


@dataclass
class StageRow:
    stage: int
    planned: int
    received: int = 0
    produced: int = 0
    rejected: int = 0
    shortfall: int = 0
    open: int = 0
    released: bool = False
    roles: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    run: int
    ordered: int
    good_output: int
    waiting: int
    stages: list[StageRow]
    remakes: list[int]
    unaccounted: int

    @property
    def missing(self) -> int:
        """Ordered units not delivered good (yet): what a remake of a finished run makes."""
        return self.ordered - self.good_output

    def as_data(self) -> dict:
        return asdict(self)


def _account(row: StageRow, runs: list[ProductionRun]) -> None:
    """Add each run's units to its stage row (a released stage only)."""
    for run in runs:
        if run.status == RunStatus.COMPLETED:
            row.produced += run.produced_quantity or 0
            row.rejected += run.rejected_quantity or 0
            row.shortfall += run.shortfall_quantity or 0
        elif run.status == RunStatus.CANCELLED:
            row.shortfall += run.quantity
        else:
            row.open += run.quantity


def _stage_rows(root: ProductionRun, children: list[ProductionRun]) -> list[StageRow]:
    if not children:  # the run is its own single stage
        row = StageRow(stage=1, planned=root.quantity, received=root.quantity, released=True)
        _account(row, [root])
        return [row]
    rows = []
    for stage, group in groupby(sorted(children, key=lambda c: (c.stage, c.pk)), key=lambda c: c.stage):
        runs = list(group)
        row = StageRow(stage=stage, planned=sum(c.planned_quantity or c.quantity for c in runs),
                       roles=list(dict.fromkeys(c.role for c in runs if c.role)))
        row.released = stage == 1 or all(c.released_at is not None for c in runs)
        if row.released:
            row.received = root.quantity if stage == 1 else rows[-1].produced
            _account(row, runs)
        rows.append(row)
    return rows


def run_ledger(root: ProductionRun) -> Ledger:
    """The ledger of a root run (its children and its remakes: two queries)."""
    stages = _stage_rows(root, list(root.children.all()))
    released = [row for row in stages if row.released]
    last = released[-1]
    final = last is stages[-1]
    return Ledger(
        run=root.pk, ordered=root.quantity, good_output=last.produced if final else 0,
        waiting=0 if final else last.produced, stages=stages,
        remakes=list(root.remakes.order_by("id").values_list("id", flat=True)),
        # Each released stage's units that its children do not account for (0 while the rows agree).
        unaccounted=sum(row.received - row.produced - row.rejected - row.shortfall - row.open for row in released),
    )
