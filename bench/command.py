"""How fast the product is on this machine and database: one table, also written to bench/RESULTS.md.

1. Order placement: orders of 1, 50 and 500 lines placed with real commits, beside psycopg's COPY of the
   same rows (``bench.placement``).
2. The partner runs list API served by gunicorn under load, beside a bare Django
   view (``bench.views``) returning the same rows from the same
   database; the ratio of their throughputs is what the API's layers cost.
3. ``dispatch_confirm`` with 30 templates.
4. The portal hub page of a partner with 100 dispatched runs.
5. The reminder ladder's check over 10,000 sent runs (``bench.ladder``).
6-7. Growth with a partner's history and the catalogue (``bench.scaling``).
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
    HUB_PATH,
    QUICK,
    ROLES_PER_ALLOCATION,
    Row,
    Sizes,
    autovacuum,
    cpu_model,
    cpu_reference,
    database_version,
    gunicorn_version,
    memory,
    ms,
    render,
    settle,
)
from bench.ladder import ladder_rows
from bench.placement import placement_rows
from bench.scaling import admin_rows, history_rows
from bench.worker import worker_rows
from designs.models import Design
from designs.services import design_create
from orders.models import Order, Product
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
            f"Single-core speed: {cpu_reference()}",
            f"Load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
            f"OS: {platform.platform()}",
            f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn_version()}",
            f"Database: {connection.vendor} - {database_version()}",
            f"Autovacuum: {autovacuum()}" + ("; each part starts after VACUUM ANALYZE of the tables the bench "
                                             "bulk-writes" if connection.vendor == "postgresql" else ""),
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
                    lambda: placement_rows(tag, p, notes),
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
        machine.insert(3, f"Load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
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
