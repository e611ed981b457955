"""Scale-out, proven: two gunicorn processes and two worker clusters on one PostgreSQL database and Redis.

Orders are placed, and dispatches confirmed, through both web processes at once; the
notification jobs go through Redis to whichever cluster takes them. Every invariant holds:
one root run per line item, one set of tasks and one notification (and email) per dispatch.
"""

from concurrent.futures import ThreadPoolExecutor
import http.client
import json
import os
from pathlib import Path
import secrets
import signal
import subprocess
import sys
import time
import uuid

from django.conf import settings
import pytest
import redis

from bench.harness import Gunicorn, database_url
from partners.auth import token_create
from partners.models import Notification
from production.jobs import dispatch_key
from production.models import ProductionRun
from tasks.models import Task
from tests.factories import CategoryFactory, DesignFactory, MembershipFactory, PartnerFactory, ProductFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
ORDERS = 6
LINES = 3


def _require_redis():
    try:
        redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"needs Redis at {REDIS_URL} ({exc})")


def _call(port: int, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Authorization": f"Token {token}", "Content-Type": "application/json",
                              "Accept": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _clusters(log_dir: Path, env: dict) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR, env=env,
                             stdout=open(log_dir / f"cluster-{i}.log", "w"), stderr=subprocess.STDOUT,
                             start_new_session=True) for i in range(2)]


def _wait_until(check, within: float = 90) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)  # polling other processes, not timing the product
    raise AssertionError("the workers did not finish in time")


def test_two_web_processes_and_two_workers_keep_every_invariant(require_postgres, tmp_path, monkeypatch, staff):
    _require_redis()
    # One queue of our own in Redis, so no other run's jobs are mixed in.
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("Q_CLUSTER_NAME", f"scaleout-{uuid.uuid4().hex[:8]}")
    # Every process shares the secret, as a deployment does: jobs are signed with it.
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    partner = PartnerFactory()
    partner_user = MembershipFactory(partner=partner).user
    category = CategoryFactory(steps=3)
    products = [ProductFactory(design=DesignFactory()) for _ in range(LINES)]
    staff_token = token_create(staff)[1]

    web = [Gunicorn(workers=1, headers={"Authorization": f"Token {token_create(partner_user)[1]}"}) for _ in range(2)]
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "Q_WORKERS": "2", "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    workers = _clusters(tmp_path, env)
    try:
        ports = [w.port for w in web]

        # Orders: each created through one process, then placed through BOTH at the same moment.
        def order(i):
            status, body = _call(ports[i % 2], "POST", "/api/admin/orders/", staff_token, {
                "customer_email": f"c{i}@shop.example", "external_id": f"SCALE-{i}",
                "items": [{"product": p.pk, "quantity": 2 + k} for k, p in enumerate(products)]})
            assert status == 201, body
            with ThreadPoolExecutor(2) as pool:
                placed = list(pool.map(lambda port: _call(port, "POST", f"/api/admin/orders/{body['id']}/place",
                                                          staff_token, {}), ports))
            assert [s for s, _ in placed] == [200, 200], placed
            return body["id"]

        with ThreadPoolExecutor(4) as pool:
            order_ids = list(pool.map(order, range(ORDERS)))
        roots = ProductionRun.objects.filter(order_id__in=order_ids, parent_run__isnull=True)
        assert roots.count() == ORDERS * LINES  # one root run per line item, never two

        # Each root: approved into one child and dispatched; then confirmed through both processes at once.
        children = []
        for i, root in enumerate(roots.order_by("id")):
            status, body = _call(ports[i % 2], "POST", f"/api/admin/production-runs/{root.pk}/approve", staff_token,
                                 {"assignments": [{"partner": partner.pk, "role": "make", "quantity": root.quantity}]})
            assert status == 200, body
            child_id = body["children"][0]["id"]
            assert _call(ports[(i + 1) % 2], "POST", f"/api/admin/production-runs/{child_id}/dispatch", staff_token,
                         {})[0] == 202
            children.append(child_id)

        def confirm_twice(child_id):
            with ThreadPoolExecutor(2) as pool:
                return sorted(pool.map(lambda port: _call(
                    port, "POST", f"/api/admin/production-runs/{child_id}/dispatch/confirm", staff_token,
                    {"template_category": category.pk})[0], ports))

        with ThreadPoolExecutor(4) as pool:
            assert set(map(tuple, pool.map(confirm_twice, children))) == {(200, 409)}

        for child_id in children:
            assert Task.objects.filter(production_run_id=child_id).count() == 3  # one set of tasks

        keys = {dispatch_key(run) for run in ProductionRun.objects.filter(pk__in=children)}
        _wait_until(lambda: Notification.objects.filter(key__in=keys, emailed_at__isnull=False).count() == len(keys))
    finally:
        for cluster in workers:
            os.killpg(cluster.pid, signal.SIGTERM)
        for cluster in workers:
            cluster.wait(timeout=15)
        for server in web:
            server.stop()

    assert Notification.objects.filter(key__in=keys).count() == len(keys)  # one notification per dispatch
    mail = "".join((tmp_path / f"cluster-{i}.log").read_text() for i in range(2))
    for child_id in children:  # and one email, whichever worker sent it
        assert mail.count(f"Production run #{child_id} for ") == 1, child_id  # the body (the subject is encoded)
