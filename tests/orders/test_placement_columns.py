"""Placement writes its runs and their activities in the database (``config.bulk.insert_from_select``): every
column must be what saving the same run through the ORM writes, NULLs included."""

from datetime import date

from django.db import connection
from django.db.models import Count, F, TextField
from django.db.models.functions import Cast
import pytest

from config.bulk import insert_from_select
from designs.services import design_link_partner
from orders.services import order_create, order_place
from production.models import ProductionRun, ProductionRunActivity
from production.services._base import activity
from tests.factories import DesignFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

# Set per line by placement (compared with the line below), or different by nature.
PER_LINE = ["design", "quantity", "order", "product", "variant", "snapshot", "captured_at", "due_date", "metadata"]
DIFFERENT = {"id", "order_line_item_id", "created_at", "updated_at"}


def _columns(model, pk) -> dict[str, tuple[bool, str | None]]:
    """Each column of the row as PostgreSQL holds it: is it NULL, and its text (JSON null is not NULL)."""
    columns = [f.column for f in model._meta.concrete_fields if f.column not in DIFFERENT | {"run_id"}]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(f'{quote(c)} IS NULL, {quote(c)}::text' for c in columns)} "
                       f"FROM {quote(model._meta.db_table)} WHERE id = %s", [pk])
        row = cursor.fetchone()
    return {column: (row[2 * i], row[2 * i + 1]) for i, column in enumerate(columns)}


def test_every_column_is_what_saving_the_run_writes(partner_a, django_capture_on_commit_callbacks):
    shirt, special = DesignFactory(specs={"fabric": "linen"}), DesignFactory()
    design_link_partner(design=shirt, partner=partner_a, role="cutting")
    product = ProductFactory(design=shirt)
    variant = VariantFactory(product=product, design=special)
    order = order_create(customer_email="buyer@shop.example", external_id="SHOP-9", promised_date=date(2026, 12, 24),
                         items=[{"product": product, "quantity": 3, "external_id": "L-1"},
                                {"product": product, "variant": variant, "quantity": 2},
                                {"product": ProductFactory(design=None), "quantity": 1}])
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=order)

    runs = list(ProductionRun.objects.filter(order=order).order_by("id"))
    lines = list(order.items.order_by("id"))
    assert [(r.order_line_item_id, r.design_id, r.quantity) for r in runs] == [
        (lines[0].pk, shirt.pk, 3), (lines[1].pk, special.pk, 2)]  # the variant's design wins; no design, no run
    assert [r.metadata for r in runs] == [
        {"source": "order.placed", "order_external_id": "SHOP-9", "line_external_id": "L-1"},
        {"source": "order.placed", "order_external_id": "SHOP-9", "line_external_id": ""}]
    assert runs[0].snapshot["partners"] == [{"partner": partner_a.pk, "role": "cutting"}]
    assert (runs[0].snapshot["id"], runs[0].snapshot["specs"], runs[1].snapshot["id"]) == (
        shirt.pk, {"fabric": "linen"}, special.pk)
    assert {r.due_date for r in runs} == {date(2026, 12, 24)}

    for run in runs:
        # The same run saved through the ORM (no line item: the one-root-run-per-line constraint holds).
        twin = ProductionRun(**{f"{name}_id" if name in ("design", "order", "product", "variant") else name:
                                getattr(run, f"{name}_id" if name in ("design", "order", "product", "variant") else name)
                                for name in PER_LINE})
        twin.save()
        assert _columns(ProductionRun, run.pk) == _columns(ProductionRun, twin.pk)
        written = ProductionRunActivity.objects.get(run=run)
        saved = activity(run, actor=None, verb=written.verb, note=written.note)
        saved.save()
        assert _columns(ProductionRunActivity, written.pk) == _columns(ProductionRunActivity, saved.pk)
        assert (written.verb, written.to_status, written.actor_id) == ("created", "pending_review", None)


@pytest.mark.parametrize(("source", "per_row"), [
    (lambda qs: qs.distinct(), {"run": F("pk")}),
    (lambda qs: qs.union(qs), {"run": F("pk")}),
    (lambda qs: qs, {"run": F("pk"), "note": Cast(Count("activities"), TextField())}),
], ids=["distinct", "union", "grouped"])
def test_insert_from_select_refuses_a_source_it_cannot_extend(source, per_row):
    """The constant columns are spliced at the head of the source's SELECT list: only a plain SELECT has one."""
    with pytest.raises(ValueError, match="plain query"):
        insert_from_select(ProductionRunActivity, source(ProductionRun.objects.all()), per_row=per_row,
                           template=ProductionRunActivity(verb="created"))


def test_insert_from_select_needs_a_column_per_row():
    with pytest.raises(ValueError, match="at least one column per row"):
        insert_from_select(ProductionRunActivity, ProductionRun.objects.all(), per_row={},
                           template=ProductionRunActivity(verb="created"))
