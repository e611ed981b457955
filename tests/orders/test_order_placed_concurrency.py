"""At most one root run per order line, even when placements and events race (PostgreSQL only).

Real threads on real connections: each commits on its own, so the order row
lock and the ``one_root_run_per_line_item`` constraint are what is tested.
"""

from unittest import mock

import pytest

from orders.models import Order
from orders.services import order_create, order_place
from orders.signals import order_placed
from production.models import ProductionRun
from tests.concurrency import race
from tests.factories import ProductFactory

pytestmark = [pytest.mark.postgres]

THREADS = 8


def _order_with_lines() -> Order:
    """A draft order: three designed lines (two share a design) and one without a design."""
    designed = [ProductFactory(), ProductFactory()]
    items = [{"product": designed[0], "quantity": 5}, {"product": designed[1], "quantity": 3},
             {"product": designed[0], "quantity": 2}, {"product": ProductFactory(design=None), "quantity": 1}]
    return order_create(customer_email="buyer@shop.example", items=items)


def _race(action) -> list[BaseException]:
    """Run ``action`` in THREADS threads released together; return what they raised."""
    return [outcome for outcome in race(*[action] * THREADS) if isinstance(outcome, BaseException)]


def _root_runs_per_line(order: Order) -> list[int]:
    counts = {item.pk: 0 for item in order.items.all()}
    for line_id in ProductionRun.objects.filter(order=order, parent_run__isnull=True).values_list(
        "order_line_item_id", flat=True
    ):
        counts[line_id] += 1
    return [counts[pk] for pk in sorted(counts)]


def test_eight_concurrent_placements_create_one_root_run_per_designed_line(require_postgres, transactional_db):
    order = _order_with_lines()

    errors = _race(lambda: order_place(order=order))

    assert errors == []
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert _root_runs_per_line(order) == [1, 1, 1, 0]


def test_eight_concurrent_order_placed_events_create_one_root_run_per_designed_line(require_postgres, transactional_db):
    order = _order_with_lines()
    # Placed while the event went nowhere (as if the receiver had failed), so the
    # racing deliveries below are the ones that create the runs.
    with mock.patch.object(order_placed, "send"):
        order_place(order=order)
    assert ProductionRun.objects.filter(order=order).count() == 0

    errors = _race(lambda: order_placed.send(sender=Order, order_id=order.pk))

    assert errors == []
    assert _root_runs_per_line(order) == [1, 1, 1, 0]
