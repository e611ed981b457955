"""Orders become runs: one root run per designed line item of a placed order, never two."""

import logging

from django.db import transaction
from django.db.models import Case, DateField, Exists, F, JSONField, OuterRef, Prefetch, QuerySet, Value, When
from django.db.models.functions import JSONObject
from django.utils import timezone

from config.bulk import insert_from_select
from designs.models import Design, DesignPartner
from designs.services import design_snapshot
from orders.models import LINE_DESIGN, Order, OrderLineItem
from production import gating
from production.models import ActivityVerb, ProductionPolicy, ProductionRun, ProductionRunActivity
from production.services._base import activity
from production.services.auto_dispatch import queue_auto_dispatch

logger = logging.getLogger(__name__)


@transaction.atomic
def runs_create_for_order(*, order_id: int) -> QuerySet[ProductionRun]:
    """One root run in ``pending_review`` per designed line item of a placed order; the runs made, in line order.

    The partial unique constraint ``one_root_run_per_line_item`` is the
    guarantee; the order row lock only makes concurrent callers queue instead
    of colliding. Constant number of queries whatever the number of lines, and
    no Python object per line: the database writes the runs and their activities
    from the line items (``config.bulk``). The receiver ignores the result, so
    the runs are only loaded by a caller that reads them.
    """
    order = Order.objects.select_for_update().filter(pk=order_id, status=Order.Status.PLACED).first()
    if order is None:
        return ProductionRun.objects.none()
    lines = (
        OrderLineItem.objects.filter(order=order).annotate(design_ref=LINE_DESIGN).filter(design_ref__isnull=False)
        # Lines that already have their root run are done.
        .exclude(Exists(ProductionRun.objects.filter(order_line_item=OuterRef("pk"), parent_run__isnull=True)))
        .order_by("id")
    )
    designs = Design.objects.filter(pk__in=lines.values("design_ref")).prefetch_related(
        Prefetch("partner_links", queryset=DesignPartner.objects.order_by("id")))
    snapshots = {design.pk: design_snapshot(design) for design in designs}
    if not snapshots:
        return ProductionRun.objects.none()  # no line of the order is produced (or all have their run)
    per_line = {
        "design": F("design_ref"), "quantity": F("quantity"), "order": Value(order.pk), "order_line_item": F("pk"),
        "product": F("product"), "variant": F("variant"),
        "snapshot": Case(*(When(design_ref=pk, then=Value(snapshot, output_field=JSONField()))
                           for pk, snapshot in snapshots.items()), output_field=JSONField()),
        "metadata": JSONObject(source=Value("order.placed"), order_external_id=Value(order.external_id),
                               line_external_id=F("external_id")),
        "due_date": Value(order.promised_date, output_field=DateField()),
    }
    # A line given its root run meanwhile (outside the order's lock) is skipped: the constraint holds.
    run_ids = insert_from_select(ProductionRun, lines, per_line, template=ProductionRun(captured_at=timezone.now()),
                                 ignore_conflicts=True)
    if not run_ids:
        return ProductionRun.objects.none()
    auto_dispatch = ProductionPolicy.load().auto_dispatch
    note = f"From order {order.pk}. {gating.review_note_when_created(auto_dispatch=auto_dispatch)}"
    runs = ProductionRun.objects.filter(pk__in=run_ids).order_by("id")
    insert_from_select(ProductionRunActivity, runs, per_row={"run": F("pk"), "to_status": F("status")},
                       template=activity(ProductionRun(), actor=None, verb=ActivityVerb.CREATED, note=note))
    if auto_dispatch:
        queue_auto_dispatch(sorted(run_ids))
    return runs
