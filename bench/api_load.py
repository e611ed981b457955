"""Part 2 of the bench: the partner runs API under gunicorn beside the bare view (``bench.views``), loaded by
wrk (``bench.wrk``) from outside, in alternating rounds; the ratio of their throughputs is what the API's layers
cost. Both answer the same bytes (checked before loading), so both sides do the same work."""

import math
import statistics

from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.harness import API_PATH, BARE_PATH, ROUNDS, Gunicorn, Row, Sizes, gunicorn_version, http_get, load, ms
from bench.views import PAGE_SIZE
from bench.wrk import run_wrk, wrk_path

MAX_ROUND_SECONDS = 60  # six rounds, six minutes at most: a host slower than that falls short (the note says so)


def api_against_bare(token: str, p: Sizes, notes: list[str]) -> list[Row]:
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    queries = _queries_per_request(headers)
    server = Gunicorn(workers=p.workers, headers=headers)
    use_wrk = wrk_path() is not None
    try:
        size = _check_same_bytes(server.port, headers)
        rounds: dict[str, list[tuple[float, float, float, int]]] = {API_PATH: [], BARE_PATH: []}
        for path in rounds:  # warm-up, not measured
            load(server.port, path, headers, requests=p.warmup, clients=p.clients, limit_seconds=p.load_seconds)
        seconds = _round_seconds(server.port, headers, p) if use_wrk else 0
        for _ in range(ROUNDS):
            for path in rounds:
                rounds[path].append(_round(server.port, path, headers, p, seconds))
    finally:
        server.stop()

    medians = {path: tuple(statistics.median(r[i] for r in rs) for i in range(3)) for path, rs in rounds.items()}
    totals = {path: sum(r[3] for r in rs) for path, rs in rounds.items()}
    label = f"{min(p.partner_runs, PAGE_SIZE)} of {p.partner_runs} runs, {p.clients} connections"
    rows = [
        Row(2, name, label, throughput=f"{medians[path][0]:,.1f} req/s", median=f"p50 {ms(medians[path][1])}",
            p95=f"p95 {ms(medians[path][2])}", queries=str(queries[path]))
        for name, path in (("partner runs API (DRF) on gunicorn", API_PATH), ("bare Django view on gunicorn", BARE_PATH))
    ]
    ratio = medians[API_PATH][0] / medians[BARE_PATH][0]
    rows.append(Row(2, "API / bare (throughput ratio)", "goal >= 0.75", throughput=f"{ratio:.2f}"))
    generator = (f"wrk (a separate process, {p.clients} connections on 2 threads, {seconds} s per round: at least "
                 f"{p.round_seconds} s, longer when a 2 s run of the API before them, not measured, says "
                 f"{p.per_side:,} requests per endpoint need it)"
                 if use_wrk else "the bench's thread loader (wrk not installed: `make bench` installs it)")
    notes.append(
        f"2: GET {API_PATH} (its default page: a count, links and up to {PAGE_SIZE} rows; Token auth, DRF permissions, "
        f"filters, pagination, the list's rows from production.api.partner_list, DRF's renderer) against GET "
        f"{BARE_PATH}, a plain function view routed only in bench.urls: the same token checked by hand in one query, "
        f"the same COUNT, the same rows (partner_list), orjson. Both answered the same {size:,} bytes, checked "
        f"before loading. gunicorn {gunicorn_version()}, "
        f"{p.workers} sync worker(s), DEBUG off, DATABASE_CONN_MAX_AGE={server.conn_max_age}. Load: {generator}; "
        f"{ROUNDS} alternating rounds per endpoint after a warm-up; medians of the rounds; "
        f"{totals[API_PATH]:,} and {totals[BARE_PATH]:,} requests in all"
        + (f" (fewer than the {p.per_side:,} per endpoint asked for)"
           if use_wrk and min(totals.values()) < p.per_side else "")
        + ". The generator, gunicorn and PostgreSQL "
        "share the machine's CPUs. Queries per request counted in-process with Django's test client."
        + (" SQLite: gunicorn's workers opened the same database file." if connection.vendor == "sqlite" else "")
    )
    return rows


def _round_seconds(port: int, headers: dict, p: Sizes) -> int:
    """Seconds per wrk round: enough for ``p.per_side`` requests per endpoint over the rounds (with a quarter to
    spare) at the pace of a 2 s run of the API, the slower side; never fewer than ``p.round_seconds``, never more
    than ``MAX_ROUND_SECONDS`` (the note says when a side fell short)."""
    result = run_wrk(port, API_PATH, headers, seconds=2, connections=p.clients)
    if result.errors or not result.requests:
        raise CommandError(f"{API_PATH}: {result.errors} failed request(s) of {result.requests}")
    return min(MAX_ROUND_SECONDS, max(p.round_seconds, math.ceil(p.per_side * 1.25 / ROUNDS / result.rps)))


def _round(port: int, path: str, headers: dict, p: Sizes, seconds: int) -> tuple[float, float, float, int]:
    """(requests per second, p50, p95, requests) of one round: ``seconds`` of wrk, else the thread loader."""
    if seconds:
        result = run_wrk(port, path, headers, seconds=seconds, connections=p.clients)
        if result.errors or not result.requests:
            raise CommandError(f"{path}: {result.errors} failed request(s) of {result.requests}")
        return result.rps, result.p50, result.p95, result.requests
    batch = load(port, path, headers, requests=-(-p.requests // ROUNDS), clients=p.clients,
                 limit_seconds=p.load_seconds)
    if batch.errors or not batch.latencies:
        raise CommandError(f"{path}: {len(batch.errors)} failed request(s), e.g. {batch.errors[:3]}")
    ordered = sorted(batch.latencies)
    return (len(ordered) / batch.seconds, ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95) - 1],
            len(ordered))


def _queries_per_request(headers: dict) -> dict[str, int]:
    client = Client(HTTP_AUTHORIZATION=headers["Authorization"], HTTP_ACCEPT="application/json")
    counts = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        for path in (API_PATH, BARE_PATH):
            client.get(path)  # first request: settle any one-off work before counting
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
            counts[path] = len(captured.captured_queries)
    return counts


def _check_same_bytes(port: int, headers: dict) -> int:
    bodies = {}
    for path in (API_PATH, BARE_PATH):
        status, body = http_get(port, path, headers)
        if status != 200:
            raise CommandError(f"{path} answered {status}: {body[:300]!r}")
        bodies[path] = body
    if bodies[API_PATH] != bodies[BARE_PATH] or b'"results":[]' in bodies[API_PATH]:
        raise CommandError(f"The API and the bare view answer differently:\n{bodies[API_PATH][:2000]!r}\n"
                           f"{bodies[BARE_PATH][:2000]!r}")
    return len(bodies[API_PATH])
