"""Part 9 of the bench: an order placed -> its partner's tasks exist, through automatic dispatch and a real
django-q2 cluster (``manage.py qcluster``, the product's default configuration: the ORM broker unless
``REDIS_URL`` is set) in another process, as ``make run`` starts it.

The design is ready for commerce with a deterministic routing (one partner, a template category), and the
production policy's automatic dispatch is switched on for the part and back afterwards. The bench places each
order in its own transaction and watches, every 2 ms, for the first task of the order's runs.
"""

from dataclasses import dataclass
from datetime import datetime
import os
from pathlib import Path
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django_q.models import Task as QueuedTask

from bench.harness import Row, Sizes, database_url, ms, percentile
from designs.models import Design
from designs.services import design_create
from orders.services import order_create, order_place, product_create
from partners.services import partner_create
from production.models import ProductionPolicy, ProductionRun
from production.services import policy_update
from tasks.models import Task
from tasks.services import category_create, template_create

WAIT_SECONDS = 60  # for the cluster to start and take the first order


class Cluster:
    """``manage.py qcluster`` on this process's database and settings (its signing key too: jobs are signed)."""

    def __init__(self):
        self.log = tempfile.TemporaryFile()
        env = {"DJANGO_SETTINGS_MODULE": "config.settings", **os.environ, "DATABASE_URL": database_url()}
        self.process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=Path(settings.BASE_DIR),
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # django-q2 finishes what it holds, then stops
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]


@dataclass(frozen=True)
class Placed:
    order_id: int
    at: float  # wall clock (time.time()) when order_place began, to line up with the rows' own timestamps
    seconds: float  # until the first task of its runs was seen


def _place_and_wait(product, external_id: str, limit: float) -> Placed:
    order = order_create(customer_email="bench@example.com", external_id=external_id,
                         items=[{"product": product, "quantity": 2}])
    at, started = time.time(), time.perf_counter()
    order_place(order=order)  # its runs are made when it commits; the dispatch job is queued on theirs
    while not Task.objects.filter(production_run__order_id=order.pk).exists():
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"no task for order {order.pk} after {limit:.0f} s")
        time.sleep(0.002)
    return Placed(order.pk, at, time.perf_counter() - started)


def _queued_at(placed: list[Placed], limit: float) -> dict[int, float]:
    """When each order's dispatch job was queued, by order: django-q2 stamps a job's ``started`` in
    ``async_task``, on placement's commit, not when a worker takes it. Read once all the jobs' results are saved."""
    runs = dict(ProductionRun.objects.filter(order_id__in=[p.order_id for p in placed]).values_list("pk", "order_id"))
    deadline = time.perf_counter() + limit
    while True:
        queued = {runs[job.args[0]]: job.started.timestamp()
                  for job in QueuedTask.objects.filter(func__endswith=".run_auto_dispatch", started__isnull=False)
                  .order_by("-started")[:len(placed) * 2] if job.args and job.args[0] in runs}
        if len(queued) == len(placed) or time.perf_counter() > deadline:
            return queued
        time.sleep(0.05)  # the cluster saves a job's result after it returns


def _breakdown(placed: list[Placed], queued: dict[int, float]) -> list[Row]:
    """Medians of the three legs of an order's way, from the rows' own timestamps: placement until the job is
    queued, until the job approves the run (the root run's ``approved_at``), then until its tasks are seen."""
    approved = {order_id: at.timestamp() for order_id, at in ProductionRun.objects.filter(
        order_id__in=[p.order_id for p in placed], parent_run__isnull=True).values_list("order_id", "approved_at")
        if at is not None}
    timed = [p for p in placed if p.order_id in queued and p.order_id in approved]
    legs = [
        ("  placement, until the job is queued", [queued[p.order_id] - p.at for p in timed]),
        ("  then until the job approves the run", [approved[p.order_id] - queued[p.order_id] for p in timed]),
        ("  then until its tasks are seen", [p.at + p.seconds - approved[p.order_id] for p in timed]),
    ]
    return [Row(9, name, f"median of {len(values)}", median=f"p50 {ms(statistics.median(values))}")
            for name, values in legs if values]


def worker_rows(tag: str, p: Sizes, notes: list[str]) -> list[Row]:
    handle = f"{tag.lower()}-w"
    partner = partner_create(name=f"{tag} worker workshop", email=f"{handle}@bench.invalid", handle=handle,
                             owner={"email": f"{handle}-owner@bench.invalid", "password": "x" * 20})
    category = category_create(name=f"{tag} worker steps")
    for i in range(2):
        template_create(name=f"{tag} worker step {i}", category=category, sequence=i)
    design = design_create(name=f"{tag} worker design", code=f"{tag}-W", status=Design.Status.COMMERCE_READY,
                           routing={"assignments": [{"partner": partner.pk, "role": "cutting", "share": 1}],
                                    "template_category": category.pk})
    product = product_create(title=f"{tag} worker product", design=design)
    was_on = ProductionPolicy.load().auto_dispatch
    since: datetime = timezone.now()
    policy_update(auto_dispatch=True)
    cluster = Cluster()
    try:
        try:
            _place_and_wait(product, f"{tag}-W-warm", WAIT_SECONDS)  # the cluster started and took one
        except TimeoutError as exc:
            raise CommandError(f"The django-q2 cluster did not dispatch: {exc}\n{cluster.output()}") from exc
        placed = [_place_and_wait(product, f"{tag}-W{i}", 10) for i in range(p.worker_orders)]
        queued = _queued_at(placed, 10)
    finally:
        cluster.stop()
        policy_update(auto_dispatch=was_on)
        QueuedTask.objects.filter(started__gte=since, func__startswith="production.").delete()  # the jobs' results
    broker = ("Redis" if settings.Q_CLUSTER.get("redis") else "ORM broker woken by NOTIFY (config.queue)"
              if settings.Q_CLUSTER.get("broker_class") else f"ORM broker, poll {settings.Q_CLUSTER.get('poll', 0.2)} s")
    notes.append(f"9: {p.worker_orders} orders of one line placed one after another with automatic dispatch on; the "
                 "time from order_place to the first task of its runs (runs made on commit, the dispatch job queued "
                 f"on theirs, taken by `manage.py qcluster` in another process: {broker}, "
                 f"{settings.Q_CLUSTER['workers']} workers), watched every 2 ms; after one warm-up order. Below it, "
                 "where that time went, from the rows' own timestamps: when django-q2 queued the job (its "
                 "`started`, stamped by async_task on placement's commit) and the root run's approved_at (the "
                 "job's approval, after its lock, the policy and the routing's checks). The second leg holds "
                 "the broker's wake-up, the hand-over to a worker and the job's reads; the third, the job's "
                 "writes, its commit and the bench's 2 ms watch.")
    latencies = [p.seconds for p in placed]
    return [Row(9, "order placed -> partner's tasks (worker)", f"{p.worker_orders} orders, goal p95 <= 100 ms",
                median=f"p50 {ms(statistics.median(latencies))}", p95=f"p95 {ms(percentile(latencies, 95))}"),
            *_breakdown(placed, queued)]
