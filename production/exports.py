"""CSV for accounting: the payables as the API and admin export them (one column list, one writer)."""

import csv
import io

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
