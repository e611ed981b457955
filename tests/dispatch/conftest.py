"""Shared arrangement for the dispatch tests: template categories and a dispatch waiting for templates."""

import pytest

from tests.factories import CategoryFactory, TemplateFactory


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
def child_id(allocated):
    """The id of partner A's child run (tests/conftest.py), approved and not yet dispatched."""
    return allocated[1][0].pk


@pytest.fixture
def awaiting(staff_api, child_id):
    """Partner A's child run with a dispatch started and waiting for templates."""
    response = staff_api.post(f"/api/admin/production-runs/{child_id}/dispatch", {}, format="json")
    assert response.status_code == 202, response.data
    return child_id
