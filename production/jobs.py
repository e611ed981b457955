"""django-q2 jobs that tell partners what happened. Each takes ids, loads, and is safe to run twice.

(The automatic-dispatch job is ``production.services.auto_dispatch.run_auto_dispatch``:
it is the service itself, queued by the order intake.)
"""

from django.db import transaction
from django.urls import reverse
from django_q.tasks import async_task

from partners.services import partner_notify
from production.models import ProductionRun, RunStatus


def queue_dispatch_notification(run_id: int) -> None:
    transaction.on_commit(lambda: async_task(notify_partner_of_dispatch, run_id))


def notify_partner_of_dispatch(run_id: int) -> None:
    # A run cancelled before the job ran is no news for the partner.
    run = (ProductionRun.objects.dispatched().select_related("partner", "design")
           .filter(pk=run_id, status__in=[RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS])
           .first())
    if run is None or run.partner is None:
        return
    tasks = run.tasks.count()
    role = f" ({run.role})" if run.role else ""
    partner_notify(
        partner=run.partner,
        key=f"run-dispatched:{run.pk}",
        title=f"New production run #{run.pk}: {run.quantity} × {run.design.name}{role}",
        body=f"Production run #{run.pk} for {run.design.name} has been sent to you with {tasks} task(s).",
        link=reverse("portal:run-detail", args=[run.pk]),
    )
