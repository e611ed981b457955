"""CSV exports: the payables for accounting, the materials report and the run list, as the API and admin export them.

Names, roles and references are typed by people: one that starts like a spreadsheet formula (``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading ``'``, so a spreadsheet shows it as text instead of
running it (OWASP's advice on CSV injection). Figures are written by this module and never start so.
"""

import csv
import io

from production import dates
from production.costing import materials_report
from production.models import TERMINAL, Payable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: str) -> str:
    """A cell of text typed by someone: shown as text by a spreadsheet, never run as a formula."""
    return f"'{value}" if value and value.startswith(FORMULA_START) else value


PAYABLE_COLUMNS = ["id", "run", "partner", "partner_name", "design", "role", "kind", "units", "rate", "rate_type",
                   "amount", "currency", "status", "reference", "created_at", "approved_at", "paid_at"]


def _row(p: Payable) -> list:
    def day(value):
        return value.isoformat() if value else ""

    return [p.pk, p.run_id, p.partner_id, text(p.partner.name), text(p.run.design.name), text(p.run.role), p.kind,
            p.units, f"{p.rate:.2f}", p.rate_type, f"{p.amount:.2f}", p.currency, p.status, text(p.reference),
            day(p.created_at), day(p.approved_at), day(p.paid_at)]


def payables_csv(payables) -> str:
    """The payables as CSV text: a header row, then one row per payable (amounts as decimals with two places)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PAYABLE_COLUMNS)
    for payable in payables.select_related("partner", "run__design").order_by("id").iterator(chunk_size=2000):
        writer.writerow(_row(payable))
    return out.getvalue()


MATERIAL_COLUMNS = ["run", "partner", "partner_name", "design", "design_name", "role", "completed_at", "material",
                    "material_name", "unit", "planned", "consumed", "good_units", "per_good_unit", "flags"]


def materials_csv(lines) -> str:
    """The materials report's rows as CSV (quantities as decimals, flags separated by spaces)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MATERIAL_COLUMNS)
    for row in materials_report(lines.iterator(chunk_size=2000)):
        run, material = row.run, row.line.material
        writer.writerow([run.pk, run.partner_id, text(run.partner.name), run.design_id, text(run.design.name),
                         text(run.role), run.completed_at.isoformat(), material.pk, text(material.name),
                         text(material.unit),
                         f"{row.planned:.3f}", f"{row.consumed:.3f}", run.produced_quantity or 0,
                         "" if row.per_good_unit is None else f"{row.per_good_unit:.3f}", " ".join(row.flags)])
    return out.getvalue()


RUN_COLUMNS = ["id", "status", "design", "design_name", "partner", "partner_name", "role", "stage", "quantity",
               "due_date", "is_late", "parent_run", "order", "produced_quantity", "rejected_quantity", "created_at",
               "sent_at", "completed_at"]


class _Echo:
    """A file that hands back what is written: csv.writer then makes one line at a time to stream."""

    def write(self, value):
        return value


def runs_csv_lines(runs):
    """The runs as CSV lines, one at a time (a header first), read from the database in chunks.

    Only the columns go through memory, never model objects: 100,000 runs stream in constant memory.
    """
    writer, today = csv.writer(_Echo()), dates.today()
    yield writer.writerow(RUN_COLUMNS)
    rows = runs.order_by("id").values_list(
        "id", "status", "design_id", "design__name", "partner_id", "partner__name", "role", "stage", "quantity",
        "due_date", "parent_run_id", "order_id", "produced_quantity", "rejected_quantity", "created_at", "sent_at",
        "completed_at")
    for (pk, status, design, design_name, partner, partner_name, role, stage, quantity, due, parent, order, produced,
         rejected, created, sent, completed) in rows.iterator(chunk_size=2000):
        late = dates.late(due, finished=status in TERMINAL, on=today)
        yield writer.writerow([pk, status, design, text(design_name), partner or "", text(partner_name or ""),
                               text(role), stage,
                               quantity, due.isoformat() if due else "", "true" if late else "false", parent or "",
                               order or "", "" if produced is None else produced, "" if rejected is None else rejected,
                               created.isoformat(), sent.isoformat() if sent else "",
                               completed.isoformat() if completed else ""])
