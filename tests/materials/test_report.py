"""The materials report: per completed run and material, used against plan, flagged; filters; CSV."""

import csv
from datetime import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import DesignFactory
from tests.materials.conftest import finish, log, staff_url, start

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def cut(staff_api, api, design, partner, category, quantity: int = 10) -> int:
    """A cutting run of ``quantity`` coats for ``partner``: allocated, sent and started."""
    created = staff_api.post(f"/api/admin/designs/{design.pk}/production-runs/", {"quantity": quantity, "assignments": [
        {"partner": partner.pk, "role": "cutting", "quantity": quantity}]}, format="json").json()
    run_id = created["children"][0]["id"]
    assert staff_api.post(staff_url(run_id, "dispatch"), {"template_category": category.pk},
                          format="json").status_code == 200
    start(api, run_id)
    return run_id


@pytest.fixture
def runs(staff_api, api_a, api_b, coat, partner_a, partner_b, cutting, materials):
    """Three finished cuttings of 10 coats (plan: 25 m of wool, 40 buttons each), on 2, 10 and 20 November."""
    wool, buttons = materials["wool"], materials["buttons"]
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=UTC), tick=False):
        exact = cut(staff_api, api_a, coat, partner_a, cutting)
        log(api_a, exact, wool, "27.5")  # 110% of plan exactly: not over
        log(api_a, exact, buttons, "40")
        finish(api_a, exact, produced_quantity=10)
    with time_machine.travel(datetime(2026, 11, 10, 10, tzinfo=UTC), tick=False):
        over = cut(staff_api, api_a, coat, partner_a, cutting)
        log(api_a, over, wool, "26")
        log(api_a, over, wool, "1.6", "wastage")  # 27.6 m: above 110%
        finish(api_a, over, produced_quantity=8, rejected_quantity=2, rejection_reason="fabric_flaw")
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=UTC), tick=False):
        lost = cut(staff_api, api_b, coat, partner_b, cutting)
        log(api_b, lost, wool, "5")
        finish(api_b, lost, produced_quantity=0, shortfall_reason="Fire in the cutting room")
    return {"exact": exact, "over": over, "lost": lost}


def rows(staff_api, query: str = "") -> list[dict]:
    response = staff_api.get(f"/api/admin/reports/materials/{query}")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_flags_on_constructed_runs(staff_api, runs):
    got = {(row["run"], row["material_name"]): (row["planned"], row["consumed"], row["per_good_unit"], row["flags"])
           for row in rows(staff_api)}
    assert got == {
        (runs["exact"], "Wool melton"): ("25.000", "27.500", "2.750", []),
        (runs["exact"], "Horn buttons"): ("40.000", "40.000", "4.000", []),
        (runs["over"], "Wool melton"): ("25.000", "27.600", "3.450", ["over_plan"]),  # 27.6 / 8 good coats
        (runs["over"], "Horn buttons"): ("40.000", "0.000", "0.000", ["no_consumption"]),
        (runs["lost"], "Wool melton"): ("25.000", "5.000", None, ["consumption_without_output"]),
        (runs["lost"], "Horn buttons"): ("40.000", "0.000", None, []),  # nothing came out, nothing was used
    }
    # Newest completion first.
    assert [row["run"] for row in rows(staff_api)][::2] == [runs["lost"], runs["over"], runs["exact"]]


def test_filters_by_partner_design_and_completion_day(staff_api, runs, partner_b):
    assert {row["run"] for row in rows(staff_api, f"?partner={partner_b.pk}")} == {runs["lost"]}
    assert {row["run"] for row in rows(staff_api, "?from=2026-11-03&to=2026-11-10")} == {runs["over"]}
    assert {row["run"] for row in rows(staff_api, "?to=2026-11-02")} == {runs["exact"]}
    assert rows(staff_api, f"?design={DesignFactory().pk}") == []
    for bad in ("?from=11/03/2026", "?partner=abc", "?to=", "?colour=red", "?from=2026-11-01&from=2026-11-02"):
        assert staff_api.get(f"/api/admin/reports/materials/{bad}").status_code == 400, bad


def test_csv_parsed_back_matches_the_api(staff_api, runs):
    response = staff_api.get("/api/admin/reports/materials/export.csv?from=2026-11-01")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(response.content.decode())))
    api = rows(staff_api, "?from=2026-11-01")
    assert len(parsed) == len(api) == 6
    for line, row in zip(parsed, api, strict=True):
        assert (int(line["run"]), int(line["material"]), line["planned"], line["consumed"]) == (
            row["run"], row["material"], row["planned"], row["consumed"])
        assert line["per_good_unit"] == (row["per_good_unit"] or "")
        assert line["flags"].split() == row["flags"]
        assert (line["partner_name"], line["design_name"]) == (row["partner_name"], row["design_name"])
