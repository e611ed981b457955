"""Invariants hold in the database itself, not only in Python checks."""

from django.db import IntegrityError, transaction
import pytest

from orders.models import Order, OrderLineItem
from production.models import ProductionRun, RunStatus
from tasks.models import TaskTemplate
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _raises_integrity(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_template_name_is_unique_within_a_category():
    category = CategoryFactory()
    TaskTemplate.objects.create(name="Cut", category=category)
    _raises_integrity(lambda: TaskTemplate.objects.create(name="Cut", category=category))
    # ...but the same name may live in another category, once without one.
    TaskTemplate.objects.create(name="Cut", category=CategoryFactory())
    TaskTemplate.objects.create(name="Cut", category=None)
    _raises_integrity(lambda: TaskTemplate.objects.create(name="Cut", category=None))


def test_run_quantity_zero_is_refused_by_the_database():
    design = DesignFactory()
    _raises_integrity(lambda: ProductionRun.objects.create(design=design, quantity=0))


def test_line_item_quantity_zero_is_refused_by_the_database():
    order = Order.objects.create(customer_email="c@example.com")
    _raises_integrity(lambda: OrderLineItem.objects.create(order=order, product=ProductFactory(), quantity=0))


def test_second_root_run_for_one_line_item_is_refused_by_the_database():
    product = ProductFactory()
    order = Order.objects.create(customer_email="c@example.com")
    item = OrderLineItem.objects.create(order=order, product=product, quantity=2)
    ProductionRun.objects.create(design=product.design, quantity=2, order=order, order_line_item=item)
    _raises_integrity(
        lambda: ProductionRun.objects.create(design=product.design, quantity=2, order=order, order_line_item=item)
    )


def test_child_runs_never_carry_the_line_item():
    product = ProductFactory()
    order = Order.objects.create(customer_email="c@example.com")
    item = OrderLineItem.objects.create(order=order, product=product, quantity=2)
    root = ProductionRun.objects.create(design=product.design, quantity=2, order=order, order_line_item=item)
    _raises_integrity(lambda: ProductionRun.objects.create(
        design=product.design, quantity=2, order=order, order_line_item=item, parent_run=root))


def test_a_parent_run_is_older_than_its_children():
    """lock_family locks a family in id order, parent first: the database keeps a parent's id the smaller."""
    design = DesignFactory()
    parent = ProductionRun.objects.create(design=design, quantity=2)
    child = ProductionRun.objects.create(design=design, quantity=2, parent_run=parent)
    younger = ProductionRun.objects.create(design=design, quantity=2)
    _raises_integrity(lambda: ProductionRun.objects.filter(pk=child.pk).update(parent_run=younger))
    _raises_integrity(lambda: ProductionRun.objects.filter(pk=parent.pk).update(parent_run=parent))


def test_one_child_per_partner_and_role():
    design = DesignFactory()
    partner = PartnerFactory()
    root = ProductionRun.objects.create(design=design, quantity=4)
    ProductionRun.objects.create(design=design, quantity=2, parent_run=root, partner=partner, role="cutting")
    _raises_integrity(lambda: ProductionRun.objects.create(
        design=design, quantity=2, parent_run=root, partner=partner, role="cutting"))


def test_produced_plus_rejected_cannot_exceed_quantity():
    design = DesignFactory()
    _raises_integrity(lambda: ProductionRun.objects.create(
        design=design, quantity=5, produced_quantity=4, rejected_quantity=2))


def test_status_is_protected_from_direct_assignment():
    run = ProductionRun.objects.create(design=DesignFactory(), quantity=1)
    with pytest.raises(AttributeError):
        run.status = RunStatus.COMPLETED


def test_partner_handle_is_unique():
    PartnerFactory(handle="same")
    _raises_integrity(lambda: PartnerFactory(handle="same"))
