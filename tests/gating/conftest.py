"""Fixtures for the gating tests."""

import pytest

from production.services import policy_update
from tests.factories import CategoryFactory, TemplateFactory


@pytest.fixture
def policy_on(db):
    return policy_update(auto_dispatch=True)


@pytest.fixture
def cutting(db):
    category = CategoryFactory(name="Cutting")
    TemplateFactory(category=category, name="Lay fabric", sequence=1)
    TemplateFactory(category=category, name="Cut", sequence=2)
    return category
