"""Creating the runs of a placed order costs the same number of queries for 5 or 500 lines."""

import pytest

from designs.services import design_link_partner
from orders.services import order_create, order_place
from production.models import ProductionRun
from production.services import policy_update, runs_create_for_order
from tests.factories import DesignFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


# PostgreSQL only: SQLite splits bulk inserts into batches (999 parameters per statement).
@pytest.mark.postgres
@pytest.mark.parametrize("lines", [5, 500])
def test_runs_create_for_order_query_count_does_not_grow_with_lines(
    lines, require_postgres, partner_a, django_assert_num_queries, django_capture_on_commit_callbacks
):
    designs = [DesignFactory() for _ in range(3)]
    for design in designs:
        design_link_partner(design=design, partner=partner_a, role="cutting")
    products = [ProductFactory(design=design) for design in designs]
    # One variant with its own design, so both design paths are resolved.
    variant = VariantFactory(product=products[0], design=DesignFactory())
    items = [{"product": products[i % 3], "quantity": 1 + i % 4} for i in range(lines - 1)]
    items.append({"product": variant.product, "variant": variant, "quantity": 2})
    order = order_create(customer_email="buyer@shop.example", items=items)
    policy_update(auto_dispatch=False)  # the policy row exists, as it does after the first order
    with django_capture_on_commit_callbacks(execute=False):  # keep the event for the call measured below
        order_place(order=order)

    # SAVEPOINT (the service's atomic)
    # SELECT the order FOR UPDATE
    # SELECT the designs of its line items without a root run (variant's design, else product's)
    # SELECT the designs' partner links (for their snapshots)
    # INSERT the runs SELECTed from the line items (one statement; a line given its run meanwhile is skipped)
    # SELECT the production policy (the note saying why the runs wait; auto dispatch off: nothing queued)
    # INSERT the activity rows SELECTed from the new runs (one statement)
    # RELEASE SAVEPOINT
    with django_assert_num_queries(8):
        runs = runs_create_for_order(order_id=order.pk)

    assert len(runs) == lines
    assert ProductionRun.objects.filter(order=order, parent_run__isnull=True).count() == lines
