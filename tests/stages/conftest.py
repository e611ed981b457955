"""100 coats through a chain: cutting (one partner) then stitching (two partners, 60/40), by the staff API."""

import pytest

from partners.auth import token_create
from tests.factories import CategoryFactory, DesignFactory, MembershipFactory, PartnerFactory


def staff_url(run_id: int, action: str = "") -> str:
    return f"/api/admin/production-runs/{run_id}/{action}"


def partner_url(run_id: int, action: str = "") -> str:
    return f"/api/partners/production-runs/{run_id}/{action}"


@pytest.fixture
def cutting(db):
    return CategoryFactory(name="Cutting", steps=1)


@pytest.fixture
def stitching(db):
    return CategoryFactory(name="Stitching", steps=2)


@pytest.fixture
def workshops(db):
    """The cutter and two stitchers, each with a user and an API client (token)."""
    from rest_framework.test import APIClient

    out = {}
    for key, name in (("cutter", "Cutters Co"), ("stitcher1", "Stitch One"), ("stitcher2", "Stitch Two")):
        partner = PartnerFactory(name=name)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(MembershipFactory(partner=partner).user)[1]}")
        out[key] = partner
        out[f"{key}_api"] = client
    return out


@pytest.fixture
def coats(staff_api, workshops, cutting, stitching):
    """100 coats allocated as cutting (stage 1) then stitching 60/40 (stage 2, templates named): (root, children)."""
    design = DesignFactory(name="Wool coat")
    body = {"quantity": 100, "assignments": [
        {"partner": workshops["cutter"].pk, "role": "cutting", "quantity": 100},
        {"partner": workshops["stitcher1"].pk, "role": "stitching", "quantity": 60, "stage": 2,
         "template_category": stitching.pk},
        {"partner": workshops["stitcher2"].pk, "role": "stitching", "quantity": 40, "stage": 2,
         "template_category": stitching.pk},
    ]}
    response = staff_api.post(f"/api/admin/designs/{design.pk}/production-runs/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["run"], response.json()["children"]


def work_through(api, run_id: int, **complete) -> dict:
    """A partner starts its run, completes every task and then the run with ``complete`` as the body."""
    detail = api.get(partner_url(run_id)).json()
    for task in detail["tasks"]:
        assert api.post(f"/api/partners/tasks/{task['id']}/complete", {}, format="json").status_code == 200
    response = api.post(partner_url(run_id, "complete"), complete, format="json")
    assert response.status_code == 200, response.json()
    return response.json()
