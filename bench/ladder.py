"""Part 5 of the bench: the reminder ladder's check over many sent runs (the scheduled job's cost).

The runs are bulk-inserted inside a transaction that is rolled back afterwards, so
nothing is left behind, and a check that also touched the database's own runs
(say the demo data's) undoes that too; its emails go to memory, not to partners.
"""

from datetime import timedelta
import time

from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness import Row, Sizes, ms
from production.models import DispatchState, ProductionRun, RunStatus
from production.services import reminders_check

BATCH = 1000


class _RollBack(Exception):
    pass


def _timed_check() -> tuple[float, int, dict]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = reminders_check()
        elapsed = time.perf_counter() - started
    return elapsed, len(captured.captured_queries), result


def ladder_rows(partner, design, p: Sizes, notes: list[str]) -> list[Row]:
    rows = []
    try:
        with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            now = timezone.now()
            ProductionRun.objects.bulk_create(
                (ProductionRun(status=RunStatus.SENT_TO_PARTNER, dispatch_state=DispatchState.COMPLETED,
                               partner=partner, design=design, quantity=1, sent_at=now, captured_at=now)
                 for _ in range(p.ladder_runs)),
                batch_size=BATCH,
            )
            idle_time, idle_queries, _ = _timed_check()
            due_ids = list(ProductionRun.objects.filter(partner=partner, sent_at=now)
                           .values_list("pk", flat=True)[:p.ladder_due])
            ProductionRun.objects.filter(pk__in=due_ids).update(sent_at=now - timedelta(hours=25))
            due_time, due_queries, result = _timed_check()
            if result["reminded"] < len(due_ids):
                raise RuntimeError(f"the ladder reminded {result['reminded']} of {len(due_ids)} due runs")
            raise _RollBack
    except _RollBack:
        pass
    rows.append(Row(5, "reminder ladder check", f"{p.ladder_runs:,} sent runs, none due", median=ms(idle_time),
                    queries=str(idle_queries)))
    rows.append(Row(5, "reminder ladder check", f"{p.ladder_runs:,} sent runs, {p.ladder_due} due",
                    median=ms(due_time), queries=str(due_queries)))
    notes.append(f"5: production.services.reminders_check over {p.ladder_runs:,} runs sent to one partner, once "
                 f"with none due (one query finds the due runs, whatever their number) and once with "
                 f"{p.ladder_due} due (each reminder: lock, notification, email, count, activity). Inserted and "
                 "checked inside a transaction that is rolled back; emails to memory.")
    return rows
