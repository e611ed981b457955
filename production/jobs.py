"""django-q2 jobs that tell people what happened. Each takes ids, loads, and is safe to run twice.

(The automatic-dispatch job is ``production.services.auto_dispatch.run_auto_dispatch``
and the reminder ladder's is ``production.services.reminders.reminders_check``: each is
the service itself.)
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from config.numbers import counted
from partners.models import Partner
from partners.services import partner_notify
from production import selectors
from production.models import Alert, ProductionRun, ReviewDecision, RunStatus
from tasks.models import Task


def queue_dispatch_notification(run_id: int) -> None:
    transaction.on_commit(lambda: async_task(notify_partner_of_dispatch, run_id))


def queue_withdrawal_notification(run: ProductionRun, *, why: str) -> None:
    """``run`` (as it was before it left its partner) is taken from that partner; ``why``: parked or reassigned."""
    run_id, partner_id, sent_at = run.pk, run.partner_id, run.sent_at.isoformat() if run.sent_at else ""
    transaction.on_commit(lambda: async_task(notify_partner_of_withdrawal, run_id, partner_id, sent_at, why))


def queue_cancellation_notification(run_id: int, reason: str = "") -> None:
    transaction.on_commit(lambda: async_task(notify_partner_of_cancellation, run_id, reason))


def queue_review_notification(run_id: int) -> None:
    transaction.on_commit(lambda: async_task(notify_partner_of_review, run_id))


def queue_alert_email(alert_id: int) -> None:
    if settings.OPS_EMAIL:
        transaction.on_commit(lambda: async_task(email_alert, alert_id))


def _role(run: ProductionRun) -> str:
    return f" ({run.role})" if run.role else ""


def dispatch_key(run: ProductionRun) -> str:
    """One notification per dispatch: the job delivered twice says it once, and every sending of the run is news,
    to the partner it went to before as well (sent to A, to B, then back to A)."""
    return f"run-dispatched:{run.pk}:{run.sent_at:%Y%m%dT%H%M%S%f}"


def notify_partner_of_dispatch(run_id: int) -> None:
    # A run cancelled (or handed back) before the job ran is no news for the partner.
    run = (ProductionRun.objects.dispatched().select_related("partner", "design")
           .filter(pk=run_id, status__in=[RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS])
           .first())
    if run is None or run.partner is None or not run.partner.is_active:  # deactivated since: its users cannot log in
        return
    # This sending's tasks: not a previous partner's, nor this partner's cancelled ones of an earlier sending, which
    # say it is sent to them again (back from another partner too: A, B, then A again).
    cancelled = Q(status=Task.Status.CANCELLED)
    counts = run.tasks.filter(partner_id=run.partner_id).aggregate(
        tasks=Count("id", filter=~cancelled), before=Count("id", filter=cancelled))
    tasks, again = counts["tasks"], counts["before"] > 0
    kind = run.kind_in_words
    answer = ("It is accepted for you (you accept every run you are sent): start it in the production hub."
              if run.accepted_at else "Please accept it, or decline it with a reason, in the production hub.")
    partner_notify(
        partner=run.partner,
        key=dispatch_key(run),
        title=f"New {kind} #{run.pk}: {run.quantity} × {run.design.name}{_role(run)}",
        body=f"{kind.capitalize()} #{run.pk} for {run.design.name} has been sent to you{' again' if again else ''} "
             f"with {counted(tasks, 'task')}. {answer}",
        link=reverse("portal:run-detail", args=[run.pk]),
    )


def notify_partner_of_cancellation(run_id: int, reason: str = "") -> None:
    """Tell the partner to stop, with staff's reason when they gave one (the partner asked why)."""
    run = ProductionRun.objects.dispatched().select_related("partner", "design").filter(
        pk=run_id, status=RunStatus.CANCELLED).first()
    if run is None or run.partner is None:
        return
    kind = run.kind_in_words
    why = f"\n\nThe brand's reason: {reason}" if reason else ""
    partner_notify(
        partner=run.partner,
        key=f"run-cancelled:{run.pk}",
        title=f"{kind.capitalize()} #{run.pk} was cancelled: {run.design.name}{_role(run)}",
        body=f"{kind.capitalize()} #{run.pk} ({run.quantity} × {run.design.name}) was cancelled by the brand. "
             f"Please stop work on it; its open tasks are cancelled.{why}",
        link=reverse("portal:run-detail", args=[run.pk]),
    )


