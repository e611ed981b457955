"""Helpers for the gating tests: routings, routed designs and runs born from placed orders."""

from designs.models import Design
from designs.services import design_create
from orders.services import order_create, order_place
from production.models import ProductionRun
from production.services import run_create, runs_create_for_order
from tests.factories import ProductFactory


def routing(*shares, category=None, template_ids=None):
    """A routing from (partner, role, share) triples."""
    raw = {"assignments": [{"partner": p.pk, "role": role, "share": share} for p, role, share in shares]}
    if category is not None:
        raw["template_category"] = category.pk
    if template_ids is not None:
        raw["template_ids"] = template_ids
    return raw


def make_design(*, routing=None, status=Design.Status.COMMERCE_READY) -> Design:
    return design_create(name="Linen shirt", status=status, routing=routing)


def order_born_run(design: Design, quantity: int) -> ProductionRun:
    """Place an order for ``design`` and return its root run, still ``pending_review``.

    ``order_place`` sends ``order_placed`` on commit, which a test's transaction
    never reaches; so this calls what the receiver calls. The job it queues on
    commit does not run either.
    """
    product = ProductFactory(design=design)
    order = order_create(customer_email="buyer@example.com", items=[{"product": product, "quantity": quantity}])
    order_place(order=order)
    (run,) = runs_create_for_order(order_id=order.pk)
    assert run.status == "pending_review"
    return run


def pending_run(design: Design, quantity: int) -> ProductionRun:
    """A root run waiting for review, as the auto-dispatch job receives it.

    The job looks only at the run (root, ``pending_review``) and its design, not at
    where the run came from, so its branches are tested on runs made by ``run_create``;
    order-born runs are covered end to end in test_order_placed_auto_dispatch.py.
    """
    return run_create(design=design, quantity=quantity)
