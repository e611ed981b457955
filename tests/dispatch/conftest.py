"""Shared arrangement for the dispatch tests: an allocated run and some task templates."""

import pytest

from tests.factories import CategoryFactory, DesignFactory, TemplateFactory


@pytest.fixture
def cutting():
    """A category whose templates were created out of sequence order (tasks must follow ``sequence``)."""
    category = CategoryFactory(name="Cutting")
    TemplateFactory(category=category, name="Mark", sequence=20)
    TemplateFactory(category=category, name="Lay fabric", sequence=10)
    TemplateFactory(category=category, name="Cut", sequence=30)
    return category


@pytest.fixture
def finishing():
    category = CategoryFactory(name="Finishing")
    TemplateFactory(category=category, name="Trim threads", sequence=1)
    TemplateFactory(category=category, name="Press", sequence=2)
    return category


@pytest.fixture
def allocated(staff_api, partner_a, partner_b):
    """A design run of 5 split into two approved children (A cuts 3, B stitches 2).

    Returns the ids (parent, [child of A, child of B]).
    """
    design = DesignFactory()
    response = staff_api.post(
        f"/api/admin/designs/{design.pk}/production-runs/",
        {"quantity": 5, "assignments": [
            {"partner": partner_a.pk, "role": "cutting", "quantity": 3},
            {"partner": partner_b.pk, "role": "stitching", "quantity": 2},
        ]},
        format="json",
    )
    assert response.status_code == 201, response.data
    return response.data["run"]["id"], [child["id"] for child in response.data["children"]]


@pytest.fixture
def child_id(allocated):
    """Partner A's child run, approved and not yet dispatched."""
    return allocated[1][0]


@pytest.fixture
def awaiting(staff_api, child_id):
    """Partner A's child run with a dispatch started and waiting for templates."""
    response = staff_api.post(f"/api/admin/production-runs/{child_id}/dispatch", {}, format="json")
    assert response.status_code == 202, response.data
    return child_id
