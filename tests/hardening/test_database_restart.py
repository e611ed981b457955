"""A database that drops its connections (a restart, a failover) costs a reconnect, not errors.

gunicorn keeps persistent connections (DATABASE_CONN_MAX_AGE); PostgreSQL then kills every
one of them, as a restart does; the next request must still answer, because each reuse of a
connection is checked first (CONN_HEALTH_CHECKS).
"""

import http.client

from django.db import connection
import pytest

from bench.harness import API_PATH, Gunicorn
from partners.auth import token_create
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _get(port: int, headers: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", API_PATH, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _drop_every_other_connection() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def test_requests_succeed_right_after_the_database_drops_every_connection(require_postgres):
    headers = {"Authorization": f"Token {token_create(MembershipFactory().user)[1]}", "Accept": "application/json"}
    server = Gunicorn(workers=1, headers=headers)
    try:
        assert _get(server.port, headers) == 200  # the worker now holds a persistent connection
        assert _drop_every_other_connection() >= 1
        assert [_get(server.port, headers) for _ in range(3)] == [200, 200, 200]
    finally:
        server.stop()
