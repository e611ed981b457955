"""CSV exports: the payables for accounting and the materials report, as the API and admin export them."""

import csv
import io

from production.costing import materials_report
from production.models import Payable

PAYABLE_COLUMNS = ["id", "run", "partner", "partner_name", "design", "role", "kind", "units", "rate", "rate_type",
                   "amount", "currency", "status", "reference", "created_at", "approved_at", "paid_at"]


def _row(p: Payable) -> list:
    def day(value):
        return value.isoformat() if value else ""

    return [p.pk, p.run_id, p.partner_id, p.partner.name, p.run.design.name, p.run.role, p.kind, p.units,
            f"{p.rate:.2f}", p.rate_type, f"{p.amount:.2f}", p.currency, p.status, p.reference, day(p.created_at),
            day(p.approved_at), day(p.paid_at)]


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
        writer.writerow([run.pk, run.partner_id, run.partner.name, run.design_id, run.design.name, run.role,
                         run.completed_at.isoformat(), material.pk, material.name, material.unit,
                         f"{row.planned:.3f}", f"{row.consumed:.3f}", run.produced_quantity or 0,
                         "" if row.per_good_unit is None else f"{row.per_good_unit:.3f}", " ".join(row.flags)])
    return out.getvalue()
