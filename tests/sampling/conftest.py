"""A design sampled through the API as a client would: a sample run allocated to one workshop, dispatched."""

import pytest

from designs.models import Design
from tests.factories import CategoryFactory, DesignFactory
from tests.stages.conftest import partner_url, staff_url, work_through

__all__ = ["partner_url", "staff_url", "work_through", "review"]


@pytest.fixture
def sampling(db):
    return CategoryFactory(name="Sampling", steps=2)


@pytest.fixture
def jacket(db):
    return DesignFactory(name="Field jacket", code="FJ-1", status=Design.Status.IN_DEVELOPMENT)


@pytest.fixture
def first_round(staff_api, jacket, partner_a, sampling):
    """Round 1 by the contract: a sample run of 2 allocated to A and dispatched with the Sampling templates.

    Returns (parent id, child id).
    """
    created = staff_api.post(f"/api/admin/designs/{jacket.pk}/production-runs/", {
        "quantity": 2, "run_type": "sample", "assignments": [{"partner": partner_a.pk, "role": "sampling",
                                                              "quantity": 2}],
    }, format="json")
    assert created.status_code == 201, created.json()
    parent, (child,) = created.json()["run"], created.json()["children"]
    sent = staff_api.post(staff_url(child["id"], "dispatch"), {"template_category": sampling.pk}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "sent_to_partner", sent.json()
    return parent["id"], child["id"]


def review(staff_api, run_id: int, **body):
    return staff_api.post(staff_url(run_id, "review"), body, format="json")
