"""Real concurrency for the PostgreSQL tests: threads released together, each with its own connection."""

import threading

from django.db import connection


def race(*targets, timeout: float = 120) -> list:
    """Call each target in its own thread, all released at once; returns each result or raised exception.

    A thread still running after ``timeout`` seconds fails the test (a deadlock, or a lock never released).
    """
    barrier = threading.Barrier(len(targets))
    outcomes: list = [None] * len(targets)

    def worker(i, target):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = target()
        except BaseException as exc:  # noqa: BLE001 - every outcome is asserted on by the caller
            outcomes[i] = exc
        finally:
            connection.close()  # each thread has its own connection; do not leak it

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished (deadlock?)"
    return outcomes
