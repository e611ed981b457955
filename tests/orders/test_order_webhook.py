"""The signed "order placed" webhook (POST /api/webhooks/orders/placed)."""

import hashlib
import hmac
import json
from unittest import mock

import pytest
from rest_framework.test import APIClient

from orders import webhook
from orders.models import Order, OrderLineItem
from production.models import ProductionRun
from tests.concurrency import race
from tests.factories import DesignFactory, ProductFactory, VariantFactory

URL = "/api/webhooks/orders/placed"
SECRET = "test-webhook-secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.ORDER_WEBHOOK_SECRET = SECRET


@pytest.fixture
def catalogue(db):
    """Two designed variants and one without a design."""
    design = DesignFactory(name="Linen Overshirt")
    product = ProductFactory(design=design)
    return {
        "design": design,
        "LIN-M": VariantFactory(product=product, sku="LIN-M"),
        "LIN-L": VariantFactory(product=product, sku="LIN-L"),
        "CARD": VariantFactory(product=ProductFactory(design=None), sku="CARD"),
    }


def _payload(external_id="SHOP-1001", items=None):
    return {
        "external_id": external_id,
        "customer_email": "buyer@shop.example",
        "items": items if items is not None else [
            {"external_id": "L1", "sku": "LIN-M", "quantity": 3, "title": "Overshirt M"},
            {"external_id": "L2", "sku": "LIN-L", "quantity": 2},
            {"external_id": "L3", "sku": "CARD", "quantity": 1},
        ],
    }


def _sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _deliver(payload=None, *, body: bytes | None = None, signature: str | None = "valid", client=None):
    body = json.dumps(payload).encode() if body is None else body
    headers = {}
    if signature is not None:
        headers["X-Signature-SHA256"] = _sign(body) if signature == "valid" else signature
    return (client or APIClient()).post(URL, data=body, content_type="application/json", headers=headers)


def _nothing_written():
    return Order.objects.count() == 0 and OrderLineItem.objects.count() == 0 and ProductionRun.objects.count() == 0


def test_signed_order_is_created_placed_and_its_designed_lines_become_runs(catalogue, transactional_db):
    response = _deliver(_payload())

    assert response.status_code == 201, response.data
    order = Order.objects.get(external_id="SHOP-1001")
    assert response.data["id"] == order.pk
    assert response.data["status"] == "placed"
    assert response.data["external_id"] == "SHOP-1001"
    runs = ProductionRun.objects.filter(order=order)
    assert sorted(response.data["production_runs"]) == sorted(runs.values_list("pk", flat=True))
    assert sorted((r.variant.sku, r.quantity, r.status, r.design_id, r.metadata["source"]) for r in runs) == [
        ("LIN-L", 2, "pending_review", catalogue["design"].pk, "order.placed"),
        ("LIN-M", 3, "pending_review", catalogue["design"].pk, "order.placed"),
    ]
    lines = {line.external_id: line for line in order.items.select_related("variant")}
    assert {k: (v.variant.sku, v.product_id, v.quantity) for k, v in lines.items()} == {
        "L1": ("LIN-M", catalogue["LIN-M"].product_id, 3),
        "L2": ("LIN-L", catalogue["LIN-L"].product_id, 2),
        "L3": ("CARD", catalogue["CARD"].product_id, 1),
    }
    assert lines["L1"].title == "Overshirt M"


def test_signature_with_sha256_prefix_is_accepted(catalogue, django_capture_on_commit_callbacks):
    body = json.dumps(_payload()).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(body=body, signature=f"sha256={_sign(body)}")
    assert response.status_code == 201, response.data
    assert ProductionRun.objects.filter(order_id=response.data["id"]).count() == 2


@pytest.mark.parametrize("signature", [
    None,  # missing
    "",
    "0" * 64,
    "sha256=nothex",
    "signé",  # not even ASCII
], ids=["missing", "empty", "wrong", "garbage", "non-ascii"])
def test_missing_or_bad_signature_is_401_and_writes_nothing(catalogue, signature):
    response = _deliver(_payload(), signature=signature)
    assert response.status_code == 401
    assert response.data["code"] == "invalid_signature"
    assert _nothing_written()


def test_signature_made_with_another_secret_or_for_another_body_is_401(catalogue):
    body = json.dumps(_payload()).encode()
    assert _deliver(body=body, signature=_sign(body, secret="someone-else")).status_code == 401
    tampered = body.replace(b'"quantity": 3', b'"quantity": 300')
    assert _deliver(body=tampered, signature=_sign(body)).status_code == 401
    assert _nothing_written()


