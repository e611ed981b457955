"""Nothing a client sends crashes the API: the exact inputs that once answered 500 now answer 4xx and write nothing."""

import hashlib
import hmac
import json

from django.test import Client
import pytest

from designs.models import Design
from orders.models import Order
from production.models import ProductionRun
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db

NESTED = ("[" * 5000 + "]" * 5000).encode()


def _raw(client, path: str, body: bytes, **headers):
    method = "PATCH" if path.endswith("production-policy/") else "POST"
    return client.generic(method, path, body, content_type="application/json", **headers)


@pytest.mark.parametrize("path", ["/api/auth/token/", "/api/admin/designs/", "/api/admin/orders/",
                                  "/api/admin/production-runs/", "/api/admin/production-policy/"])
def test_deeply_nested_json_is_a_400(staff_client, path):
    response = _raw(staff_client, path, NESTED)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "parse_error"
    assert "nests deeper" in response.json()["detail"]


def test_deeply_nested_json_to_the_webhook_is_a_400(client, settings):
    settings.ORDER_WEBHOOK_SECRET = "s3cret"
    signature = hmac.new(b"s3cret", NESTED, hashlib.sha256).hexdigest()
    response = _raw(client, "/api/webhooks/orders/placed", NESTED, HTTP_X_SIGNATURE_SHA256=signature)
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    assert not Order.objects.exists()


@pytest.mark.parametrize("body", [
    b'{"name": "Coat", "specs": {"fabric": "\\ud800"}}',          # a lone surrogate as a value
    b'{"name": "Coat", "specs": {"\\udfff": "wool"}}',             # ... as a key
    b'{"name": "\\ud800"}',                                         # ... in a text field
])
def test_a_lone_surrogate_is_a_400_naming_where_and_never_echoed(staff_client, body):
    response = _raw(staff_client, "/api/admin/designs/", body)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "cannot be encoded" in detail and "$" in detail
    assert "\ud800" not in response.content.decode("utf-8", "replace")
    assert not Design.objects.filter(name="Coat").exists()


def test_a_lone_surrogate_in_a_choice_field_is_a_400(staff_client):
    design = DesignFactory()
    body = json.dumps({"design": design.pk, "quantity": 2, "run_type": "\ud800"}).encode()
    response = _raw(staff_client, "/api/admin/production-runs/", body)
    assert response.status_code == 400 and "$.run_type" in response.json()["detail"]
    assert not ProductionRun.objects.exists()


def test_nan_and_infinity_are_not_json(staff_client):
    response = _raw(staff_client, "/api/admin/production-policy/", b'{"reminders": {"cap": NaN}}')
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")


def test_an_anonymous_nested_body_is_refused_before_anything_else(anon_api):
    assert _raw(Client(), "/api/auth/token/", NESTED).status_code == 400


@pytest.mark.parametrize("limit", ["²", "١٢", "9" * 5000, " 5"])
def test_a_limit_that_is_not_ascii_digits_is_a_400(staff_api, limit):
    """``"²".isdigit()`` is True but ``int("²")`` fails, and 5,000 digits exceed Python's int() limit: both were 500s."""
    response = staff_api.get("/api/admin/production-runs/", {"limit": limit})
    assert response.status_code == 400 and "limit" in response.json()


@pytest.mark.parametrize("design", ["²", "9" * 5000])
def test_an_odd_design_id_on_the_admin_create_page_is_a_404(staff_client, design):
    assert staff_client.get("/admin/production/productionrun/add/", {"design": design}).status_code == 404
