"""``manage.py qcluster`` stops within 10 s when its whole process group gets SIGTERM, finishing the job in hand,
which then never runs again after a restart. A real cluster in subprocesses, on a throwaway SQLite database (the
ORM broker polls) and on the PostgreSQL test database (the broker waits for NOTIFY: ``config.queue``)."""

import os
from pathlib import Path
import signal
import subprocess
import sys
import time

from django.conf import settings
import pytest

from bench.harness import database_url

STOP_WITHIN = 10  # seconds: what systemd and make run's Ctrl-C may wait


def _manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)


def _cluster(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=settings.BASE_DIR, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _wait_for(marks: Path, line: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if marks.exists() and line in marks.read_text().splitlines():
            return
        time.sleep(0.1)  # polling another process, not timing the product
    raise AssertionError(f"{line!r} never appeared in {marks}: {marks.read_text() if marks.exists() else ''}")


def _queue(env, marks: Path, label: str) -> None:
    code = f"from django_q.tasks import async_task; async_task('tests.hardening.jobs.slow_record', {str(marks)!r}, {label!r})"
    assert _manage(env, "shell", "-c", code).returncode == 0


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    request.getfixturevalue("require_postgres")
    request.getfixturevalue("transactional_db")  # the cluster's processes see what the test commits
    return database_url()


@pytest.mark.slow
def test_a_group_sigterm_stops_the_cluster_in_time_and_the_job_runs_once(tmp_path, database):
    env = {**os.environ, "DATABASE_URL": database, "Q_WORKERS": "1", "DJANGO_DEBUG": "true",
           "PYTHONPATH": str(settings.BASE_DIR)}
    marks = tmp_path / "marks.txt"
    assert _manage(env, "migrate", "--noinput").returncode == 0
    _queue(env, marks, "first")

    cluster = _cluster(env)
    try:
        _wait_for(marks, "start first")
        stopped_at = time.monotonic()
        os.killpg(cluster.pid, signal.SIGTERM)  # the whole group: main, sentinel, pusher, worker, monitor
        cluster.wait(timeout=STOP_WITHIN)
        assert time.monotonic() - stopped_at < STOP_WITHIN
    finally:
        if cluster.poll() is None:
            os.killpg(cluster.pid, signal.SIGKILL)
    assert marks.read_text().splitlines() == ["start first", "done first"]  # the job in hand was finished

    # After a restart the first job is not handed out again; a second one shows the cluster is working.
    _queue(env, marks, "second")
    cluster = _cluster(env)
    try:
        _wait_for(marks, "done second")
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        cluster.wait(timeout=STOP_WITHIN)
    assert marks.read_text().splitlines() == ["start first", "done first", "start second", "done second"]
