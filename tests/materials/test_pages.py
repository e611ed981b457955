"""Materials on their pages: the design's bill inline, the catalogue, a run's cost and materials, the report with
its bars, flags, filters and CSV, and the partner's Materials card with its form."""

import csv
import io

import pytest

from designs.models import BillOfMaterialsLine, Material
from production.models import Consumption
from tests.materials.conftest import finish, log
from tests.materials.test_report import cut
from tests.portal.conftest import logged_in

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_catalogue_and_bill_of_materials_in_admin(staff_client, coat, materials):
    added = staff_client.post("/admin/designs/material/add/", {"name": "Cupro lining", "unit": "m", "unit_cost": "7.10"})
    assert added.status_code == 302 and str(Material.objects.get(name="Cupro lining").unit_cost) == "7.10"
    taken = staff_client.post("/admin/designs/material/add/", {"name": "cupro LINING", "unit": "m"})
    assert taken.status_code == 200 and Material.objects.filter(name__iexact="cupro lining").count() == 1

    page = staff_client.get(f"/admin/designs/design/{coat.pk}/change/")
    assert b"Bill of materials (per piece" in page.content
    lines = list(BillOfMaterialsLine.objects.filter(design=coat).order_by("id"))
    form = {
        "name": coat.name, "code": coat.code, "status": coat.status, "specs": "{}", "routing": "",
        "partner_links-TOTAL_FORMS": "0", "partner_links-INITIAL_FORMS": "0",
        "bill_of_materials-TOTAL_FORMS": str(len(lines) + 1), "bill_of_materials-INITIAL_FORMS": str(len(lines)),
    }
    for i, line in enumerate(lines):
        form |= {f"bill_of_materials-{i}-id": line.pk, f"bill_of_materials-{i}-design": coat.pk,
                 f"bill_of_materials-{i}-material": line.material_id, f"bill_of_materials-{i}-role": line.role,
                 f"bill_of_materials-{i}-quantity_per_piece": str(line.quantity_per_piece)}
    form["bill_of_materials-0-quantity_per_piece"] = "2.75"  # the wool line: more per coat
    form["bill_of_materials-1-DELETE"] = "on"  # no thread any more
    new = len(lines)
    form |= {f"bill_of_materials-{new}-design": coat.pk, f"bill_of_materials-{new}-role": "finishing",
             f"bill_of_materials-{new}-material": Material.objects.get(name="Cupro lining").pk,
             f"bill_of_materials-{new}-quantity_per_piece": "0.5"}
    saved = staff_client.post(f"/admin/designs/design/{coat.pk}/change/", form)
    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    after = {(line.material.name, str(line.quantity_per_piece), line.role)
             for line in BillOfMaterialsLine.objects.filter(design=coat).select_related("material")}
    assert after == {("Wool melton", "2.750", "cutting"), ("Viscose lining", "1.200", "stitching"),
                     ("Horn buttons", "4.000", ""), ("Cupro lining", "0.500", "finishing")}


def test_run_page_shows_cost_and_materials_against_plan(staff_client, staff_api, api_a, coat, partner_a, cutting,
                                                        materials):
    run_id = cut(staff_api, api_a, coat, partner_a, cutting)
    log(api_a, run_id, materials["wool"], "30")  # 120% of 25 m
    finish(api_a, run_id, produced_quantity=10)
    page = staff_client.get(f"/admin/production/productionrun/{run_id}/change/")
    cost = page.context["cost"]
    assert (str(cost.material_cost), cost.good_units, str(cost.cost_per_good_unit)) == ("360.00", 10, "36.00")
    html = page.content.decode()
    assert 'data-cost="per-piece"><strong>36.00' in html
    assert 'aria-label="120% of plan used"' in html and "Over plan" in html
    parent = staff_client.get(f"/admin/production/productionrun/{coat.production_runs.get(parent_run=None).pk}/change/")
    assert [row.run.pk for row in parent.context["material_rows"]] == [run_id, run_id]  # its child's, with the run


