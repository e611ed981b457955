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


def meanwhile(monkeypatch, owner, name: str, other_request, *, when=lambda **kwargs: True) -> None:
    """Run ``other_request`` to its commit, in its own thread and connection, just before ``owner.name`` is first
    called (with kwargs that ``when`` accepts): another request landing exactly between a caller's read and its
    service. ``other_request`` may call ``owner.name`` itself: the hook fires once."""
    real = getattr(owner, name)
    fired = []

    def hooked(**kwargs):
        if not fired and when(**kwargs):
            fired.append(True)
            errors = []

            def other():
                try:
                    other_request()
                except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
                    errors.append(exc)
                finally:
                    connection.close()
            thread = threading.Thread(target=other)
            thread.start()
            thread.join(timeout=60)
            assert not thread.is_alive() and not errors, errors
        return real(**kwargs)

    monkeypatch.setattr(owner, name, hooked)