WITHDRAWN = {
    "parked": "it was not answered after the reminders, so the brand took it back",
    "reassigned": "the brand gave it to another workshop",
}


def notify_partner_of_withdrawal(run_id: int, partner_id: int, sent_at: str, why: str) -> None:
    """Tell a partner that a run sent to it was taken back, once per sending (``sent_at`` names it): its links to
    the run now lead nowhere, and without this the run just vanished from its hub."""
    run = ProductionRun.objects.select_related("design").filter(pk=run_id).first()
    partner = Partner.objects.filter(pk=partner_id).first()
    if run is None or partner is None or run.partner_id == partner_id:
        return  # or the run was sent back to this partner before the job ran: it is theirs again
    partner_notify(
        partner=partner,
        key=f"run-withdrawn:{run.pk}:{sent_at}",
        title=f"{run.kind_in_words.capitalize()} #{run.pk} was taken back: {run.design.name}{_role(run)}",
        body=f"{run.kind_in_words.capitalize()} #{run.pk} ({run.quantity} × {run.design.name}) is no longer yours: "
             f"{WITHDRAWN[why]}. Its open tasks are cancelled and it has left "
             "your production hub.",
    )


def notify_partner_of_review(run_id: int) -> None:
    """Tell the partners who made a reviewed sample what staff decided, with the notes (once per partner)."""
    run = ProductionRun.objects.select_related("design", "partner").filter(pk=run_id, reviewed_at__isnull=False).first()
    if run is None:
        return
    # The partners who made the sample: a round reviewed at its parent, its completed children (each carries the
    # review, ``run_review``); a child cancelled on the way made nothing and is not told.
    makers = [run] if run.partner_id else list(run.children.filter(status=RunStatus.COMPLETED).select_related("partner"))
    for made in makers:
        if made.partner is None:
            continue
        notes = f"\n\nNotes from the brand:\n{run.review_notes}" if run.review_notes else ""
        if run.review_decision == ReviewDecision.APPROVE:
            title = f"Sample approved: {run.design.name} (run #{made.pk})"
            body = f"The brand approved your sample of {run.design.name} (run #{made.pk}).{notes}"
            link = reverse("portal:run-detail", args=[made.pk])
        else:
            title = f"Sample to redo: {run.design.name} (run #{made.pk})"
            body = f"The brand asks you to make the sample of {run.design.name} (run #{made.pk}) again.{notes}"
            mine = selectors.partner_run_of_next_round(run, made.partner_id)
            if mine is not None and mine.sent_at is not None:
                body += f"\n\nThe next round is run #{mine.pk}, sent to you with the same tasks."
            elif mine is not None:  # not sent yet: a later stage, or templates retired since that staff choose again
                body += "\n\nThe next round will be sent to you."
            link = reverse("portal:run-detail", args=[mine.pk if mine is not None and mine.sent_at else made.pk])
        partner_notify(partner=made.partner, key=f"run-reviewed:{run.pk}:{made.pk}", title=title, body=body, link=link)


def email_alert(alert_id: int) -> None:
    """Email one staff alert to OPS_EMAIL, once (the row lock and ``emailed_at`` make a second delivery a no-op)."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None or alert.emailed_at is not None or not settings.OPS_EMAIL:
            return
        link = ""
        if alert.run_id:
            path = reverse("admin:production_productionrun_change", args=[alert.run_id])
            link = f"\n\n{settings.SITE_URL.rstrip('/')}{path}"
        recipients = [address.strip() for address in settings.OPS_EMAIL.split(",") if address.strip()]
        send_mail(f"[Production] {alert.get_kind_display()}", f"{alert.message}{link}", None, recipients)
        alert.emailed_at = timezone.now()
        alert.save(update_fields=["emailed_at"])
