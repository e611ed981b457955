"""``lock_family``: a run's parent is locked before the run, in one statement (the lock order every service keeps)."""

import threading

from django.db import DatabaseError, connection, transaction
import pytest

from production.models import ProductionRun
from production.services import Assignment, run_create_allocated
from production.services._base import lock_family
from tests.factories import DesignFactory

WAIT = 30  # seconds: a step that takes longer has failed (a lock never granted or never released)


def _family(partner_a, partner_b) -> tuple[ProductionRun, ProductionRun]:
    parent, children = run_create_allocated(design=DesignFactory(), quantity=4, assignments=[
        Assignment(partner_id=partner_a.pk, role="cutting", quantity=2),
        Assignment(partner_id=partner_b.pk, role="stitching", quantity=2),
    ])
    return parent, children[0]


@pytest.mark.django_db
def test_one_statement_returns_the_run_with_its_partner(partner_a, partner_b, django_assert_num_queries):
    parent, child = _family(partner_a, partner_b)
    with transaction.atomic(), django_assert_num_queries(1):  # the locking SELECT (the savepoint is outside)
        locked = lock_family(child.pk)
        assert (locked.pk, locked.partner.name) == (child.pk, partner_a.name)
    with transaction.atomic():
        assert lock_family(parent.pk).pk == parent.pk  # a root run: just itself
        with pytest.raises(ProductionRun.DoesNotExist):
            lock_family(child.pk + 1000)


def _is_blocked(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_parent_is_locked_before_the_run(require_postgres, partner_a, partner_b):
    """While another transaction holds the parent, ``lock_family`` waits for it holding nothing: the run stays free.

    The parent is updated first, so that its live row version lies after the child's in the table, and the
    locking transaction reads the table in that order (no index scans): without the sort by id it would reach,
    and lock, the child first, and this test would fail.
    """
    parent, child = _family(partner_a, partner_b)
    ProductionRun.objects.filter(pk=parent.pk).update(review_notes="moved past the child in the heap")
    parent_held, release, locked = threading.Event(), threading.Event(), threading.Event()
    locker: dict = {}

    def hold_the_parent():
        try:
            with transaction.atomic():
                ProductionRun.objects.select_for_update().get(pk=parent.pk)
                parent_held.set()
                release.wait(WAIT)
        finally:
            connection.close()

    def lock_the_family():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
                    cursor.execute("SELECT pg_backend_pid()")
                    locker["pid"] = cursor.fetchone()[0]
                lock_family(child.pk)
                locked.set()
        except BaseException as exc:  # noqa: BLE001 - asserted on below
            locker["error"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_the_parent), threading.Thread(target=lock_the_family)]
    threads[0].start()
    try:
        assert parent_held.wait(WAIT)
        threads[1].start()
        for _ in range(WAIT * 100):  # until lock_family waits for the parent (bounded; no clock is involved)
            if "pid" in locker and _is_blocked(locker["pid"]):
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail(f"lock_family never waited for the parent's lock ({locker.get('error')!r})")
        assert not locked.is_set()
        with transaction.atomic():  # the run is not locked while its parent is awaited
            try:
                ProductionRun.objects.select_for_update(nowait=True).get(pk=child.pk)
            except DatabaseError:
                pytest.fail("lock_family locked the run before its parent")
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    assert locked.is_set(), locker.get("error")
