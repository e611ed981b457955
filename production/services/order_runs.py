"""Orders become runs: one root run per designed line item of a placed order, never two."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from designs.models import DesignPartner
from designs.services import design_snapshot
from orders.models import Order, OrderLineItem
from production import gating
from production.models import ActivityVerb, ProductionPolicy, ProductionRun, ProductionRunActivity
from production.services._base import activity
from production.services.auto_dispatch import queue_auto_dispatch

logger = logging.getLogger(__name__)


@transaction.atomic
def runs_create_for_order(*, order_id: int) -> list[ProductionRun]:
    """One root run in ``pending_review`` per designed line item of a placed order.

    The partial unique constraint ``one_root_run_per_line_item`` is the
    guarantee; the order row lock only makes concurrent callers queue instead
    of colliding. Constant number of queries whatever the number of lines.
    """
    order = Order.objects.select_for_update().filter(pk=order_id, status=Order.Status.PLACED).first()
    if order is None:
        return []
    items = list(
        OrderLineItem.objects.filter(order=order)
        # Lines that already have their root run are done.
        .exclude(Exists(ProductionRun.objects.filter(order_line_item=OuterRef("pk"), parent_run__isnull=True)))
        .select_related("product__design", "variant__design")
        .order_by("id")
    )
    designs = {item.design.pk: item.design for item in items if item.design is not None}
    links: dict[int, list] = {pk: [] for pk in designs}
    for link in DesignPartner.objects.filter(design_id__in=designs).order_by("id") if designs else ():
        links[link.design_id].append(link)
    snapshots = {pk: design_snapshot(d, partner_links=links[pk]) for pk, d in designs.items()}

    now = timezone.now()
    runs = []
    for item in items:
        if item.design is None:
            logger.info("order %s line %s has no design; no production run", order.pk, item.pk)
            continue
        design_id = item.design.pk
        runs.append(ProductionRun(
            design_id=design_id, quantity=item.quantity, order=order, order_line_item=item, product_id=item.product_id,
            variant_id=item.variant_id, snapshot=snapshots[design_id], captured_at=now, due_date=order.promised_date,
            metadata={"source": "order.placed", "order_external_id": order.external_id,
                      "line_external_id": item.external_id},
        ))
    if not runs:
        return []
    try:
        with transaction.atomic():
            ProductionRun.objects.bulk_create(runs)
    except IntegrityError:
        # Someone created a root run for one of these lines outside the lock:
        # the constraint held, so there is nothing left to create.
        logger.warning("order %s: root runs already exist; created none", order.pk)
        return []
    auto_dispatch = ProductionPolicy.load().auto_dispatch
    note = f"From order {order.pk}. {gating.review_note_when_created(auto_dispatch=auto_dispatch)}"
    ProductionRunActivity.objects.bulk_create(
        activity(run, actor=None, verb=ActivityVerb.CREATED, note=note) for run in runs
    )
    if auto_dispatch:
        queue_auto_dispatch([run.pk for run in runs])
    return runs
