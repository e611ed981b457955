"""The bench's harness: what the machine is, a loopback load generator, and gunicorn serving ``bench.urls``."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
import http.client
import itertools
import math
import os
import platform
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from designs.models import Design
from orders.models import Order, OrderLineItem
from partners.models import Partner
from production.models import ProductionRun, ProductionRunActivity
from tasks.models import Task

DESIGNS = 5  # order lines cycle through products of a few designs, as real orders do
API_PATH = "/api/partners/production-runs/"
BARE_PATH = "/bench/bare-runs/"
HUB_PATH = "/portal/"
SMALL_ORDER = 50  # lines: orders this small are placed Sizes.repeat_small times
ROUNDS = 3  # the API and the bare view take turns, so a busy moment of the machine hits both
ROLES_PER_ALLOCATION = 10  # the partner's runs are children of allocations, as dispatched runs are
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class Sizes:
    lines: tuple[int, ...] = (1, 50, 500)
    repeat: int = 3  # placements per order size
    repeat_small: int = 21  # placements of 50 lines or fewer: a 10 ms measurement needs more than 3 samples
    partner_runs: int = 100  # dispatched runs of the partner the API and the hub page list
    tasks_per_run: int = 5
    workers: int = 2  # gunicorn sync workers
    clients: int = 8  # concurrent load-generator clients
    requests: int = 400  # per endpoint, split over ROUNDS (the thread loader, without wrk)
    round_seconds: int = 10  # per round with wrk, at least: longer when a slow host needs it to make per_side
    per_side: int = 2_000  # requests per endpoint with wrk, over the ROUNDS rounds
    warmup: int = 20  # per endpoint, not measured
    load_seconds: float = 30  # hard limit per batch of requests
    templates: int = 30  # per dispatch confirm
    confirms: int = 10
    hub_requests: int = 20
    ladder_runs: int = 10_000  # sent runs the reminder ladder's check looks over
    ladder_due: int = 20
    history_runs: int = 7_900  # finished runs behind the partner's live ones (8,000 in all)
    catalogue_designs: int = 5_000  # more, for the admin pages
    catalogue_partners: int = 2_000
    catalogue_waiting: int = 2_000  # runs waiting for templates
    worker_orders: int = 30  # placed one after another, each timed to its partner's first task
    database_runs: tuple[int, ...] = (10_000, 100_000)  # the whole runs table, after the bench's own ~130


QUICK = Sizes(lines=(1, 3), repeat=1, repeat_small=1, partner_runs=4, tasks_per_run=2, workers=1, clients=2,
              requests=8, warmup=2, round_seconds=1, per_side=8,
              load_seconds=10, templates=3, confirms=1, hub_requests=2, ladder_runs=30, ladder_due=3, history_runs=20,
              catalogue_designs=10, catalogue_partners=10, catalogue_waiting=10, worker_orders=2,
              database_runs=(30, 60))


@dataclass
class Row:
    part: int
    benchmark: str
    size: str
    throughput: str = ""
    median: str = ""
    p95: str = ""
    queries: str = ""


# --- the machine -------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def cpu_reference() -> str:
    """One core's speed as a number to compare hosts by: absolute times (the worker's p95, a placement's
    milliseconds) scale with it, ratios hardly do. The best of three runs of a fixed pure-Python loop."""
    def loop() -> float:
        started, total = time.perf_counter(), 0
        for i in range(5_000_000):
            total += i
        return time.perf_counter() - started

    return f"a pure-Python loop of 5 million additions takes {min(loop() for _ in range(3)):.2f} s (lower is faster)"


def memory() -> str:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return "unknown"


# What the bench bulk-writes, or inserts into and rolls back: both leave dead rows behind.
WRITTEN = (ProductionRun, ProductionRunActivity, Task, Order, OrderLineItem, Design, Partner)


def autovacuum() -> str:
    if connection.vendor != "postgresql":
        return "not applicable"
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        return cursor.fetchone()[0]


def settle(models=WRITTEN) -> None:
    """What autovacuum does after bulk writes: dead rows cleared, statistics and the visibility map (which
    index-only scans rely on) brought up to date. Every part starts from here, so none measures the garbage the
    part before it left (autovacuum may be off, or a minute behind, and the bench's rolled-back inserts leave
    tens of thousands of dead rows)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(connection.ops.quote_name(m._meta.db_table) for m in models)}")


