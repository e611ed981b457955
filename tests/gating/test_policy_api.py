"""GET/PATCH /api/admin/production-policy/ (docs/api.md: the gating policy switch)."""

import pytest
import yaml

from production.models import ProductionPolicy

pytestmark = pytest.mark.django_db

URL = "/api/admin/production-policy/"


def test_policy_is_off_by_default(staff_api):
    response = staff_api.get(URL)
    assert response.status_code == 200
    assert response.data["auto_dispatch"] is False


def test_staff_switches_the_policy_on_and_off(staff_api):
    response = staff_api.patch(URL, {"auto_dispatch": True}, format="json")
    assert response.status_code == 200
    assert response.data["auto_dispatch"] is True
    assert staff_api.get(URL).data["auto_dispatch"] is True
    assert ProductionPolicy.load().auto_dispatch is True

    assert staff_api.patch(URL, {"auto_dispatch": False}, format="json").data["auto_dispatch"] is False
    assert ProductionPolicy.load().auto_dispatch is False


@pytest.mark.parametrize("body", [{}, {"auto_dispatch": "sometimes"}, {"auto_dispatch": None}, {"auto_dispath": True}])
def test_bad_policy_input_is_refused(staff_api, body):
    response = staff_api.patch(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.data) == (set(body) or {"auto_dispatch"})  # the field named, including a misspelt one
    assert ProductionPolicy.load().auto_dispatch is False


def test_the_schema_says_a_patch_names_something(staff_api):
    schema = yaml.safe_load(staff_api.get("/api/schema/").content)
    assert schema["components"]["schemas"]["PatchedPolicyInputRequest"]["minProperties"] == 1


def test_partner_user_cannot_read_or_change_the_policy(api_a):
    assert api_a.get(URL).status_code == 403
    assert api_a.patch(URL, {"auto_dispatch": True}, format="json").status_code == 403
    assert ProductionPolicy.load().auto_dispatch is False


def test_anonymous_gets_401(anon_api):
    assert anon_api.get(URL).status_code == 401
    assert anon_api.patch(URL, {"auto_dispatch": True}, format="json").status_code == 401
