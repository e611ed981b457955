"""Token login and the two kinds of users (docs/api.md: Conventions)."""

from django.contrib.staticfiles import finders
import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_gets_a_token_and_uses_it(anon_api, staff):
    response = anon_api.post("/api/auth/token/", {"username": staff.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert anon_api.get("/api/admin/partners/").status_code == 200


def test_partner_user_logs_in_with_email_in_any_case(anon_api, user_a, partner_a):
    response = anon_api.post("/api/auth/token/", {"username": "Owner@Atelier-A.example", "password": PASSWORD},
                             format="json")
    assert response.status_code == 200
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    me = anon_api.get("/api/partners/me/")
    assert me.status_code == 200
    assert me.data["id"] == partner_a.pk


def test_wrong_password_is_a_400_without_token(anon_api, user_a):
    response = anon_api.post("/api/auth/token/", {"username": user_a.email, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.data


def test_no_credentials_is_401(anon_api):
    assert anon_api.get("/api/admin/partners/").status_code == 401
    assert anon_api.get("/api/partners/me/").status_code == 401


def test_partner_user_on_admin_api_is_403(api_a):
    for path in ("/api/admin/partners/", "/api/admin/designs/", "/api/admin/production-runs/", "/api/admin/tasks/"):
        assert api_a.get(path).status_code == 403, path


def test_staff_user_on_partner_api_is_403(staff_api):
    for path in ("/api/partners/me/", "/api/partners/production-runs/", "/api/partners/tasks/"):
        assert staff_api.get(path).status_code == 403, path


def test_inactive_partner_users_are_locked_out(api_a, partner_a):
    partner_a.is_active = False
    partner_a.save()
    assert api_a.get("/api/partners/me/").status_code == 403


def test_schema_and_docs_are_served(staff_api):
    schema = staff_api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/admin/production-runs/{id}/dispatch/confirm" in schema.content
    docs = staff_api.get("/api/docs/")
    assert docs.status_code == 200
    # Served from our own static files: the docs work on a machine without internet.
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
