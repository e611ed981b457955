"""Rates: on the assignment, or the design-partner link's by default; shown on the run; changed until accepted."""

import pytest

from production.models import ActivityVerb, ProductionRun
from tests.money.conftest import allocate, partner_url, send, staff_url

pytestmark = pytest.mark.django_db


def test_an_assignment_rate_wins_over_the_links(staff_api, coat, partner_a, partner_b):
    link = staff_api.post(f"/api/admin/designs/{coat.pk}/partners/",
                          {"partner": partner_b.pk, "role": "stitching", "rate": "4.25"}, format="json")
    assert link.status_code == 201 and (link.json()["rate"], link.json()["rate_type"]) == ("4.25", "per_unit")
    _, (cut, stitch) = allocate(staff_api, coat, [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 10, "rate": "30.00", "rate_type": "total"},
        {"partner": partner_b.pk, "role": "stitching", "quantity": 10, "stage": 2},
    ], 10)
    assert (cut["rate"], cut["rate_type"], cut["currency"]) == ("30.00", "total", "EUR")
    assert (stitch["rate"], stitch["rate_type"]) == ("4.25", "per_unit")  # the link's, for its role


def test_no_rate_anywhere_is_null(staff_api, coat, partner_a):
    _, (child,) = allocate(staff_api, coat, [{"partner": partner_a.pk, "quantity": 3}], 3)
    assert child["rate"] is None and child["rate_type"] == "per_unit"


def test_the_rate_changes_until_the_partner_accepts(staff_api, api_a, coat, partner_a, steps, staff):
    parent, (child,) = allocate(staff_api, coat, [{"partner": partner_a.pk, "quantity": 3, "rate": "2.00"}], 3)
    changed = staff_api.patch(staff_url(child["id"]), {"rate": "2.50"}, format="json")
    assert changed.status_code == 200 and changed.json()["rate"] == "2.50"
    entry = ProductionRun.objects.get(pk=child["id"]).activities.get(verb=ActivityVerb.RATE_CHANGED)
    assert entry.data == {"before": {"rate": "2.00", "rate_type": "per_unit"},
                          "after": {"rate": "2.50", "rate_type": "per_unit"}} and entry.actor == staff
    on_parent = staff_api.patch(staff_url(parent["id"]), {"rate": "1.00"}, format="json")
    assert on_parent.status_code == 409
    send(staff_api, child["id"], steps)
    assert staff_api.patch(staff_url(child["id"]), {"rate": "2.75"}, format="json").status_code == 200  # sent
    total = staff_api.patch(staff_url(child["id"]), {"rate_type": "total"}, format="json").json()
    assert (total["rate"], total["rate_type"]) == ("2.75", "total")  # what is not sent stays
    staff_api.patch(staff_url(child["id"]), {"rate_type": "per_unit"}, format="json")
    assert api_a.post(partner_url(child["id"], "accept"), {}, format="json").status_code == 200
    refused = staff_api.patch(staff_url(child["id"]), {"rate": "3.00"}, format="json")
    assert refused.status_code == 409 and "accepted" in refused.json()["detail"]
    assert api_a.get(partner_url(child["id"])).json()["rate"] == "2.75"  # the partner sees what it agreed to


@pytest.mark.parametrize("body, field", [
    ({"rate": "-1.00"}, "rate"), ({"rate": "1.005"}, "rate"), ({"rate": "abc"}, "rate"),
    ({"rate": "1.00", "rate_type": "hourly"}, "rate_type"), ({}, "rate"), ({"rate": "1", "x": 1}, "x"),
    ({"rate": None, "rate_type": "rate"}, "rate_type"),
])
def test_bad_rates_are_400s_that_change_nothing(staff_api, coat, partner_a, body, field):
    _, (child,) = allocate(staff_api, coat, [{"partner": partner_a.pk, "quantity": 3, "rate": "2.00"}], 3)
    answer = staff_api.patch(staff_url(child["id"]), body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert str(ProductionRun.objects.get(pk=child["id"]).rate) == "2.00"
    bad = staff_api.post(f"/api/admin/designs/{coat.pk}/production-runs/", {"quantity": 3, "assignments": [
        {"partner": partner_a.pk, "quantity": 3, **{k: v for k, v in body.items() if k != "x"}}]}, format="json")
    if body.get("rate") not in (None, "1") or "rate_type" in body:
        assert bad.status_code == 400
        assert ProductionRun.objects.count() == 2  # the first allocation's parent and child only
