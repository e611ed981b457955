"""Portal login: email + password through Django's login form, axes lockout, logout."""

from django.test import Client
import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/portal/login/"


def test_login_with_email_and_password_lands_on_the_hub(user_a):
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert b'name="username"' in page.content and b'name="password"' in page.content
    token = page.cookies["csrftoken"].value

    response = client.post(LOGIN, {"username": "Owner@Atelier-A.example", "password": PASSWORD,
                                   "csrfmiddlewaretoken": token}, follow=True)

    assert response.redirect_chain == [("/portal/", 302)]
    assert response.status_code == 200
    assert response.wsgi_request.user == user_a
    assert b"Atelier A" in response.content


def test_login_without_csrf_token_is_refused(user_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": user_a.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_the_form_again(user_a):
    client = Client()
    response = client.post(LOGIN, {"username": user_a.email, "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account_out(user_a):
    client = Client()
    for _ in range(4):
        assert client.post(LOGIN, {"username": user_a.email, "password": "wrong"}).status_code == 200

    fifth = client.post(LOGIN, {"username": user_a.email, "password": "wrong"})
    assert fifth.status_code == 429
    assert b"Too many failed log-in attempts" in fifth.content

    # Locked: even the right password is refused now.
    right = client.post(LOGIN, {"username": user_a.email, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_user_leaves_another_user_alone(user_a, user_b):
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": user_a.email, "password": "wrong"})
    response = client.post(LOGIN, {"username": user_b.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_logout_is_a_post_that_ends_the_session(user_a):
    client = Client()
    client.force_login(user_a)
    response = client.post("/portal/logout/")
    assert response.status_code == 302 and response["Location"] == "/portal/login/"
    assert client.get("/portal/").status_code == 302


def test_a_wrong_password_says_so_without_claiming_the_email_is_case_sensitive(user_a):
    response = Client().post(LOGIN, {"username": user_a.email.upper(), "password": "not-the-password"})
    page = response.content.decode()
    assert response.status_code == 200 and "Please enter a correct email and password." in page
    assert "case-sensitive" not in page and "operations team sets a new one" in page


def test_the_unread_badge_is_hidden_when_nothing_is_unread(user_a):
    client = Client()
    client.force_login(user_a)
    assert 'id="unread-count"' not in client.get("/portal/").content.decode()
