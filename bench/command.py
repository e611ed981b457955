"""How fast the product is on this machine and database: one table, also written to bench/RESULTS.md.

1. Order placement: orders of 1, 50 and 500 lines placed with real commits (the
   ``order_placed`` receiver runs on commit, as in production).
2. The partner runs list API served by gunicorn under load, beside a bare Django
   view (``bench.views``) returning the same rows from the same
   database; the ratio of their throughputs is what the API's layers cost.
3. ``dispatch_confirm`` with 30 templates.
4. The portal hub page of a partner with 100 dispatched runs.
5. The reminder ladder's check over 10,000 sent runs (``bench.ladder``).
6-8. Growth with a partner's history and the catalogue, placement against COPY (``bench.scaling``).
9. Order placed -> the partner's tasks, through a real django-q2 cluster (``bench.worker``).
10. Each read at about 100, 10,000 and 100,000 runs in the database (``bench.dbsize``).

Run with ``make bench`` (``python -m bench``). Everything runs inside a throwaway data set of its own, tagged ``BENCH-<hex>``
(designs, products, orders, a partner and its user, templates, runs and tasks)
that is deleted afterwards, whatever happens, so the bench can run against a
development database. ``--quick`` runs every part with tiny counts (the test).
"""

import contextlib
from dataclasses import replace
import datetime
import os
from pathlib import Path
import platform
import secrets
import statistics
import time
from unittest import mock
import uuid

from axes.models import AccessLog
import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.api_load import api_against_bare
from bench.dbsize import dbsize_rows
from bench.harness import (
    DESIGNS,
    HUB_PATH,
    QUICK,
    ROLES_PER_ALLOCATION,
    SMALL_ORDER,
    Row,
    Sizes,
    autovacuum,
    cpu_model,
    database_version,
    gunicorn_version,
    memory,
    ms,
    render,
    settle,
)
from bench.ladder import ladder_rows
from bench.scaling import admin_rows, copy_seconds, history_rows
from bench.worker import worker_rows
from designs.models import Design
from designs.services import design_create
from orders.models import Order, Product, ProductVariant
from orders.services import order_create, order_place, product_create
from partners.auth import token_create
from partners.models import Partner
from partners.services import partner_create
from production import jobs
from production.models import ProductionPolicy, ProductionRun
from production.portal.views import PAGE_SIZE as HUB_PAGE_SIZE
from production.services import (
    Assignment,
    auto_dispatch,
    dispatch_confirm,
    dispatch_start,
    run_create_allocated,
    task_complete,
)
from tasks.models import TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection
from tasks.services import category_create, template_create

# --- the command ---------------------------------------------------------------------------

