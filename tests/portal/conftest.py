"""Logged-in portal clients and a dispatched run of partner A (runs come from tests.factories)."""

from django.test import Client
import pytest

from tests.factories import CategoryFactory, DispatchedRunFactory


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
    return CategoryFactory(steps=2)


@pytest.fixture
def run_a(partner_a, category):
    """Partner A's run, sent with two pending tasks."""
    return DispatchedRunFactory(partner=partner_a, category=category)