def test_without_a_configured_secret_nothing_is_accepted(catalogue, settings):
    settings.ORDER_WEBHOOK_SECRET = ""
    body = json.dumps(_payload()).encode()
    assert _deliver(body=body, signature=_sign(body, secret="")).status_code == 401
    assert _nothing_written()


def test_unknown_skus_are_listed_and_nothing_is_written(catalogue):
    response = _deliver(_payload(items=[
        {"external_id": "L1", "sku": "LIN-M", "quantity": 1},
        {"external_id": "L2", "sku": "NOPE-2", "quantity": 1},
        {"external_id": "L3", "sku": "NOPE-1", "quantity": 1},
    ]))
    assert response.status_code == 400
    assert response.data["code"] == "unknown_skus"
    assert response.data["unknown_skus"] == ["NOPE-1", "NOPE-2"]
    assert _nothing_written()


def test_replay_answers_200_with_the_same_order_and_writes_nothing(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _deliver(_payload())
    assert first.status_code == 201
    counts = (Order.objects.count(), OrderLineItem.objects.count(), ProductionRun.objects.count())

    # The replay announces the placed order again (executed here): the production side
    # creates only missing runs, so nothing new may appear.
    with django_capture_on_commit_callbacks(execute=True):
        again = _deliver(_payload())

    assert again.status_code == 200
    assert again.data["id"] == first.data["id"]
    assert again.data["status"] == "placed"
    assert sorted(again.data["production_runs"]) == sorted(
        ProductionRun.objects.filter(order_id=first.data["id"]).values_list("pk", flat=True))
    assert (Order.objects.count(), OrderLineItem.objects.count(), ProductionRun.objects.count()) == counts


def test_delivery_that_loses_the_race_after_the_replay_check_answers_200(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _deliver(_payload())
    real_existing = webhook._existing
    # The replay check misses the order (it was committed just after), so order_create finds it.
    with mock.patch.object(webhook, "_existing", side_effect=[None, real_existing("SHOP-1001")]):
        again = _deliver(_payload())
    assert again.status_code == 200, again.data
    assert again.data["id"] == first.data["id"]
    assert Order.objects.count() == 1


@pytest.mark.postgres
def test_concurrent_deliveries_of_one_new_order_create_it_once(catalogue, require_postgres, transactional_db):
    body = json.dumps(_payload()).encode()
    outcomes = race(*[lambda: _deliver(body=body).status_code] * 6)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    statuses = [o for o in outcomes if isinstance(o, int)]

    assert errors == []
    assert sorted(statuses) == [200] * 5 + [201]
    order = Order.objects.get(external_id="SHOP-1001")
    assert order.items.count() == 3
    assert ProductionRun.objects.filter(order=order).count() == 2


@pytest.mark.parametrize("payload, field", [
    (_payload(items=[{"external_id": "L1", "sku": "LIN-M", "quantity": 0}]), "items"),
    (_payload(items=[{"external_id": "L1", "sku": "LIN-M", "quantity": 2**31}]), "items"),
    (_payload(items=[{"external_id": "L1", "sku": "LIN-M", "quantity": "three"}]), "items"),
    (_payload(items=[{"sku": "LIN-M", "quantity": 1}]), "items"),
    (_payload(items=[]), "items"),
    ({**_payload(), "customer_email": "not-an-email"}, "customer_email"),
    ({**_payload(), "external_id": ""}, "external_id"),
    ({k: v for k, v in _payload().items() if k != "external_id"}, "external_id"),
    ([_payload()], "non_field_errors"),
], ids=["quantity-0", "quantity-huge", "quantity-text", "line-without-id", "no-items", "bad-email",
        "blank-external-id", "missing-external-id", "not-an-object"])
def test_invalid_payload_is_400_with_field_messages_and_writes_nothing(catalogue, payload, field):
    response = _deliver(payload)
    assert response.status_code == 400
    assert field in response.data
    assert _nothing_written()


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"", b"[" * 100_000], ids=["broken", "not-utf8", "empty", "deep"])
def test_body_that_is_not_json_is_400(catalogue, body):
    response = _deliver(body=body)
    assert response.status_code == 400
    assert response.data["code"] == "parse_error"
    assert _nothing_written()


def test_other_methods_are_not_allowed(catalogue):
    assert APIClient().get(URL).status_code == 405


def test_two_lines_with_the_same_line_id_are_a_400_and_nothing_is_written(catalogue, db):
    response = _deliver(_payload(items=[{"external_id": "L1", "sku": "LIN-M", "quantity": 1},
                                        {"external_id": "L1", "sku": "LIN-L", "quantity": 1}]))
    assert response.status_code == 400
    assert "L1 repeated" in response.data["items"][0]
    assert _nothing_written()
