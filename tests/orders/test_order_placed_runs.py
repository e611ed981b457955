"""Placed orders become production runs (docs/api.md: Orders, Order-placed event).

The order_placed event is sent on commit; inside a test transaction nothing
commits, so placements run under ``django_capture_on_commit_callbacks(execute=True)``.
"""

import pytest

from orders.models import Order, OrderLineItem
from orders.services import order_place
from orders.signals import order_placed
from production.models import ProductionRun
import production.receivers
from tests.factories import DesignFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _create_order(staff_api, items, **extra):
    response = staff_api.post("/api/admin/orders/", {"customer_email": "buyer@shop.example", "items": items, **extra},
                              format="json")
    assert response.status_code == 201, response.data
    return response.data


def _place(staff_api, order_id, capture):
    with capture(execute=True):
        response = staff_api.post(f"/api/admin/orders/{order_id}/place")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "placed"
    return response.data


def _runs(staff_api, order_id):
    response = staff_api.get(f"/api/admin/production-runs/?order={order_id}")
    assert response.status_code == 200
    return response.data["results"]


def test_placed_order_line_with_designed_product_gets_one_root_run_with_provenance(
    staff_api, django_capture_on_commit_callbacks
):
    design = DesignFactory(name="Linen Overshirt", code="LIN-1", specs={"fabric": "linen"})
    variant = VariantFactory(product=ProductFactory(design=design), sku="LIN-1-M")
    order = _create_order(staff_api, [{"product": variant.product_id, "variant": variant.pk, "quantity": 7}],
                          external_id="SHOP-1")
    line_id = order["items"][0]["id"]

    _place(staff_api, order["id"], django_capture_on_commit_callbacks)

    [run] = _runs(staff_api, order["id"])
    assert run["status"] == "pending_review"
    assert run["parent_run"] is None
    assert (run["order"], run["order_line_item"], run["product"], run["variant"], run["quantity"], run["design"]) == (
        order["id"], line_id, variant.product_id, variant.pk, 7, design.pk,
    )
    assert {k: run["snapshot"][k] for k in ("name", "code", "status", "specs")} == {
        "name": "Linen Overshirt", "code": "LIN-1", "status": design.status, "specs": {"fabric": "linen"},
    }
    assert run["captured_at"] is not None
    assert run["metadata"]["source"] == "order.placed"
    assert staff_api.get(f"/api/admin/orders/{order['id']}/").data["production_runs"] == [run["id"]]


def test_line_without_a_design_creates_no_run(staff_api, django_capture_on_commit_callbacks):
    designed = ProductFactory()
    plain = ProductFactory(design=None)
    order = _create_order(staff_api, [{"product": plain.pk, "quantity": 1}, {"product": designed.pk, "quantity": 2}])

    _place(staff_api, order["id"], django_capture_on_commit_callbacks)

    runs = _runs(staff_api, order["id"])
    assert [(r["product"], r["quantity"]) for r in runs] == [(designed.pk, 2)]


def test_variant_design_wins_over_product_design(staff_api, django_capture_on_commit_callbacks):
    product_design, variant_design = DesignFactory(), DesignFactory()
    variant = VariantFactory(product=ProductFactory(design=product_design), design=variant_design)
    order = _create_order(staff_api, [{"product": variant.product_id, "variant": variant.pk, "quantity": 3}])

    _place(staff_api, order["id"], django_capture_on_commit_callbacks)

    [run] = _runs(staff_api, order["id"])
    assert run["design"] == variant_design.pk
    assert run["snapshot"]["code"] == variant_design.code


def test_placing_twice_creates_runs_once(staff_api, django_capture_on_commit_callbacks):
    products = [ProductFactory(), ProductFactory()]
    order = _create_order(staff_api, [{"product": p.pk, "quantity": 4} for p in products])

    _place(staff_api, order["id"], django_capture_on_commit_callbacks)
    first = sorted(r["id"] for r in _runs(staff_api, order["id"]))
    _place(staff_api, order["id"], django_capture_on_commit_callbacks)

    assert len(first) == 2
    assert sorted(r["id"] for r in _runs(staff_api, order["id"])) == first


def test_order_without_items_is_refused_and_writes_nothing(staff_api):
    response = staff_api.post("/api/admin/orders/", {"customer_email": "buyer@shop.example", "items": []},
                              format="json")
    assert response.status_code == 400
    assert "items" in response.data
    assert Order.objects.count() == 0


def test_order_with_unknown_product_is_refused_and_writes_nothing(staff_api):
    known = ProductFactory()
    response = staff_api.post("/api/admin/orders/", {"customer_email": "buyer@shop.example", "items": [
        {"product": known.pk, "quantity": 1}, {"product": known.pk + 1000, "quantity": 1},
    ]}, format="json")
    assert response.status_code == 400
    assert str(known.pk + 1000) in str(response.data["items"])
    assert Order.objects.count() == 0
    assert OrderLineItem.objects.count() == 0


def test_order_placed_event_sent_twice_leaves_one_run_per_line(staff_api, django_capture_on_commit_callbacks):
    products = [ProductFactory(), ProductFactory(), ProductFactory(design=None)]
    order = _create_order(staff_api, [{"product": p.pk, "quantity": 1} for p in products])
    _place(staff_api, order["id"], django_capture_on_commit_callbacks)

    order_placed.send(sender=Order, order_id=order["id"])
    order_placed.send(sender=Order, order_id=order["id"])

    runs = ProductionRun.objects.filter(order_id=order["id"])
    assert runs.count() == 2
    assert sorted(runs.values_list("order_line_item_id", flat=True)) == [i["id"] for i in order["items"][:2]]


def test_placing_again_heals_a_placement_whose_run_creation_failed(
    staff_api, monkeypatch, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    order = _create_order(staff_api, [{"product": product.pk, "quantity": 2}])

    def broken(**kwargs):
        raise RuntimeError("database hiccup after the order committed")

    monkeypatch.setattr(production.receivers, "runs_create_for_order", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        order_place(order=Order.objects.get(pk=order["id"]))
    assert Order.objects.get(pk=order["id"]).status == "placed"
    assert _runs(staff_api, order["id"]) == []

    monkeypatch.undo()
    _place(staff_api, order["id"], django_capture_on_commit_callbacks)
    assert len(_runs(staff_api, order["id"])) == 1
    _place(staff_api, order["id"], django_capture_on_commit_callbacks)  # and again: nothing new
    assert len(_runs(staff_api, order["id"])) == 1
