"""The job queue on PostgreSQL: django-q2's ORM broker, woken by NOTIFY (``config.queue``).

A waiting cluster hears a job when the job's row commits, never before; each job is claimed by one cluster only,
however many race for it; a job is due by the database's clock; a LISTEN connection that dies is made again, and
while none can be opened the broker polls.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from django_q.tasks import async_task
import psycopg
import pytest
import time_machine

from config.queue import ListeningORM
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(require_postgres):
    broker = get_broker()
    broker.wait(0)  # listening from now on
    yield broker
    broker.close()


def _queue(label: str) -> str:
    return async_task("tests.hardening.jobs.slow_record", "/dev/null", label)


def test_the_product_uses_the_listening_broker_on_postgresql(broker):
    assert isinstance(broker, ListeningORM)


def test_a_waiting_cluster_hears_a_job_when_it_commits_and_takes_it(broker):
    with transaction.atomic():
        job_id = _queue("first")
        assert broker.wait(0) is False  # not committed: neither visible nor announced
    assert broker.wait(5) is True

    [(ack_id, payload)] = broker.dequeue()
    task = SignedPackage.loads(payload)
    assert (task["id"], task["args"][1]) == (job_id, "first")
    assert broker.wait(0) is False  # one announcement, answered by one look
    broker.acknowledge(ack_id)
    assert not OrmQ.objects.exists()


def test_every_job_is_claimed_once_by_four_brokers_racing_until_none_is_due(broker):
    jobs = {_queue(f"job {i}") for i in range(24)}
    brokers = [ListeningORM(list_key=broker.list_key) for _ in range(4)]

    def take_all(mine: ListeningORM) -> list[str]:
        taken = []
        while True:
            due, claimed = mine._claim()
            if not due:
                return taken
            taken += [SignedPackage.loads(payload)["id"] for _, payload in claimed]

    outcomes = race(*(lambda b=b: take_all(b) for b in brokers))
    for b in brokers:
        b.close()
    taken = [job for outcome in outcomes for job in outcome]
    assert sorted(taken) == sorted(jobs)  # every job once: none lost, none twice


def test_a_lost_listen_connection_is_made_again(broker):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [broker._listener.info.backend_pid])
    assert broker.wait(1) is False  # the failure is logged, not raised: the pusher keeps going

    assert broker.dequeue() == []  # listens again before it looks (the queue is empty: it waited)
    _queue("after the failure")
    assert broker.wait(5) is True
    assert len(broker.dequeue()) == 1


def test_a_job_queued_by_a_host_whose_clock_runs_ahead_is_due_when_announced(broker):
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):  # the web host's clock, not the database's
        _queue("from a clock ahead")
    assert broker.wait(5) is True
    assert len(broker.dequeue()) == 1  # stamped by the database's clock, as the claim compares


def test_without_a_listen_connection_the_broker_polls_and_still_takes_jobs(broker, monkeypatch):
    broker.close()

    def refuse(*args, **kwargs):
        raise psycopg.OperationalError("too many clients already")

    monkeypatch.setattr(psycopg, "connect", refuse)
    job_id = _queue("while LISTEN fails")
    [(_, payload)] = broker.dequeue()
    assert SignedPackage.loads(payload)["id"] == job_id
    assert broker.wait(0) is False and broker._listener is None
