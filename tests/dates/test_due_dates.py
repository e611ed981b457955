"""Due dates: from the order, the assignment, the parent or the partner's lead time; late, filtered, changed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from production.models import ActivityVerb, ProductionRun
from production.services import runs_create_for_order
from tests.factories import CategoryFactory, DesignFactory, ProductFactory

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def staff_url(run_id: int, action: str = "") -> str:
    return f"/api/admin/production-runs/{run_id}/{action}"


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def test_an_order_promises_a_date_its_runs_and_their_children_inherit(staff_api, partner_a, partner_b):
    product = ProductFactory(design=DesignFactory())
    created = staff_api.post("/api/admin/orders/", {"customer_email": "ann@example.com", "promised_date": "2026-12-20",
                                                    "items": [{"product": product.pk, "quantity": 10}]}, format="json")
    assert created.status_code == 201 and created.json()["promised_date"] == "2026-12-20"
    staff_api.post(f"/api/admin/orders/{created.json()['id']}/place", format="json")
    (root,) = runs_create_for_order(order_id=created.json()["id"]) or ProductionRun.objects.filter(parent_run=None)
    assert staff_api.get(staff_url(root.pk)).json()["due_date"] == "2026-12-20"
    approved = staff_api.post(staff_url(root.pk, "approve"), {"assignments": [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 10, "due_date": "2026-12-10"},
        {"partner": partner_b.pk, "role": "stitching", "quantity": 10, "stage": 2}]}, format="json")
    assert approved.status_code == 200, approved.json()
    dues = dict(ProductionRun.objects.filter(parent_run=root).values_list("role", "due_date"))
    assert dues == {"cutting": date(2026, 12, 10), "stitching": date(2026, 12, 20)}  # its own, else the parent's


def test_a_run_sent_without_a_date_is_due_after_the_partners_lead_time(staff_api, partner_a):
    assert staff_api.patch(f"/api/admin/partners/{partner_a.pk}/", {"lead_time_days": 5},
                           format="json").json()["lead_time_days"] == 5
    for bad in (-1, 366, "5", 2.5):
        assert staff_api.patch(f"/api/admin/partners/{partner_a.pk}/", {"lead_time_days": bad},
                               format="json").status_code == 400, bad
    child = staff_api.post(f"/api/admin/designs/{DesignFactory().pk}/production-runs/", {"quantity": 3, "assignments": [
        {"partner": partner_a.pk, "quantity": 3}]}, format="json").json()["children"][0]
    assert child["due_date"] is None and child["is_late"] is False
    with at(date(2026, 11, 27)):
        sent = staff_api.post(staff_url(child["id"], "dispatch"), {"template_category": CategoryFactory(steps=1).pk},
                              format="json").json()
    assert sent["due_date"] == "2026-12-02"
    with at(date(2026, 12, 2)):
        assert staff_api.get(staff_url(child["id"])).json()["is_late"] is False  # due today: not late yet
    with at(date(2026, 12, 3)):
        late = staff_api.get(staff_url(child["id"])).json()
        assert (late["is_late"], late["completed_late"]) == (True, None)
        assert [r["id"] for r in staff_api.get("/api/admin/production-runs/?late=true").json()["results"]] == [
            child["id"]]
        assert child["id"] not in [r["id"] for r in
                                   staff_api.get("/api/admin/production-runs/?late=false").json()["results"]]


def test_finishing_late_is_remembered_and_the_date_becomes_history(staff_api, api_a, partner_a, staff):
    child = staff_api.post(f"/api/admin/designs/{DesignFactory().pk}/production-runs/", {"quantity": 2, "assignments": [
        {"partner": partner_a.pk, "quantity": 2, "due_date": "2026-12-01"}]}, format="json").json()["children"][0]
    staff_api.post(staff_url(child["id"], "dispatch"), {"template_category": CategoryFactory(steps=1).pk},
                   format="json")
    moved = staff_api.patch(staff_url(child["id"]), {"due_date": "2026-12-04"}, format="json")
    assert moved.status_code == 200 and moved.json()["due_date"] == "2026-12-04"
    entry = ProductionRun.objects.get(pk=child["id"]).activities.get(verb=ActivityVerb.DUE_DATE_CHANGED)
    assert entry.data == {"before": "2026-12-01", "after": "2026-12-04"} and entry.actor == staff
    assert staff_api.patch(staff_url(child["id"]), {"due_date": "4 Dec"}, format="json").status_code == 400
    with at(date(2026, 12, 5)):
        assert api_a.get(f"/api/partners/production-runs/{child['id']}/").json()["is_late"] is True
        task = api_a.get(f"/api/partners/production-runs/{child['id']}/").json()["tasks"][0]
        api_a.post(f"/api/partners/tasks/{task['id']}/complete", {}, format="json")
        api_a.post(f"/api/partners/production-runs/{child['id']}/complete", {}, format="json")
        done = staff_api.get(staff_url(child["id"])).json()
    assert (done["status"], done["is_late"], done["completed_late"]) == ("completed", False, True)
    refused = staff_api.patch(staff_url(child["id"]), {"due_date": "2026-12-31"}, format="json")
    assert refused.status_code == 409 and "history" in refused.json()["detail"]
    assert staff_api.patch(staff_url(child["id"]), {}, format="json").json() == {
        "rate": ["Give rate, rate_type or due_date."]}


def test_list_filters_by_due_days_and_stage(staff_api, partner_a, partner_b):
    created = staff_api.post(f"/api/admin/designs/{DesignFactory().pk}/production-runs/", {"quantity": 4, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 4, "due_date": "2026-12-01"},
        {"partner": partner_b.pk, "role": "stitching", "quantity": 4, "stage": 2, "due_date": "2026-12-08"}]},
        format="json").json()
    cut, stitch = (c["id"] for c in created["children"])

    def ids(query):
        response = staff_api.get(f"/api/admin/production-runs/?root=false&{query}")
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids("due_before=2026-12-01") == {cut}
    assert ids("due_after=2026-12-02") == {stitch}
    assert ids("due_after=2026-12-01&due_before=2026-12-08") == {cut, stitch}
    assert ids("stage=2") == {stitch}
    for bad in ("late=yes", "due_before=tomorrow", "stage=0", "late="):
        assert staff_api.get(f"/api/admin/production-runs/?{bad}").status_code == 400, bad
