"""A run's materials are planned at dispatch from the bill of materials; its partner logs what it used."""

import pytest

from production.models import ActivityVerb, Consumption, ProductionRun
from tests.materials.conftest import finish, log, partner_url, planned, staff_url, start

pytestmark = pytest.mark.django_db


def test_plan_at_dispatch_by_role_and_consumption_while_in_progress(staff_api, workshops, coats, cutting, materials):
    root, (cut, st1, st2) = coats
    cutter = workshops["cutter_api"]
    assert cut["materials"] == []  # nothing planned before the run is sent

    sent = staff_api.post(staff_url(cut["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
    assert sent.status_code == 200, sent.json()
    # Cutting's own line and the line without a role (the first stage's), times 100 pieces.
    assert planned(sent.json()) == {"Horn buttons": ("400.000", "0.000", "pcs"),
                                    "Wool melton": ("250.000", "0.000", "m")}
    assert planned(staff_api.get(staff_url(root["id"])).json()) == {}  # a parent's materials are its children's

    early = log(cutter, cut["id"], materials["wool"], "10")
    assert early.status_code == 409 and "in progress" in early.json()["detail"]
    start(cutter, cut["id"])
    assert log(cutter, cut["id"], materials["wool"], "240.5").status_code == 201
    wasted = log(cutter, cut["id"], materials["wool"], 11.5, "wastage", notes="Flaw in roll 3")
    assert wasted.status_code == 201, wasted.json()
    assert {k: wasted.json()[k] for k in ("material", "material_name", "quantity", "unit", "kind", "notes")} == {
        "material": materials["wool"], "material_name": "Wool melton", "quantity": "11.500", "unit": "m",
        "kind": "wastage", "notes": "Flaw in roll 3"}

    # Refusals write nothing: a material not planned for cutting, bad quantities, another partner's run.
    before = Consumption.objects.count()
    unplanned = log(cutter, cut["id"], materials["thread"], "1")
    assert unplanned.status_code == 400 and unplanned.json() == {"material": ["This material is not planned for the run."]}
    for quantity in ("0", "-1", "1.2345", "abc", True, None):
        assert log(cutter, cut["id"], materials["wool"], quantity).status_code == 400, quantity
    assert log(cutter, cut["id"], materials["wool"], "1", "spilled").status_code == 400
    assert log(workshops["stitcher1_api"], cut["id"], materials["wool"], "1").status_code == 404
    assert workshops["stitcher1_api"].get(partner_url(cut["id"], "consumption")).status_code == 404
    assert Consumption.objects.count() == before

    listed = cutter.get(partner_url(cut["id"], "consumption")).json()
    assert (listed["count"], listed["next"], listed["previous"]) == (2, None, None)
    logged = listed["results"]
    assert [(e["quantity"], e["kind"]) for e in logged] == [("240.500", "production"), ("11.500", "wastage")]
    assert cutter.get(partner_url(cut["id"], "consumption") + "?limit=1&offset=1").json()["results"] == logged[1:]
    assert cutter.get(partner_url(cut["id"], "consumption") + "?limit=0").status_code == 400
    assert planned(cutter.get(partner_url(cut["id"])).json())["Wool melton"] == ("250.000", "252.000", "m")
    entry = ProductionRun.objects.get(pk=cut["id"]).activities.filter(verb=ActivityVerb.MATERIAL_USED).last()
    assert entry.note == "11.5 m of Wool melton (wasted)" and entry.actor == workshops["cutter"].memberships.get().user

    finish(cutter, cut["id"], produced_quantity=95, rejected_quantity=5, rejection_reason="fabric_flaw")
    assert log(cutter, cut["id"], materials["wool"], "1").status_code == 409  # completed: the log is closed

    # Stitching went out on release with the 95 good pieces (57/38): its own lines, not the first stage's buttons.
    assert planned(staff_api.get(staff_url(st1["id"])).json()) == {
        "Polyester thread": ("2.850", "0.000", "cone"), "Viscose lining": ("68.400", "0.000", "m")}
    assert planned(workshops["stitcher2_api"].get(partner_url(st2["id"])).json())["Viscose lining"][0] == "45.600"


def test_a_run_sent_again_keeps_its_plan(staff_api, api_a, coat, partner_a, partner_b, materials, cutting):
    """A declined run reassigned and dispatched again is planned once (the bill changed meanwhile: no matter)."""
    created = staff_api.post(f"/api/admin/designs/{coat.pk}/production-runs/", {"quantity": 10, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 10}]}, format="json").json()
    child = created["children"][0]
    staff_api.post(staff_url(child["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
    assert api_a.post(partner_url(child["id"], "decline"), {"reason": "capacity"}, format="json").status_code == 200
    staff_api.put(f"/api/admin/designs/{coat.pk}/materials/",
                  [{"material": materials["wool"], "quantity_per_piece": "9", "role": "cutting"}], format="json")
    again = staff_api.post(staff_url(child["id"], "reassign"), {"partner": partner_b.pk, "dispatch": True},
                           format="json")
    assert again.status_code == 200, again.json()
    run = staff_api.get(staff_url(child["id"])).json()
    assert run["partner"] == partner_b.pk
    assert planned(run) == {"Horn buttons": ("40.000", "0.000", "pcs"), "Wool melton": ("25.000", "0.000", "m")}
