"""How fast placed orders become production runs, on this machine and database.

Places orders of 1, 50 and 500 lines against the configured database, with
real commits (the ``order_placed`` receiver runs on commit, as in production),
inside a throwaway data set of its own (designs, products, variants, orders)
that is deleted afterwards, whatever happens.
"""

import os
import platform
import sqlite3
import statistics
import time
import uuid

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from designs.models import Design
from designs.services import design_create
from orders.models import Order, Product, ProductVariant
from orders.services import order_create, order_place, product_create
from production.models import ProductionPolicy, ProductionRun

DESIGNS = 5  # lines cycle through products of a few designs, as real orders do


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return "unknown"


class Command(BaseCommand):
    help = "Time order placement -> production runs for orders of 1, 50 and 500 lines (throwaway data)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[1, 50, 500], help="Lines per order.")
        parser.add_argument("--repeat", type=int, default=3, help="Orders placed per size; the median time is shown.")

    def handle(self, *args, sizes, repeat, **options):
        sizes = [s for s in sizes if s > 0]
        repeat = max(repeat, 1)
        w = self.stdout.write
        w(f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs)")
        w(f"Database: {connection.vendor} - {database_version()}")
        w(f"Automatic dispatch: {'on' if ProductionPolicy.load().auto_dispatch else 'off'}")
        w("")
        tag = f"BENCH-{uuid.uuid4().hex[:8]}"
        try:
            variants = self._data_set(tag, max(sizes, default=1))
            rows = [self._measure(tag, variants, lines, repeat) for lines in sizes]
        finally:
            self._clean_up(tag)
        w(f"{'lines':>6} | {'runs created':>12} | {'seconds':>8} | {'runs/second':>11} | {'queries per placement':>21}")
        w(f"{'-' * 6}-+-{'-' * 12}-+-{'-' * 8}-+-{'-' * 11}-+-{'-' * 21}")
        for lines, runs, seconds, queries in rows:
            rate = f"{runs / seconds:,.0f}" if seconds > 0 else "-"
            w(f"{lines:>6} | {runs:>12} | {seconds:>8.4f} | {rate:>11} | {queries:>21}")
        w("")
        w(f"seconds: median of {repeat} placement(s) per size (order_place, its commit and the order_placed receiver); "
          "the data set was removed afterwards.")

    def _data_set(self, tag: str, lines: int) -> list[ProductVariant]:
        designs = [design_create(name=f"{tag} design {i}", code=f"{tag}-D{i}", status=Design.Status.APPROVED,
                                 specs={"fabric": "linen", "sizes": ["S", "M", "L"]}) for i in range(DESIGNS)]
        per_product = -(-lines // DESIGNS)  # ceil: one product per design, enough variants for distinct lines
        for i, design in enumerate(designs):
            product_create(title=f"{tag} product {i}", design=design,
                           variants=[{"sku": f"{tag}-P{i}-V{j}"} for j in range(per_product)])
        return list(ProductVariant.objects.filter(sku__startswith=f"{tag}-").select_related("product").order_by("id"))

    def _measure(self, tag: str, variants, lines: int, repeat: int) -> tuple[int, int, float, int]:
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
        return lines, runs, statistics.median(times), queries

    def _clean_up(self, tag: str) -> None:
        # Children first is not needed: runs cascade to their children and activities.
        ProductionRun.objects.filter(design__code__startswith=f"{tag}-").delete()
        Order.objects.filter(external_id__startswith=f"{tag}-").delete()
        Product.objects.filter(title__startswith=f"{tag} ").delete()
        Design.objects.filter(code__startswith=f"{tag}-").delete()
