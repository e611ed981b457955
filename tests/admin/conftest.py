"""Arrangements for the admin tests: a logged-in staff client and runs made through the services."""

from django.contrib.messages import get_messages
from django.urls import reverse
import pytest

from production import services
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def run_url(run) -> str:
    return reverse("admin:production_productionrun_change", args=[run.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def make_category(name: str = "Cutting", steps: int = 2):
    category = CategoryFactory(name=name)
    for i in range(steps):
        TemplateFactory(category=category, name=f"{name} step {i + 1}", sequence=i + 1)
    return category


@pytest.fixture
def allocated(staff, partner_a, partner_b):
    """A run of 5 approved into two children: A cuts 3, B stitches 2. Returns (parent, [child a, child b])."""
    return services.run_create_allocated(
        design=DesignFactory(name="Linen shirt", code="LS-1"), quantity=5, actor=staff,
        assignments=[services.Assignment(partner_id=partner_a.pk, role="cutting", quantity=3),
                     services.Assignment(partner_id=partner_b.pk, role="stitching", quantity=2)],
    )