def test_report_page_draws_each_workshop_and_flags_runs(staff_client, staff_api, api_a, api_b, coat, partner_a,
                                                        partner_b, cutting, materials):
    over = cut(staff_api, api_a, coat, partner_a, cutting)
    log(api_a, over, materials["wool"], "30")
    finish(api_a, over, produced_quantity=10)
    quiet = cut(staff_api, api_b, coat, partner_b, cutting)
    finish(api_b, quiet, produced_quantity=10)

    page = staff_client.get("/admin/production/runmaterial/")
    assert page.status_code == 200
    bars = {(row["partner"], row["material"]): (row["share"], row["over"]) for row in page.context["partners"]}
    assert bars[(partner_a.name, "Wool melton")] == (120, True)
    assert bars[(partner_b.name, "Wool melton")] == (0, False)
    flags = {(row.run.pk, row.line.material.name): row.flag_labels for row in page.context["rows"]}
    assert flags[(over, "Wool melton")] == ["Over plan"] and flags[(quiet, "Horn buttons")] == ["Nothing logged"]

    only_b = staff_client.get(f"/admin/production/runmaterial/?partner={partner_b.pk}&design=&from=&to=")
    assert {row.run.pk for row in only_b.context["rows"]} == {quiet}
    exported = staff_client.get(only_b.context["export_url"])
    parsed = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {(int(r["run"]), r["material_name"], r["flags"]) for r in parsed} == {
        (quiet, "Wool melton", "no_consumption"), (quiet, "Horn buttons", "no_consumption")}
    bad = staff_client.get("/admin/production/runmaterial/?from=yesterday")
    assert bad.status_code == 200 and bad.context["form"].errors and not bad.context["rows"]
    home = staff_client.get("/admin/")
    assert b"Materials against plan" in home.content


def test_partner_logs_use_on_the_run_page(staff_api, api_a, user_a, user_b, coat, partner_a, cutting, materials):
    run_id = cut(staff_api, api_a, coat, partner_a, cutting)
    portal = logged_in(user_a)
    page = portal.get(f"/portal/runs/{run_id}/")
    assert b'id="materials"' in page.content and b'id="log-material"' in page.content
    # An entry cannot be taken back: the form says so, and who to tell (it said nothing of it).
    assert "cannot be taken back. Logged a wrong amount? Tell the brand's operations team." in " ".join(
        page.content.decode().split())
    url = f"/portal/runs/{run_id}/materials/"
    done = portal.post(url, {"material": materials["wool"], "quantity": "12.5", "kind": "wastage", "notes": "Roll 2"},
                       follow=True)
    assert _messages(done) == ["Logged 12.5 m of Wool melton (wasted)."]
    assert 'aria-label="50% of plan used"' in done.content.decode()

    refused = portal.post(url, {"material": materials["thread"], "quantity": "1", "kind": "production"})
    assert refused.status_code == 400 and refused.context["consumption_form"].errors["material"]
    blank = portal.post(url, {"material": materials["wool"], "quantity": "", "kind": "production"})
    assert blank.status_code == 400 and "quantity" in blank.context["consumption_form"].errors
    assert logged_in(user_b).post(url, {"material": materials["wool"], "quantity": "1", "kind": "production"}
                                  ).status_code == 404
    assert Consumption.objects.count() == 1

    # One entry above the run's whole plan (25 m here) is asked again before it is logged: most often a typo.
    slip = portal.post(url, {"material": materials["wool"], "quantity": "99999", "kind": "production"})
    assert slip.status_code == 400 and "more than this run's whole plan of Wool melton (25 m)" in (
        slip.context["consumption_form"].errors["quantity"][0])
    assert 'name="confirm_over_plan"' in slip.content.decode()
    assert 'name="confirm_over_plan"' not in page.content.decode()  # not asked before it is needed
    sure = portal.post(url, {"material": materials["wool"], "quantity": "30", "kind": "production",
                             "confirm_over_plan": "on"}, follow=True)
    assert _messages(sure) == ["Logged 30 m of Wool melton (used in production)."]
    assert Consumption.objects.count() == 2

    finish(api_a, run_id, produced_quantity=10)
    closed = portal.get(f"/portal/runs/{run_id}/")
    assert b'id="materials"' in closed.content and b'id="log-material"' not in closed.content
    late = portal.post(url, {"material": materials["wool"], "quantity": "1", "kind": "production"}, follow=True)
    assert "materials are logged while it is in progress" in _messages(late)[0]
