"""What production does to a run's tasks when the run leaves its partner."""

from production.models import ProductionRun
from tasks.models import Task


def cancel_open_tasks(run: ProductionRun, *, now) -> int:
    """Cancel a locked run's open tasks (the run was cancelled, or its partner is leaving it); how many."""
    open_tasks = list(Task.objects.select_for_update().filter(production_run=run, status__in=Task.OPEN))
    for task in open_tasks:
        task.cancel(at=now)
    if open_tasks:
        Task.objects.bulk_update(open_tasks, ["status", "cancelled_at", "updated_at"])
    return len(open_tasks)
