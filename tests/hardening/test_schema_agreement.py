"""One rule for unknown keys, stated in the schema; the schema says 'exactly one of' where the server does."""

import hashlib
import hmac
import json

from django.test import Client
import pytest
import yaml

from tests.factories import DesignFactory, PartnerFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(staff_client):
    return yaml.safe_load(staff_client.get("/api/schema/").content)


def _bodies(design, partner, product):
    return [
        ("post", "/api/admin/partners/", {"name": "X", "email": "x@x.example",
                                          "owner": {"email": "o@x.example", "password": "long-passphrase-42"}}),
        ("post", "/api/admin/designs/", {"name": "Coat"}),
        ("patch", f"/api/admin/designs/{design.pk}/", {"name": "Coat"}),
        ("post", f"/api/admin/designs/{design.pk}/partners/", {"partner": partner.pk}),
        ("post", "/api/admin/products/", {"title": "Coat", "variants": []}),
        ("post", "/api/admin/orders/", {"customer_email": "c@x.example", "items": [{"product": product.pk,
                                                                                    "quantity": 1}]}),
        ("post", "/api/admin/task-template-categories/", {"name": "Cutting"}),
        ("post", "/api/admin/task-templates/", {"name": "Cut", "category": None}),
        ("post", "/api/admin/production-runs/", {"design": design.pk, "quantity": 2}),
        ("post", f"/api/admin/designs/{design.pk}/production-runs/", {"quantity": 2}),
        ("patch", "/api/admin/production-policy/", {"auto_dispatch": True}),
        ("post", "/api/auth/token/", {"username": "nobody", "password": "x"}),
    ]


def test_every_body_refuses_an_unknown_key_naming_it(staff_client):
    design, partner, product = DesignFactory(), PartnerFactory(), ProductFactory()
    for method, path, body in _bodies(design, partner, product):
        response = getattr(staff_client, method)(path, json.dumps({**body, "surprise": 1}),
                                                 content_type="application/json")
        assert response.status_code == 400, (path, response.content[:200])
        assert response.json().get("surprise") == ["Unknown field."], path


def test_the_schema_states_the_same_rule(schema):
    requests = {name: c for name, c in schema["components"]["schemas"].items() if name.endswith("Request")}
    strict = {name for name, c in requests.items() if c.get("additionalProperties") is False}
    assert strict == set(requests) - {"WebhookOrderInputRequest", "WebhookItemInputRequest"}


def test_confirm_takes_exactly_one_selection_in_the_schema_and_the_server(schema, staff_client):
    confirm = schema["components"]["schemas"]["ConfirmSelectionInputRequest"]
    assert (confirm["minProperties"], confirm["maxProperties"]) == (1, 1)
    op = schema["paths"]["/api/admin/production-runs/{id}/dispatch/confirm"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("ConfirmSelectionInputRequest")


def test_the_webhook_reads_leniently_what_a_shop_may_add(settings, db):
    settings.ORDER_WEBHOOK_SECRET = "s" * 40
    VariantFactory(sku="LIN-M")
    body = json.dumps({"external_id": "SHOP-9", "customer_email": "c@shop.example", "currency": "EUR",
                       "items": [{"external_id": "L1", "sku": "LIN-M", "quantity": 1, "price": "12.00"}]}).encode()
    signature = hmac.new(b"s" * 40, body, hashlib.sha256).hexdigest()
    response = Client().post("/api/webhooks/orders/placed", body, content_type="application/json",
                             HTTP_X_SIGNATURE_SHA256=signature)
    assert response.status_code == 201, response.content
