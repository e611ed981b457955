import os

from django.db import connection
import pytest
from rest_framework.test import APIClient

from tests.factories import AllocatedRunFactory, DesignFactory, MembershipFactory, PartnerFactory, StaffFactory


@pytest.fixture(autouse=True)
def _console_free_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _generous_login_rate(monkeypatch):
    """Tests log in far more often than a person; the rate-limit test sets its own small rate."""
    from partners.backends import AuthThrottle

    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "100000/min"})


@pytest.fixture
def q_sync(settings, monkeypatch):
    """Run django-q2 jobs inline, in the caller's transaction.

    django-q2 reads Q_CLUSTER once, at import (``django_q.conf.Conf``), so
    overriding the setting alone changes nothing: the class attribute is patched too.
    """
    from django_q.conf import Conf

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def partner_a(db):
    return PartnerFactory(name="Atelier A", handle="atelier-a")


@pytest.fixture
def partner_b(db):
    """The outsider: must never see partner A's objects."""
    return PartnerFactory(name="Bottega B", handle="bottega-b")


@pytest.fixture
def user_a(partner_a):
    return MembershipFactory(partner=partner_a, user__username="owner@atelier-a.example",
                             user__email="owner@atelier-a.example").user


@pytest.fixture
def user_b(partner_b):
    return MembershipFactory(partner=partner_b, user__username="owner@bottega-b.example",
                             user__email="owner@bottega-b.example").user


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anon_api():
    return _client()


@pytest.fixture
def staff_api(staff):
    return _client(staff)


@pytest.fixture
def api_a(user_a):
    return _client(user_a)


@pytest.fixture
def api_b(user_b):
    return _client(user_b)


@pytest.fixture
def staff_client(client, staff):
    """Django's test client logged in as staff (admin pages)."""
    client.force_login(staff)
    return client


@pytest.fixture
def allocated(staff, partner_a, partner_b):
    """A run of 5 "Linen shirt" approved into two children, not yet dispatched: A cuts 3, B stitches 2.

    Returns (parent, [child of A, child of B]).
    """
    parent = AllocatedRunFactory(design=DesignFactory(name="Linen shirt", code="LS-1"), actor=staff,
                                 assignments=[(partner_a, "cutting", 3), (partner_b, "stitching", 2)])
    return parent, list(parent.children.order_by("id"))


@pytest.fixture
def require_postgres():
    """Row locks and real concurrency need PostgreSQL. A laptop on SQLite skips; CI never does."""
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests against PostgreSQL (DATABASE_URL)")
        pytest.skip("needs PostgreSQL (row locks and real concurrency); set DATABASE_URL")