class Command(BaseCommand):
    help = ("Benchmark order placement, the partner runs API under gunicorn (beside a bare Django view), "
            "dispatch confirm and the portal hub page, on throwaway data; writes bench/RESULTS.md.")

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="Every part with tiny counts (for the test suite).")
        parser.add_argument("--sizes", type=int, nargs="+", help="Lines per order (default 1 50 500).")
        parser.add_argument("--repeat", type=int, help="Orders placed per size; the median time is shown.")
        parser.add_argument("--output", help="Results file (default bench/RESULTS.md in the repository).")

    def handle(self, *args, quick, sizes, repeat, output, **options):
        p = QUICK if quick else Sizes()
        if sizes:
            p = replace(p, lines=tuple(s for s in sizes if s > 0))
        if repeat:
            p = replace(p, repeat=max(repeat, 1), repeat_small=max(repeat, 1))
        path = Path(output) if output else Path(settings.BASE_DIR) / "bench" / "RESULTS.md"
        started = time.perf_counter()
        machine = [
            f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs), {memory()} RAM",
            f"Load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
            f"OS: {platform.platform()}",
            f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn_version()}",
            f"Database: {connection.vendor} - {database_version()}",
            f"Autovacuum: {autovacuum()}; each part starts after VACUUM ANALYZE of the tables the bench writes",
            f"Automatic dispatch: {'on' if ProductionPolicy.load().auto_dispatch else 'off'}",
        ]
        tag = f"BENCH-{uuid.uuid4().hex[:8]}"
        rows, notes = [], []
        try:
            # Parts 1 to 8 queue no background job for throwaway data (a worker would find it deleted, and the
            # broker would keep the entries); part 9 is about the worker and runs one.
            with contextlib.ExitStack() as stack:
                for module in (jobs, auto_dispatch):
                    stack.enter_context(mock.patch.object(module, "async_task", lambda *args, **kwargs: None))
                partner, user, token = self._partner_with_runs(tag, p)
                design = Design.objects.get(code=f"{tag}-R")
                parts = [
                    lambda: dbsize_rows(tag, partner, user, token, p, notes),  # first: the database at its smallest
                    lambda: self._placements(tag, p, notes),
                    lambda: api_against_bare(token, p, notes),
                    lambda: [self._hub(user, p, notes)],
                    lambda: [self._confirm(tag, partner, p, notes)],
                    lambda: ladder_rows(partner, design, p, notes),
                    lambda: history_rows(partner, user, token, design, p, notes),
                    lambda: admin_rows(tag, design, partner, p, notes),
                ]
                for part in parts:
                    settle()
                    rows += part()
            settle()
            rows += worker_rows(tag, p, notes)
        finally:
            self._clean_up(tag)
        machine.insert(2, f"Load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
        notes.append(f"Throwaway data tagged {tag} was deleted afterwards; the whole bench took "
                     f"{time.perf_counter() - started:.0f} s.")

        table = render(sorted(rows, key=lambda row: row.part))  # measured 1, 2, 4, 3: confirm adds runs
        w = self.stdout.write
        for line in machine:
            w(line)
        w("")
        w(table)
        w("")
        w(ratio_line(rows))
        w("")
        notes.sort(key=lambda note: note[:2])  # by part; the clean-up note ("Th...") last
        for note in notes:
            w(f"- {note}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"# Benchmark results\n\n`python -m bench{' --quick' if quick else ''}` (what `make bench` runs), "
            f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC.\n\n"
            + "".join(f"- {line}\n" for line in machine) + f"\n{table}\n\n{ratio_line(rows)}\n\n"
            + "".join(f"- {note}\n" for note in notes)
        )
        w("")
        w(f"Written to {path}")

    # 1. order placement ---------------------------------------------------------------------

    def _placements(self, tag: str, p: Sizes, notes: list[str]) -> list[Row]:
        variants = self._catalogue(tag, max(p.lines, default=1))
        self._place(f"{tag}-warm", variants, 1, 1)  # the first placement of the process loads code paths: not timed
        rows = []
        for lines in p.lines:
            # The sizes before this one added thousands of rows: statistics of the tables as they were at the
            # start of the part would plan this size's statements (and its commit's foreign-key checks) as if
            # they were nearly empty (500 lines took 155 ms instead of 50, the COPY 151 ms instead of 33).
            settle()
            repeat = p.repeat_small if lines <= SMALL_ORDER else p.repeat
            runs, seconds, queries, order_id = self._place(tag, variants, lines, repeat)
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
                     "every row that placement wrote, its runs and their activities (every column; the originals "
                     "deleted first, untimed, so the one-run-per-line-item constraint holds), from BEGIN to COMMIT as "
                     "placement's own commit: the floor of writing them for good, foreign-key checks included.")
        return rows

    def _catalogue(self, tag: str, lines: int) -> list[ProductVariant]:
        designs = [design_create(name=f"{tag} design {i}", code=f"{tag}-D{i}", status=Design.Status.APPROVED,
                                 specs={"fabric": "linen", "sizes": ["S", "M", "L"]}) for i in range(DESIGNS)]
        per_product = -(-lines // DESIGNS)  # ceil: one product per design, enough variants for distinct lines
        for i, design in enumerate(designs):
            product_create(title=f"{tag} product {i}", design=design,
                           variants=[{"sku": f"{tag}-P{i}-V{j}"} for j in range(per_product)])
        return list(ProductVariant.objects.filter(sku__startswith=f"{tag}-").select_related("product").order_by("id"))

    def _place(self, tag: str, variants, lines: int, repeat: int) -> tuple[int, float, int, int]:
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

    # the partner the API and the hub page serve ------------------------------------------------

    def _partner_with_runs(self, tag: str, p: Sizes) -> tuple[Partner, AbstractBaseUser, str]:
        """A partner whose user has a token, and ``partner_runs`` runs dispatched to it with tasks."""
        handle = tag.lower()
        partner = partner_create(name=f"{tag} workshop", email=f"{handle}@bench.invalid", handle=handle,
                                 owner={"email": f"{handle}-owner@bench.invalid", "password": secrets.token_urlsafe(16)})
        user = partner.memberships.get().user
        token = token_create(user)[1]
        design = design_create(name=f"{tag} partner design", code=f"{tag}-R", status=Design.Status.APPROVED,
                               specs={"fabric": "wool"})
        category = category_create(name=f"{tag} runs")
        for i in range(p.tasks_per_run):
            template_create(name=f"{tag} step {i}", category=category, sequence=i)
        selection = TemplateSelection(category_id=category.pk)
        dispatched = 0
        while dispatched < p.partner_runs:
            roles = min(ROLES_PER_ALLOCATION, p.partner_runs - dispatched)
            _, children = run_create_allocated(
                design=design, quantity=10 * roles,
                assignments=[Assignment(partner_id=partner.pk, quantity=10, role=f"role {r}") for r in range(roles)],
            )
            for child in children:
                dispatch_start(run=child, selection=selection)
                if dispatched % 3 == 0:  # progress that differs from run to run
                    task_complete(task=child.tasks.order_by("sequence").first(), actor=user)
                dispatched += 1
        return partner, user, token

    # 3. dispatch confirm ------------------------------------------------------------------------

    def _confirm(self, tag: str, partner: Partner, p: Sizes, notes: list[str]) -> Row:
        category = category_create(name=f"{tag} confirm")
        for i in range(p.templates):
            template_create(name=f"{tag} confirm step {i}", category=category, sequence=i)
        selection = TemplateSelection(category_id=category.pk)
        design = Design.objects.get(code=f"{tag}-R")
        times, queries, tasks = [], 0, 0
        for _ in range(p.confirms):
            _, (run,) = run_create_allocated(design=design, quantity=10,
                                             assignments=[Assignment(partner_id=partner.pk, quantity=10, role="confirm")])
            dispatch_start(run=run)  # the dispatch pauses, waiting for the templates
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                dispatch_confirm(run=run, selection=selection)
                times.append(time.perf_counter() - started)
            queries, tasks = len(captured.captured_queries), run.tasks.count()
        notes.append(f"3: production.services.dispatch_confirm by a category of {p.templates} templates, median of "
                     f"{p.confirms} confirm(s), each on a fresh run waiting for templates, with its commit. The "
                     "partner notification job is not queued during the bench, so its broker write is not counted.")
        return Row(3, "dispatch confirm", f"{p.templates} templates -> {tasks} tasks", median=ms(statistics.median(times)),
                   queries=str(queries))

    # 4. the portal hub page ---------------------------------------------------------------------

    def _hub(self, user, p: Sizes, notes: list[str]) -> Row:
        client = Client()
        client.force_login(user, backend="partners.backends.EmailOrUsernameBackend")
        try:
            client.get(HUB_PATH)  # warm-up: templates compiled, caches filled
            times = []
            for _ in range(p.hub_requests):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(HUB_PATH)
                    times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise CommandError(f"{HUB_PATH} answered {response.status_code}")
        finally:
            client.logout()  # deletes the session row force_login wrote
        notes.append(f"4: GET {HUB_PATH} as the partner user through Django's test client (in-process, session "
                     f"login, no HTTP server), median of {p.hub_requests} after one warm-up.")
        return Row(4, "portal hub page", f"{min(p.partner_runs, HUB_PAGE_SIZE)} of {p.partner_runs} runs",
                   median=ms(statistics.median(times)), queries=str(len(captured.captured_queries)))

    # clean-up -------------------------------------------------------------------------------------

    def _clean_up(self, tag: str) -> None:
        # Runs first (their tasks, activities and children go with them): they protect designs and partners.
        ProductionRun.objects.filter(design__code__startswith=f"{tag}-").delete()
        Order.objects.filter(external_id__startswith=f"{tag}-").delete()
        Product.objects.filter(title__startswith=f"{tag} ").delete()
        TaskTemplate.objects.filter(name__startswith=f"{tag} ").delete()
        TaskTemplateCategory.objects.filter(name__startswith=f"{tag} ").delete()
        Design.objects.filter(code__startswith=f"{tag}-").delete()
        Partner.objects.filter(handle__startswith=tag.lower()).delete()  # memberships, notifications, links cascade
        get_user_model().objects.filter(username__startswith=f"{tag.lower()}-").delete()  # and the token
        AccessLog.objects.filter(username__startswith=f"{tag.lower()}-").delete()  # axes logs the hub's login


def ratio_line(rows: list[Row]) -> str:
    ratio = next(row.throughput for row in rows if row.benchmark.startswith("API / bare"))
    return (f"**API / bare view throughput: {ratio}**: the partner runs API serves {float(ratio):.0%} of the requests "
            "per second a bare Django view serves for the same rows.")
