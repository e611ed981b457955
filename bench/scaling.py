"""Parts 6 and 7 of the bench: how times grow with the data, each as a ratio against the same work on less.

6. A partner's history: the partner runs list and the portal hub for the bench partner with its live runs,
   then with thousands of finished runs behind them (goal: at most 1.5 times as long).
7. The catalogue: the admin's New run, Allocate and Confirm templates pages, then with 5,000 designs, 2,000
   partners and 2,000 runs waiting for templates more (goal: at most twice as long).

Everything bulk-inserted here is inside a transaction rolled back afterwards (as in ``bench.ladder``): the
in-process client reads it on the same connection, and nothing is left behind.
"""

from datetime import timedelta
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.harness import API_PATH, HUB_PATH, Row, Sizes, ms
from designs.models import Design
from partners.models import Partner
from production.admin.confirm import CONFIRM_PAGE_SIZE
from production.models import DispatchState, ProductionRun, RunStatus
from production.services import run_create
from tasks.models import Task

BATCH = 1000


class _RollBack(Exception):
    pass


def _median_get(client: Client, path: str, times: int) -> float:
    client.get(path)  # warm-up
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return statistics.median(samples)


def _analyze(*tables: str) -> None:
    """What autovacuum does after such an insert: without it the planner believes the tables still small."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")


def _ratio_rows(part: int, name: str, small: str, large: str, before: float, after: float, goal: float) -> list[Row]:
    return [Row(part, name, small, median=ms(before)), Row(part, name, large, median=ms(after)),
            Row(part, f"{name}: growth", f"goal <= {goal:g}x", throughput=f"{after / before:.2f}x")]


# 6. a partner's history ---------------------------------------------------------------------------

def history_rows(partner: Partner, user, token: str, design: Design, p: Sizes, notes: list[str]) -> list[Row]:
    api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    hub = Client()
    live = ProductionRun.objects.filter(partner=partner).count()
    try:
        with transaction.atomic():
            hub.force_login(user, backend="partners.backends.EmailOrUsernameBackend")
            before = {path: _median_get(client, path, p.hub_requests) for path, client in ((API_PATH, api), (HUB_PATH, hub))}
            oldest = ProductionRun.objects.filter(partner=partner).order_by("sent_at").values_list("sent_at", flat=True)[0]
            history = ProductionRun.objects.bulk_create(
                (ProductionRun(status=RunStatus.COMPLETED, dispatch_state=DispatchState.COMPLETED, partner=partner,
                               design=design, quantity=10, produced_quantity=10, rejected_quantity=0,
                               sent_at=oldest - timedelta(hours=i + 1), completed_at=oldest - timedelta(hours=i),
                               captured_at=oldest, snapshot={"name": design.name}) for i in range(p.history_runs)),
                batch_size=BATCH)
            Task.objects.bulk_create(
                (Task(production_run=run, partner=partner, design=design, title=f"Step {n}", sequence=n,
                      status=Task.Status.COMPLETED) for run in history for n in range(2)), batch_size=BATCH)
            _analyze("production_productionrun", "tasks_task")
            after = {path: _median_get(client, path, p.hub_requests) for path, client in ((API_PATH, api), (HUB_PATH, hub))}
            raise _RollBack
    except _RollBack:
        pass
    total = live + p.history_runs
    notes.append(f"6: the bench partner's first page with its {live} live runs, then with {p.history_runs:,} finished "
                 f"runs (2 tasks each) behind them; in-process (Django's test client), median of {p.hub_requests} after "
                 "a warm-up; inserted (and the tables analyzed, as autovacuum would) in a transaction rolled back afterwards.")
    return [
        *_ratio_rows(6, "partner runs API", f"partner with {live} runs", f"partner with {total:,} runs",
                     before[API_PATH], after[API_PATH], 1.5),
        *_ratio_rows(6, "portal hub page", f"partner with {live} runs", f"partner with {total:,} runs",
                     before[HUB_PATH], after[HUB_PATH], 1.5),
    ]


# 7. the catalogue in admin --------------------------------------------------------------------------

def _waiting(design: Design, partner: Partner, count: int) -> None:
    ProductionRun.objects.bulk_create(
        (ProductionRun(design=design, partner=partner, quantity=1, role="cutting", status=RunStatus.APPROVED,
                       dispatch_state=DispatchState.AWAITING_TEMPLATES, dispatch_started_at=timezone.now(),
                       snapshot={}) for _ in range(count)), batch_size=BATCH)


def admin_rows(tag: str, design: Design, partner: Partner, p: Sizes, notes: list[str]) -> list[Row]:
    staff = Client()
    try:
        with transaction.atomic():
            admin = get_user_model().objects.create_superuser(f"{tag.lower()}-staff", f"{tag.lower()}@bench.invalid",
                                                              None)
            staff.force_login(admin)
            pending = run_create(design=design, quantity=10)
            _waiting(design, partner, CONFIRM_PAGE_SIZE)  # a full page of waiting runs in both measurements
            pages = {"admin: new run": reverse("admin:production_productionrun_add"),
                     "admin: allocate": reverse("admin:production_productionrun_allocate", args=[pending.pk]),
                     "admin: confirm templates": reverse("admin:production_productionrun_confirm_templates")}
            before = {name: _median_get(staff, url, p.hub_requests) for name, url in pages.items()}
            Design.objects.bulk_create((Design(name=f"{tag} catalogue {i}", code=f"{tag}-C{i}")
                                        for i in range(p.catalogue_designs)), batch_size=BATCH)
            Partner.objects.bulk_create((Partner(name=f"{tag} workshop {i}", handle=f"{tag.lower()}-w{i}",
                                                 email=f"w{i}@bench.invalid", roles=["cutting"])
                                         for i in range(p.catalogue_partners)), batch_size=BATCH)
            _waiting(design, partner, p.catalogue_waiting)
            _analyze("production_productionrun", "designs_design", "partners_partner")
            after = {name: _median_get(staff, url, p.hub_requests) for name, url in pages.items()}
            raise _RollBack
    except _RollBack:
        pass
    notes.append(f"7: the admin pages as a superuser, in-process, median of {p.hub_requests} after a warm-up, with "
                 f"{CONFIRM_PAGE_SIZE} runs waiting for templates (Confirm templates' full page); then with "
                 f"{p.catalogue_designs:,} designs, {p.catalogue_partners:,} partners and {p.catalogue_waiting:,} runs "
                 "waiting for templates more (inserted, and the tables analyzed as autovacuum would, in a transaction "
                 "rolled back afterwards).")
    large = (f"+{p.catalogue_designs:,} designs, {p.catalogue_partners:,} partners, {p.catalogue_waiting:,} waiting")
    return [row for name in pages for row in _ratio_rows(7, name, f"{CONFIRM_PAGE_SIZE} waiting", large, before[name],
                                                          after[name], 2)]
