"""A run sent to partner A with two pending tasks, and the URLs of the partner's answers."""

import pytest

from tests.factories import CategoryFactory, DispatchedRunFactory


@pytest.fixture
def category(db):
    return CategoryFactory(name="Cutting", steps=2)


@pytest.fixture
def sent(partner_a, category, staff):
    """Partner A's run of 3, sent with two pending tasks, not answered."""
    return DispatchedRunFactory(partner=partner_a, category=category, actor=staff)


def partner_url(run, action: str = "") -> str:
    return f"/api/partners/production-runs/{run.pk}/{action}"


def staff_url(run, action: str = "") -> str:
    return f"/api/admin/production-runs/{run.pk}/{action}"
