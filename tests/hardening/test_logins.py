"""Lockouts hold whatever the letter case, a long username is a 4xx, and the token endpoint is rate limited."""

from django.test import Client
import pytest

from partners.backends import AuthThrottle
from partners.services import partner_update
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token/"


def _token(client, username, password):
    return client.post(TOKEN, {"username": username, "password": password}, content_type="application/json")


def test_the_lockout_counts_every_letter_case_of_a_username(settings, user_a):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    variants = ["owner@atelier-a.example", "Owner@atelier-a.example", "OWNER@ATELIER-A.EXAMPLE",
                "owner@Atelier-A.example", "oWnEr@atelier-a.example"]
    for variant in variants:
        assert _token(client, variant, "wrong").status_code == 400
    locked = _token(client, "Owner@Atelier-A.Example", PASSWORD)  # the right password, a sixth spelling
    assert locked.status_code == 429
    assert (locked.json()["code"], int(locked["Retry-After"]) > 0) == ("locked", True)
    # The portal refuses it too.
    portal = Client().post("/portal/login/", {"username": "OWNER@atelier-a.example", "password": PASSWORD})
    assert portal.status_code in (403, 429) and "portal/locked_out.html" in [t.name for t in portal.templates]


def test_a_look_alike_letter_is_no_new_username_for_the_lockout(settings, user_a):
    """PostgreSQL's case-insensitive match takes "ſ" (long s) for "s" and "ı" (dotless i) for "i": each such
    spelling reached the account with its own five attempts, in the API and the portal alike."""
    assert user_a.email == "owner@atelier-a.example"
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    for _ in range(5):
        _token(client, user_a.email, "wrong")
    assert _token(client, user_a.email, PASSWORD).status_code == 429
    # A full-width "ｏ" folds to "o" (NFKC, as "ſ" to "s"): the same account, and locked.
    assert _token(client, "ｏwner@atelier-a.example", PASSWORD).status_code == 429
    portal = Client().post("/portal/login/", {"username": "ｏwner@atelier-a.example", "password": PASSWORD})
    assert "portal/locked_out.html" in [t.name for t in portal.templates]
    # "ı" does not fold: another address, so no account (it was a token, unlocked, and a session).
    assert _token(client, "owner@atelıer-a.example", PASSWORD).status_code == 400
    portal = Client().post("/portal/login/", {"username": "owner@atelıer-a.example", "password": PASSWORD})
    assert portal.status_code == 200 and "_auth_user_id" not in portal.client.session


def test_a_successful_token_login_starts_the_count_again(settings, user_a):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        _token(client, user_a.email, "wrong")
    assert _token(client, user_a.email, PASSWORD).status_code == 200
    for _ in range(2):
        _token(client, user_a.email, "wrong")
    assert _token(client, user_a.email, PASSWORD).status_code == 200  # 4 failures, never 3 in a row


def test_a_username_with_a_nul_character_is_refused_not_a_crash():
    """Found by the fuzzer: the lockout check queried PostgreSQL with the NUL, which it refuses (500)."""
    response = Client().post(TOKEN, {"username": "owner\x00@example.com", "password": "whatever"},
                             content_type="application/json")
    assert response.status_code == 400 and "username" in response.json()


def test_a_username_over_255_characters_is_refused_not_a_crash():
    long_name = "x" * 300 + "@example.com"
    assert Client().post(TOKEN, {"username": long_name, "password": "whatever"}).status_code == 400
    page = Client().post("/portal/login/", {"username": long_name, "password": "whatever"})
    assert page.status_code == 200 and page.context["form"].errors  # the login form, with its error


def test_the_token_endpoint_limits_failed_attempts_per_address(monkeypatch, user_a):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "5/min"})
    client = Client()
    answers = [_token(client, f"user{i}@nowhere.example", "x").status_code for i in range(7)]
    assert answers == [400] * 5 + [429] * 2
    assert _token(client, user_a.email, PASSWORD).status_code == 429  # even a right one, until it cools off