def gunicorn_version() -> str:
    try:
        import gunicorn

        return gunicorn.__version__
    except ImportError:
        return "not installed"


def database_url() -> str:
    """The URL of the database this process uses (under pytest: the test database), for gunicorn."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            raise CommandError("The HTTP part needs a database another process can open, not in-memory SQLite.")
        return f"sqlite:///{s['NAME']}"
    if connection.vendor != "postgresql":
        raise CommandError(f"No database URL for {connection.vendor}.")
    user, password = quote(s.get("USER") or "", safe=""), quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    options = urlencode({k: v for k, v in (s.get("OPTIONS") or {}).items() if isinstance(v, str | int)})
    return f"postgres://{auth}{s.get('HOST') or ''}{port}/{quote(s['NAME'])}" + (f"?{options}" if options else "")


# --- the load generator ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    # A new connection per request: gunicorn's sync workers close every connection anyway.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Batch:
    latencies: list[float]
    errors: list[str]
    seconds: float
    cut_short: bool


def load(port: int, path: str, headers: dict, *, requests: int, clients: int, limit_seconds: float) -> Batch:
    """``requests`` GETs from ``clients`` concurrent threads, stopping early at ``limit_seconds``."""
    tickets = itertools.count()  # next() is atomic under the GIL: each ticket is one request
    latencies, errors = [], []
    deadline = time.monotonic() + limit_seconds

    def client() -> None:
        while time.monotonic() < deadline and next(tickets) < requests:
            started = time.perf_counter()
            try:
                status, _ = http_get(port, path, headers)
            except OSError as exc:
                errors.append(repr(exc))
                continue
            if status == 200:
                latencies.append(time.perf_counter() - started)
            else:
                errors.append(f"HTTP {status}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    seconds = time.perf_counter() - started
    return Batch(latencies, errors, seconds, cut_short=len(latencies) + len(errors) < requests)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def server_env(conn_max_age: str) -> dict:
    """gunicorn's environment: production settings on this database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(),
        # Persistent connections, as a deployment sets them; else every request also opens one.
        "DATABASE_CONN_MAX_AGE": conn_max_age,
        # Production settings (DEBUG off), on plain HTTP on loopback.
        "DJANGO_DEBUG": "false",
        # The same key as the workers when one is set: jobs are signed with it.
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",  # the bench sends no mail
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "ORDER_WEBHOOK_SECRET": os.environ.get("ORDER_WEBHOOK_SECRET") or secrets.token_urlsafe(32),
        "LOG_LEVEL": "WARNING",
    }


class Gunicorn:
    """gunicorn serving ``bench.urls`` (``bench.settings``) on a free loopback port, against this process's database."""

    def __init__(self, *, workers: int, headers: dict):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.conn_max_age = os.environ.get("DATABASE_CONN_MAX_AGE") or "60"
        env = server_env(self.conn_max_age)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--log-level", "warning", "--chdir", str(settings.BASE_DIR)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_until_serving(headers)

    def _wait_until_serving(self, headers: dict) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                if http_get(self.port, API_PATH, headers)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not answer within {STARTUP_SECONDS} seconds:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def render(rows: list[Row]) -> str:
    """One Markdown table, columns padded so it reads in a terminal too."""
    header = ["#", "benchmark", "size", "throughput", "median", "p95", "queries"]
    cells = [header] + [[str(r.part), r.benchmark, r.size, r.throughput, r.median, r.p95, r.queries] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    right = {0, 3, 4, 5, 6}

    def line(row):
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(row, widths, strict=True))) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in cells[1:])])
