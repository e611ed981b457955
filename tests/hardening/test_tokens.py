"""API tokens end: on logout, on expiry, on a password change or deactivation; the header stays ``Token <key>``."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
import pytest
from rest_framework.test import APIClient
import time_machine

from partners.services import partner_user_remove
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(user) -> str:
    response = Client().post("/api/auth/token/", {"username": user.email, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/partners/me/").status_code


def test_each_login_gets_its_own_token_stored_only_as_a_hash(user_a):
    first, second = _login(user_a), _login(user_a)
    assert first != second and _me(first) == _me(second) == 200
    assert not AuthToken.objects.filter(digest=first).exists()  # the key itself is never stored
    assert AuthToken.objects.filter(user=user_a).count() == 2


def test_logout_revokes_the_token_it_was_called_with(user_a):
    first, second = _login(user_a), _login(user_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert (_me(first), _me(second)) == (401, 200)
    assert APIClient().post("/api/auth/logout/").status_code == 401


def test_a_token_expires_after_thirty_days(user_a):
    token = _login(user_a)
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert _me(token) == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert _me(token) == 401
    assert not AuthToken.objects.filter(user=user_a).exists()  # deleted when it was refused


def test_a_password_change_revokes_every_token(user_a):
    token = _login(user_a)
    user_a.set_password("another-long-passphrase-1")
    user_a.save()
    assert _me(token) == 401


def test_deactivating_or_removing_a_user_revokes_their_tokens(user_a):
    token = _login(user_a)
    user_a.is_active = False
    user_a.save(update_fields=["is_active"])
    assert _me(token) == 401
    assert not AuthToken.objects.filter(user=user_a).exists()


def test_a_partner_user_removed_in_admin_loses_the_api(user_a):
    token = _login(user_a)
    partner_user_remove(membership=user_a.partner_membership)
    assert _me(token) == 401


def test_saving_a_user_for_other_reasons_keeps_their_tokens(user_a):
    token = _login(user_a)
    user_a.first_name = "Ana"
    user_a.save()
    assert _me(token) == 200


@pytest.mark.parametrize("header", ["Token \xff", "Token caf\xe9"])
def test_a_token_that_is_not_utf8_is_a_401_not_a_crash(header):
    """Found by an audit: knox decoded the key unguarded (500)."""
    response = Client().get("/api/admin/production-runs/", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()["detail"]) == (401, "Invalid token.")
