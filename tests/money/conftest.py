"""A design made by two workshops at agreed rates, allocated and sent through the API as a client would."""

import pytest

from tests.factories import CategoryFactory, DesignFactory
from tests.stages.conftest import partner_url, staff_url, work_through

__all__ = ["partner_url", "staff_url", "work_through", "allocate"]


@pytest.fixture
def steps(db):
    return CategoryFactory(name="Making", steps=1)


@pytest.fixture
def coat(db):
    return DesignFactory(name="Wool coat", code="WC-1")


def allocate(staff_api, design, assignments, quantity: int) -> tuple[dict, list[dict]]:
    response = staff_api.post(f"/api/admin/designs/{design.pk}/production-runs/",
                              {"quantity": quantity, "assignments": assignments}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["run"], response.json()["children"]


def send(staff_api, run_id: int, category) -> dict:
    response = staff_api.post(staff_url(run_id, "dispatch"), {"template_category": category.pk}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()
