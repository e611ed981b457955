"""Rates: on the assignment, or the design-partner link's by default; shown on the run; changed until accepted."""

from decimal import Decimal

import pytest

from production.models import ActivityVerb, ProductionRun
from tests.money.conftest import allocate, partner_url, send, staff_url

pytestmark = pytest.mark.django_db


def test_an_assignment_rate_wins_over_the_links(staff_api, coat, partner_a, partner_b):
    link = staff_api.post(f"/api/admin/designs/{coat.pk}/partners/",
                          {"partner": partner_b.pk, "role": "stitching", "rate": "4.25"}, format="json")
    assert link.status_code == 201
    assert (link.json()["rate"], link.json()["rate_type"], link.json()["currency"]) == ("4.25", "per_unit", "EUR")
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
    ({"rate": "-1.00"}, "rate"), ({"rate": "1.005"}, "rate"), ({"rate": "abc"}, "rate"), ({"rate": 2.5}, "rate"),
    ({"rate": ""}, "rate"),
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


def test_a_routing_carries_rates_to_the_runs_it_dispatches(staff_api, partner_a, partner_b, steps):
    """Automatic dispatch by a routing: each assignment's rate (a string or a JSON number), else the link's."""
    from designs.services import design_link_partner, design_partner_set_rate
    from production.services import policy_update, run_auto_dispatch
    from tests.gating.helpers import make_design, pending_run

    policy_update(auto_dispatch=True)
    cutting = steps

    design = make_design(routing={"template_category": cutting.pk, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 1, "rate": "12.50", "rate_type": "total"},
        {"partner": partner_b.pk, "role": "stitching", "share": 1},
    ]})
    link, _ = design_link_partner(design=design, partner=partner_b, role="stitching")
    design_partner_set_rate(link=link, rate="0.75")
    run = pending_run(design, 4)
    run_auto_dispatch(run_id=run.pk)
    rates = {child.role: (str(child.rate), child.rate_type) for child in run.children.all()}
    assert rates == {"cutting": ("12.50", "total"), "stitching": ("0.75", "per_unit")}

    numeric = staff_api.patch(f"/api/admin/designs/{design.pk}/", {"routing": {"assignments": [
        {"partner": partner_a.pk, "share": 1, "rate": 3}]}}, format="json")
    assert numeric.status_code == 200, numeric.json()


@pytest.mark.parametrize("assignment, message", [
    ({"rate": "-1"}, "routing.assignments[0].rate must be between 0"),
    ({"rate": "1.005"}, "routing.assignments[0].rate has at most 2 decimal places"),
    ({"rate": "a lot"}, "routing.assignments[0].rate must be a decimal"),
    ({"rate": 2.5}, "not a float"),
    ({"rate": "1", "rate_type": "hourly"}, "routing.assignments[0].rate type must be one of"),
])
def test_a_routing_with_a_bad_rate_is_refused(staff_api, partner_a, coat, assignment, message):
    response = staff_api.patch(f"/api/admin/designs/{coat.pk}/", {"routing": {"assignments": [
        {"partner": partner_a.pk, "share": 1, **assignment}]}}, format="json")
    assert response.status_code == 400 and message in response.json()["routing"][0], response.json()


def test_a_rate_whose_payable_would_not_fit_is_refused_where_it_meets_the_quantity(staff_api, coat, partner_a,
                                                                                   partner_b):
    # 2,000,000 pieces at 5,000.00 come to 10,000,000,000.00: more than a payable holds (9,999,999,999.99). Once
    # the run was made, its completion failed on the payable (a 500, and the run could never complete).
    runs_before = ProductionRun.objects.count()
    refused = staff_api.post(f"/api/admin/designs/{coat.pk}/production-runs/", {
        "quantity": 2_000_000, "assignments": [{"partner": partner_a.pk, "quantity": 2_000_000, "rate": "5000.00"}]},
        format="json")
    assert refused.status_code == 400
    assert "largest amount a payable holds" in str(refused.json())
    assert ProductionRun.objects.count() == runs_before  # nothing written
    # The link's rate counts as well, and a rate changed later.
    staff_api.post(f"/api/admin/designs/{coat.pk}/partners/", {"partner": partner_b.pk, "rate": "5000.00"},
                   format="json")
    by_link = staff_api.post(f"/api/admin/designs/{coat.pk}/production-runs/", {
        "quantity": 2_000_000, "assignments": [{"partner": partner_b.pk, "quantity": 2_000_000}]}, format="json")
    assert by_link.status_code == 400 and ProductionRun.objects.count() == runs_before
    _, (child,) = allocate(staff_api, coat, [{"partner": partner_a.pk, "quantity": 2_000_000, "rate": "4999.99"}],
                           2_000_000)
    assert staff_api.patch(staff_url(child["id"]), {"rate": "5000.00"}, format="json").status_code == 400
    assert ProductionRun.objects.get(pk=child["id"]).rate == Decimal("4999.99")
