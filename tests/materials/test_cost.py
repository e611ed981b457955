"""What a run cost: the partner's payables plus the materials used, per good unit; a parent sums its children."""

from decimal import Decimal

import pytest

from tests.materials.conftest import finish, log, staff_url, start

pytestmark = pytest.mark.django_db


def cost(staff_api, run_id: int) -> dict:
    response = staff_api.get(staff_url(run_id, "cost"))
    assert response.status_code == 200, response.json()
    return response.json()


def test_cost_of_each_stage_and_of_the_coat(staff_api, workshops, coats, cutting, materials):
    root, (cut, st1, st2) = coats
    staff_api.post(staff_url(cut["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
    before = cost(staff_api, cut["id"])
    assert before == {"currency": "EUR", "partner_cost": "0.00", "material_cost": "0.00", "total": "0.00",
                      "good_units": 0, "cost_per_good_unit": None, "unpriced_materials": []}

    cutter = workshops["cutter_api"]
    start(cutter, cut["id"])
    log(cutter, cut["id"], materials["wool"], "240")              # 240 m x 12.00 = 2880.00
    log(cutter, cut["id"], materials["wool"], "5.5", "wastage")    # 5.5 m x 12.00 = 66.00
    log(cutter, cut["id"], materials["buttons"], "380")           # 380 x 0.40 = 152.00
    # The catalogue's price changes later: what was logged keeps the price it was logged at.
    staff_api.patch(f"/api/admin/materials/{materials['wool']}/", {"unit_cost": "20.00"}, format="json")
    finish(cutter, cut["id"], produced_quantity=95, rejected_quantity=5, rejection_reason="fabric_flaw")
    cutting_cost = cost(staff_api, cut["id"])
    # 95 good pieces at 1.50 = 142.50; materials 3098.00; 3240.50 / 95 = 34.1105... -> 34.11
    assert cutting_cost == {"currency": "EUR", "partner_cost": "142.50", "material_cost": "3098.00",
                            "total": "3240.50", "good_units": 95, "cost_per_good_unit": "34.11",
                            "unpriced_materials": []}

    for api, run, good in ((workshops["stitcher1_api"], st1, 55), (workshops["stitcher2_api"], st2, 36)):
        start(api, run["id"])
        log(api, run["id"], materials["thread"], "2")     # 2 cones x 3.50 = 7.00
        log(api, run["id"], materials["lining"], "40")    # not priced: counted as 0, and named
        finish(api, run["id"], produced_quantity=good, shortfall_reason="Lost in transit")
    assert cost(staff_api, st1["id"])["unpriced_materials"] == ["Viscose lining"]

    coat = cost(staff_api, root["id"])
    # Partners: 142.50 + 55 x 6.00 + 36 x 6.00 = 688.50; materials: 3098.00 + 7.00 + 7.00 = 3112.00.
    # Good coats: the last stage's good output, 91 (not 95 + 91).
    assert coat["partner_cost"] == "688.50" and coat["material_cost"] == "3112.00" and coat["total"] == "3800.50"
    assert coat["good_units"] == 91
    assert Decimal(coat["cost_per_good_unit"]) == (Decimal("3800.50") / 91).quantize(Decimal("0.01"))


def test_a_voided_payable_does_not_count_and_a_balance_does(staff_api, api_a, coat, partner_a, cutting, materials):
    created = staff_api.post(f"/api/admin/designs/{coat.pk}/production-runs/", {"quantity": 3, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 3, "rate": "0.10"}]}, format="json").json()
    child = created["children"][0]["id"]
    staff_api.post(staff_url(child, "dispatch"), {"template_category": cutting.pk}, format="json")
    start(api_a, child)
    finish(api_a, child, produced_quantity=3)
    assert cost(staff_api, child)["partner_cost"] == "0.30"  # 0.10 x 3, exactly
    payable = staff_api.get(f"/api/admin/payables/?run={child}").json()["results"][0]
    staff_api.post(f"/api/admin/payables/{payable['id']}/approve", {}, format="json")
    staff_api.post(f"/api/admin/payables/{payable['id']}/pay", {"reference": "T-1"}, format="json")
    corrected = staff_api.post(staff_url(child, "correct-output"), {
        "produced_quantity": 2, "rejected_quantity": 1, "rejection_reason": "fabric_flaw", "reason": "Recount"},
        format="json")
    assert corrected.status_code == 200, corrected.json()
    after = cost(staff_api, child)
    assert (after["partner_cost"], after["good_units"], after["cost_per_good_unit"]) == ("0.20", 2, "0.10")
    balance = staff_api.get(f"/api/admin/payables/?run={child}&status=open").json()["results"][0]
    staff_api.post(f"/api/admin/payables/{balance['id']}/void", {"reason": "Settled in cash"}, format="json")
    assert cost(staff_api, child)["partner_cost"] == "0.30"


def test_cost_of_an_unknown_run_is_404_and_partners_cannot_ask(staff_api, api_a):
    assert staff_api.get(staff_url(999_999, "cost")).status_code == 404
    assert api_a.get(staff_url(1, "cost")).status_code == 403
