import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import InvalidInput, InvalidTransition
from config.numbers import is_whole_number
from config.saving import save_unique
from designs.models import Design
from orders.models import Order, OrderLineItem, Product, ProductVariant
from orders.signals import order_placed

logger = logging.getLogger(__name__)


@transaction.atomic
def product_create(*, title: str, design: Design | None = None, variants: list[dict] | None = None) -> Product:
    variants = variants or []
    skus = [v["sku"] for v in variants]
    duplicated = sorted({s for s in skus if skus.count(s) > 1})
    if duplicated:
        raise InvalidInput(f"Duplicate SKUs in request: {', '.join(duplicated)}.", field="variants")
    taken = sorted(ProductVariant.objects.filter(sku__in=skus).values_list("sku", flat=True))
    if taken:
        raise InvalidInput(f"SKUs already exist: {', '.join(taken)}.", field="variants")
    product = Product.objects.create(title=title, design=design)
    try:
        with transaction.atomic():
            ProductVariant.objects.bulk_create(
                ProductVariant(product=product, sku=v["sku"], title=v.get("title", ""), design=v.get("design"))
                for v in variants
            )
    except IntegrityError as exc:  # a concurrent request took one of the SKUs
        raise InvalidInput("One of these SKUs was just created by another request.", field="variants") from exc
    return product


def line_problem(*, product: Product, variant: ProductVariant | None, quantity) -> str | None:
    """What is wrong with an order line, or None: the one statement of a valid line (services and admin forms)."""
    if variant is not None and variant.product_id != product.id:
        return f"variant {variant} does not belong to product {product}."
    if not is_whole_number(quantity):
        return "quantity must be a positive whole number."
    return None


def _check_order(*, items: list[dict], external_id: str, exclude_id: int | None = None) -> None:
    if not items:
        raise InvalidInput("An order needs at least one item.", field="items")
    if external_id and Order.objects.filter(external_id=external_id).exclude(pk=exclude_id).exists():
        raise InvalidInput(f"An order with the external id {external_id!r} already exists.", field="external_id")
    for i, item in enumerate(items):
        problem = line_problem(product=item["product"], variant=item.get("variant"), quantity=item["quantity"])
        if problem:
            raise InvalidInput(f"items[{i}]: {problem}", field="items")
    line_ids = [item.get("external_id") for item in items if item.get("external_id")]
    repeated = sorted({line_id for line_id in line_ids if line_ids.count(line_id) > 1})
    if repeated:
        raise InvalidInput(f"Line external ids must differ within an order: {', '.join(repeated)} repeated.",
                           field="items")


def _save_order(order: Order) -> Order:
    # The pre-check in _check_order gives the message early; this covers a concurrent request.
    return save_unique(order, message=f"An order with the external id {order.external_id!r} already exists.",
                       field="external_id")


def _add_lines(order: Order, items: list[dict]) -> None:
    OrderLineItem.objects.bulk_create(
        OrderLineItem(
            order=order, product=item["product"], variant=item.get("variant"), quantity=item["quantity"],
            title=item.get("title") or "", external_id=item.get("external_id") or "",
        )
        for item in items
    )


@transaction.atomic
def order_create(*, customer_email: str, items: list[dict], external_id: str = "", promised_date=None) -> Order:
    """A draft order. ``items``: dicts with product, variant (optional), quantity, title, external_id.

    ``promised_date``: the day promised to the customer; the order's production runs are due then.
    """
    _check_order(items=items, external_id=external_id)
    order = _save_order(Order(customer_email=customer_email, external_id=external_id, promised_date=promised_date))
    _add_lines(order, items)
    return order


@transaction.atomic
def order_update(*, order: Order, customer_email: str, external_id: str, items: list[dict],
                 promised_date=None) -> Order:
    """Change a draft order: its customer, external id and lines (the lines are replaced). 409 once placed."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.DRAFT:
        raise InvalidTransition(f"{order} is {order.get_status_display().lower()}; only a draft can be changed.")
    _check_order(items=items, external_id=external_id, exclude_id=order.pk)
    order.customer_email, order.external_id, order.promised_date = customer_email, external_id, promised_date
    _save_order(order)
    order.items.all().delete()
    _add_lines(order, items)
    return order


@transaction.atomic
def order_cancel(*, order: Order) -> Order:
    """Cancel a draft order: it will never be placed. A placed order's runs are cancelled run by run."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.DRAFT:
        raise InvalidTransition(f"{order} is {order.get_status_display().lower()}; only a draft can be cancelled.")
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    return order


@transaction.atomic
def order_place(*, order: Order) -> Order:
    """Mark a draft order placed and announce it after commit.

    Placing a placed order changes nothing but announces it again: the
    production side creates only the runs that are missing (a database
    constraint makes it idempotent), so a retry heals a placement whose run
    creation failed after the order had committed.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in (Order.Status.DRAFT, Order.Status.PLACED):
        raise InvalidTransition(f"{order} is {order.get_status_display().lower()} and cannot be placed.")
    if order.status == Order.Status.DRAFT:
        order.status = Order.Status.PLACED
        order.placed_at = timezone.now()
        order.save(update_fields=["status", "placed_at", "updated_at"])
    order_id = order.pk
    transaction.on_commit(lambda: order_placed.send(sender=Order, order_id=order_id))
    return order
