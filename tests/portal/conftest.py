"""Arranging dispatched runs for the portal tests, always through the services."""

from django.test import Client
import pytest

from production import services
from production.models import ProductionRun
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory


def make_category(steps: int = 2):
    """A template category with ``steps`` active templates (dispatch makes one task per template)."""
    category = CategoryFactory()
    for i in range(steps):
        TemplateFactory(category=category, name=f"{category.name} step {i + 1}", sequence=i + 1)
    return category


def dispatch_to(partner, *, design=None, quantity: int = 3, role: str = "cutting", category=None) -> ProductionRun:
    """A one-child allocation for ``partner``, dispatched with the category's templates (sent_to_partner)."""
    design = design or DesignFactory()
    category = category or make_category()
    _, (child,) = services.run_create_allocated(
        design=design, quantity=quantity,
        assignments=[services.Assignment(partner_id=partner.pk, role=role, quantity=quantity)],
    )
    return services.dispatch_start(run=child, selection=TemplateSelection(category_id=category.pk))


def logged_in(user) -> Client:
    # force_login: axes' backend refuses authenticate() without a request, and
    # only the login tests need the real form.
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portal_a(user_a):
    return logged_in(user_a)


@pytest.fixture
def portal_b(user_b):
    return logged_in(user_b)


@pytest.fixture
def category(db):
    return make_category()


@pytest.fixture
def run_a(partner_a, category):
    """Partner A's run, sent with two pending tasks."""
    return dispatch_to(partner_a, category=category)
