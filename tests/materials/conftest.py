"""Coats with a bill of materials, cut by one workshop and stitched by two, at agreed rates, through the API."""

import pytest

from tests.factories import DesignFactory
from tests.stages.conftest import cutting, partner_url, staff_url, stitching, work_through, workshops

__all__ = ["cutting", "stitching", "workshops", "partner_url", "staff_url", "work_through"]


def add_material(staff_api, name: str, unit: str, unit_cost=None) -> int:
    body = {"name": name, "unit": unit} | ({"unit_cost": unit_cost} if unit_cost is not None else {})
    response = staff_api.post("/api/admin/materials/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


@pytest.fixture
def materials(staff_api):
    return {
        "wool": add_material(staff_api, "Wool melton", "m", "12.00"),
        "thread": add_material(staff_api, "Polyester thread", "cone", "3.50"),
        "buttons": add_material(staff_api, "Horn buttons", "pcs", "0.40"),
        "lining": add_material(staff_api, "Viscose lining", "m"),  # not priced
    }


@pytest.fixture
def coat(staff_api, materials):
    """A wool coat: 2.5 m of wool to cut; 0.05 cone of thread and 1.2 m of lining to stitch; 4 buttons (no role)."""
    design = DesignFactory(name="Wool coat", code="WC-9")
    bill = [
        {"material": materials["wool"], "quantity_per_piece": "2.5", "role": "cutting"},
        {"material": materials["thread"], "quantity_per_piece": 0.05, "role": "stitching"},
        {"material": materials["lining"], "quantity_per_piece": "1.2", "role": "stitching"},
        {"material": materials["buttons"], "quantity_per_piece": 4},
    ]
    response = staff_api.put(f"/api/admin/designs/{design.pk}/materials/", bill, format="json")
    assert response.status_code == 200, response.json()
    return design


@pytest.fixture
def coats(staff_api, workshops, coat, stitching):
    """100 coats: cutting at 1.50 a piece, then stitching 60/40 at 6.00 a piece (sent on release): (root, children)."""
    body = {"quantity": 100, "assignments": [
        {"partner": workshops["cutter"].pk, "role": "cutting", "quantity": 100, "rate": "1.50"},
        {"partner": workshops["stitcher1"].pk, "role": "stitching", "quantity": 60, "stage": 2,
         "template_category": stitching.pk, "rate": "6.00"},
        {"partner": workshops["stitcher2"].pk, "role": "stitching", "quantity": 40, "stage": 2,
         "template_category": stitching.pk, "rate": "6.00"},
    ]}
    response = staff_api.post(f"/api/admin/designs/{coat.pk}/production-runs/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["run"], response.json()["children"]


def start(api, run_id: int) -> None:
    response = api.post(partner_url(run_id, "start"), {}, format="json")
    assert response.status_code == 200, response.json()


def log(api, run_id: int, material: int, quantity, kind: str = "production", **extra):
    return api.post(partner_url(run_id, "consumption"),
                    {"material": material, "quantity": quantity, "kind": kind, **extra}, format="json")


def finish(api, run_id: int, **complete) -> dict:
    """Complete the tasks and the run (already started)."""
    return work_through(api, run_id, **complete)


def planned(run: dict) -> dict:
    return {m["material_name"]: (m["planned"], m["consumed"], m["unit"]) for m in run["materials"]}