def test_the_portal_login_limits_failed_attempts_per_address_too(monkeypatch, user_a):
    """One password tried across many accounts at the portal's page went unlimited (60 of 60 answered): the limit
    was the token endpoint's only. Both count into the same allowance of the address."""
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "5/min"})
    client = Client()
    answers = [client.post("/portal/login/", {"username": f"user{i}@nowhere.example", "password": "x"}).status_code
               for i in range(3)]
    answers += [_token(client, f"user{i}@nowhere.example", "x").status_code for i in range(3, 5)]
    assert answers == [200, 200, 200, 400, 400]
    refused = client.post("/portal/login/", {"username": user_a.email, "password": PASSWORD})  # even a right one
    assert refused.status_code == 429
    assert "Too many wrong emails or passwords were tried from this address. Try again in 1" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not refused, and a right password there is never counted.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert {other.post("/portal/login/", {"username": user_a.email, "password": PASSWORD}).status_code
            for _ in range(7)} == {302}


def test_successful_logins_from_one_address_are_never_limited(monkeypatch, user_a):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "5/min"})
    client = Client()
    assert {_token(client, user_a.email, PASSWORD).status_code for _ in range(8)} == {200}


def test_a_user_of_a_deactivated_partner_gets_no_token(user_a, partner_a):
    partner_update(partner=partner_a, is_active=False)
    response = _token(Client(), user_a.email, PASSWORD)
    assert (response.status_code, response.json()["code"]) == (403, "partner_inactive")
    assert "token" not in response.json()


def test_made_up_forwarded_addresses_get_no_fresh_allowance(monkeypatch):
    """Found by an audit: the limit keyed on the client's own X-Forwarded-For, so each made-up address started
    a new count (35 failures, never a 429), and one with a NUL was a 500 from the cache's database table."""
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "5/min"})
    client = Client()
    answers = [client.post(TOKEN, {"username": f"user{i}@nowhere.example", "password": "x"},
                           content_type="application/json", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
               for i in range(6)]
    assert answers == [400] * 5 + [429]
    nul = client.post(TOKEN, {"username": "x@nowhere.example", "password": "x"}, content_type="application/json",
                      HTTP_X_FORWARDED_FOR="1.2.3.4\x00")
    assert nul.status_code == 429  # the same socket's count, not a crash


def test_behind_the_proxy_each_client_is_the_address_the_proxy_appended(monkeypatch, settings):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def attempt(forwarded):
        return Client().post(TOKEN, {"username": "x@nowhere.example", "password": "x"},
                             content_type="application/json", HTTP_X_FORWARDED_FOR=forwarded).status_code

    # What the client wrote comes first; the proxy appends the address it saw.
    assert [attempt(f"9.9.9.{i}, 203.0.113.7") for i in range(3)] == [400, 400, 429]
    assert attempt("9.9.9.9, 203.0.113.8") == 400  # another client behind the same proxy
    assert attempt("203.0.113.7\x00") == 400  # not an address: the socket's, which has its own count


def test_behind_the_proxy_one_client_cannot_lock_a_partner_out_for_everyone(settings, user_a):
    settings.AXES_FAILURE_LIMIT = 5
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def portal_login(client_address, password):
        return Client().post("/portal/login/", {"username": user_a.email, "password": password},
                             HTTP_X_FORWARDED_FOR=f"9.9.9.9, {client_address}")  # every request from the proxy

    tries = [portal_login("198.51.100.66", "wrong").status_code for _ in range(5)]
    assert tries[:4] == [200] * 4 and tries[4] == 429  # the form again, with its error; then locked
    assert "portal/locked_out.html" in [t.name for t in portal_login("198.51.100.66", PASSWORD).templates]
    welcome = portal_login("203.0.113.20", PASSWORD)  # the partner, at its own address
    assert welcome.status_code == 302 and "portal/locked_out.html" not in [t.name for t in welcome.templates]
