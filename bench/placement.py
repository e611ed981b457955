"""Part 1 of the bench: orders of 1, 50 and 500 lines placed with real commits (the ``order_placed`` receiver
runs on commit, as in production), each beside psycopg's COPY of the very rows that placement wrote, committed
(goal: 2x for 500 lines, 3x for 1).
"""

import json
import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.harness import DESIGNS, SMALL_ORDER, Row, Sizes, ms, settle
from designs.models import Design
from designs.services import design_create
from orders.models import ProductVariant
from orders.services import order_create, order_place, product_create
from production.models import ProductionRun, ProductionRunActivity


def placement_rows(tag: str, p: Sizes, notes: list[str]) -> list[Row]:
    variants = _catalogue(tag, max(p.lines, default=1))
    _place(f"{tag}-warm", variants, 1, 1)  # the first placement of the process loads code paths: not timed
    rows = []
    for lines in p.lines:
        # The sizes before this one added about a thousand runs: statistics of the tables as they were at the
        # start of the part would plan this size's statements (and its commit's foreign-key checks) as if
        # they were nearly empty (500 lines took 155 ms instead of 50, the COPY 151 ms instead of 33).
        settle()
        repeat = p.repeat_small if lines <= SMALL_ORDER else p.repeat
        runs, seconds, queries, order_id = _place(tag, variants, lines, repeat)
        size = f"{lines} line{'s' * (lines != 1)} -> {runs} run{'s' * (runs != 1)}"
        rows.append(Row(1, "order placement", size, throughput=f"{runs / seconds:,.0f} runs/s" if seconds > 0 else "-",
                        median=ms(seconds), queries=str(queries)))
        if connection.vendor == "postgresql":
            copied, _ = copy_seconds(order_id, repeat)
            goal = {1: "goal <= 3x", 500: "goal <= 2x"}.get(lines, "")
            rows += [Row(1, "psycopg COPY of the same rows, committed", size, median=ms(copied)),
                     Row(1, "placement / COPY", goal, throughput=f"{seconds / copied:.1f}x")]
    notes.append(f"1: median of {p.repeat_small} placement(s) of {SMALL_ORDER} lines or fewer and {p.repeat} of more, "
                 "after one untimed placement: order_place, its commit and the order_placed "
                 "receiver creating the runs; runs/s = runs created / median time. Beside it, psycopg's COPY of "
                 "the rows that placement inserted, its runs and their activities (every column; the originals "
                 "deleted first, untimed, so the one-run-per-line-item constraint holds), from BEGIN to COMMIT as "
                 "placement's own commit: the floor of writing them for good, foreign-key checks included.")
    return rows


def _catalogue(tag: str, lines: int) -> list[ProductVariant]:
    designs = [design_create(name=f"{tag} design {i}", code=f"{tag}-D{i}", status=Design.Status.APPROVED,
                             specs={"fabric": "linen", "sizes": ["S", "M", "L"]}) for i in range(DESIGNS)]
    per_product = -(-lines // DESIGNS)  # ceil: one product per design, enough variants for distinct lines
    for i, design in enumerate(designs):
        product_create(title=f"{tag} product {i}", design=design,
                       variants=[{"sku": f"{tag}-P{i}-V{j}"} for j in range(per_product)])
    return list(ProductVariant.objects.filter(sku__startswith=f"{tag}-").select_related("product").order_by("id"))


def _place(tag: str, variants, lines: int, repeat: int) -> tuple[int, float, int, int]:
    times, runs, queries = [], 0, 0
    for n in range(repeat):
        order = order_create(
            customer_email="bench@example.com", external_id=f"{tag}-{lines}-{n}",
            items=[{"product": v.product, "variant": v, "quantity": 1 + i % 7}
                   for i, v in enumerate(variants[:lines])],
        )
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            order_place(order=order)
            times.append(time.perf_counter() - started)
        runs = ProductionRun.objects.filter(order=order).count()
        queries = len(captured.captured_queries)
    return runs, statistics.median(times), queries, order.pk


def _copy_rows(model, queryset) -> tuple[str, list[tuple]]:
    """The COPY statement for every column of ``model`` and the rows of ``queryset`` as it takes them."""
    columns = model._meta.concrete_fields
    rows = [tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in row)
            for row in queryset.order_by("pk").values_list(*[f.attname for f in columns])]
    return f"COPY {model._meta.db_table} ({', '.join(f.column for f in columns)}) FROM STDIN", rows


def copy_seconds(order_id: int, repeat: int) -> tuple[float, int]:
    """Median time of psycopg's COPY of every row ``order_id``'s placement wrote, its runs and their activities,
    in a transaction committed as placement's is (the commit checks their foreign keys and flushes the WAL);
    and the number of runs.

    Before each sample the placement's runs are deleted (not timed: their line items take runs again), and the
    COPY writes them back with their own ids, so the database ends as it was."""
    runs = ProductionRun.objects.filter(order_id=order_id)
    tables = [_copy_rows(ProductionRun, runs),
              _copy_rows(ProductionRunActivity, ProductionRunActivity.objects.filter(run__order_id=order_id))]
    samples = []
    for _ in range(repeat):
        runs.delete()  # their activities with them
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, rows in tables:
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), len(tables[0][1])
