"""Allocation, approval and cancellation through the staff API (docs/api.md: Production runs, Cascades)."""

import pytest

from production.models import ProductionRun, ProductionRunActivity
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def _allocate(staff_api, design, partner_a, partner_b, quantity=5, split=(3, 2)):
    return staff_api.post(
        f"/api/admin/designs/{design.pk}/production-runs/",
        {"quantity": quantity, "assignments": [
            {"partner": partner_a.pk, "role": "cutting", "quantity": split[0]},
            {"partner": partner_b.pk, "role": "stitching", "quantity": split[1]},
        ]},
        format="json",
    )


def test_design_run_split_across_two_partners(staff_api, partner_a, partner_b):
    design = DesignFactory()
    response = _allocate(staff_api, design, partner_a, partner_b)
    assert response.status_code == 201, response.data
    parent, children = response.data["run"], response.data["children"]
    assert parent["status"] == "approved" and parent["quantity"] == 5 and parent["partner"] is None
    assert sorted(parent["children"]) == sorted(c["id"] for c in children)
    assert [(c["partner"], c["role"], c["quantity"], c["status"], c["parent_run"]) for c in children] == [
        (partner_a.pk, "cutting", 3, "approved", parent["id"]),
        (partner_b.pk, "stitching", 2, "approved", parent["id"]),
    ]
    # Approval links the design to each partner, so it shows in their designs.
    assert set(design.partners.values_list("pk", flat=True)) == {partner_a.pk, partner_b.pk}


def test_quantities_that_do_not_add_up_are_refused_and_write_nothing(staff_api, partner_a, partner_b):
    design = DesignFactory()
    response = _allocate(staff_api, design, partner_a, partner_b, split=(3, 3))
    assert response.status_code == 400
    assert "add up to 6" in str(response.data["assignments"])
    assert ProductionRun.objects.count() == 0
    assert ProductionRunActivity.objects.count() == 0


def test_same_partner_same_role_twice_is_refused(staff_api, partner_a):
    design = DesignFactory()
    response = staff_api.post(f"/api/admin/designs/{design.pk}/production-runs/", {"quantity": 4, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 2},
        {"partner": partner_a.pk, "role": "cutting", "quantity": 2},
    ]}, format="json")
    assert response.status_code == 400
    assert ProductionRun.objects.count() == 0


def test_approve_twice_answers_409(staff_api, partner_a, partner_b):
    design = DesignFactory()
    created = staff_api.post("/api/admin/production-runs/", {"design": design.pk, "quantity": 5}, format="json")
    assert created.status_code == 201 and created.data["status"] == "pending_review"
    run_id = created.data["id"]
    body = {"assignments": [{"partner": partner_a.pk, "quantity": 5}]}
    assert staff_api.post(f"/api/admin/production-runs/{run_id}/approve", body, format="json").status_code == 200
    again = staff_api.post(f"/api/admin/production-runs/{run_id}/approve", body, format="json")
    assert again.status_code == 409
    assert again.data["code"] == "invalid_transition"
    assert ProductionRun.objects.filter(parent_run_id=run_id).count() == 1


def test_approve_without_assignments_needs_a_partner(staff_api):
    design = DesignFactory()
    run_id = staff_api.post("/api/admin/production-runs/", {"design": design.pk, "quantity": 5}, format="json").data["id"]
    response = staff_api.post(f"/api/admin/production-runs/{run_id}/approve", {}, format="json")
    assert response.status_code == 400
    assert ProductionRun.objects.get(pk=run_id).status == "pending_review"


def test_cancel_cascades_to_children_and_records_activities(staff_api, partner_a, partner_b):
    design = DesignFactory()
    parent_id = _allocate(staff_api, design, partner_a, partner_b).data["run"]["id"]
    response = staff_api.post(f"/api/admin/production-runs/{parent_id}/cancel", {"reason": "customer cancelled"},
                              format="json")
    assert response.status_code == 200
    assert response.data["status"] == "cancelled"
    assert set(ProductionRun.objects.filter(parent_run_id=parent_id).values_list("status", flat=True)) == {"cancelled"}
    activities = staff_api.get(f"/api/admin/production-runs/{parent_id}/activities/").data["results"]
    assert [(a["verb"], a["from_status"], a["to_status"]) for a in activities] == [
        ("created", "", "pending_review"),
        ("approved", "pending_review", "approved"),
        ("cancelled", "approved", "cancelled"),
    ]
    assert activities[-1]["note"] == "customer cancelled"
    again = staff_api.post(f"/api/admin/production-runs/{parent_id}/cancel", {}, format="json")
    assert again.status_code == 409
