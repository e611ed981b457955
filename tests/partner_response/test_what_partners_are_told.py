"""What the partner's emails and staff's alerts say: true to the run as it is when the job runs.

Each case was a wrong or misleading message found by reading every email against the state it describes.
"""

from datetime import UTC, datetime, timedelta

from django.core import mail
import pytest
import time_machine

from partners.services import partner_update
from production import services
from production.jobs import (
    email_alert,
    notify_partner_of_dispatch,
    notify_partner_of_review,
    notify_partner_of_withdrawal,
)
from production.models import Alert, ProductionRun
from production.services import reminders_check
from production.services.sampling import run_review, sample_send
from tasks.models import TaskTemplate
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, DispatchedRunFactory
from tests.partner_response.conftest import park

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_run_sent_back_counts_this_sendings_tasks(staff, partner_a, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)  # 2 tasks
    park(run)  # they are cancelled
    services.runs_redispatch(run_ids=[run.pk], dry_run=False, actor=staff)  # 2 new ones
    mail.outbox.clear()
    notify_partner_of_dispatch(run.pk)
    assert f"Production run #{run.pk} for {run.design.name} has been sent to you again with 2 tasks." in (
        mail.outbox[0].body)  # it said 4


def test_a_run_back_with_a_partner_after_another_is_sent_to_it_again(staff, partner_a, partner_b, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    services.run_reassign(run=run, partner_id=partner_b.pk, dispatch=True, actor=staff)  # A -> B
    services.run_reassign(run=ProductionRun.objects.get(pk=run.pk), partner_id=partner_a.pk, dispatch=True,
                          actor=staff)  # -> A again: previous_partner is B
    mail.outbox.clear()
    notify_partner_of_dispatch(run.pk)
    assert "has been sent to you again with 2 tasks." in mail.outbox[0].body


def test_an_auto_accepting_partner_is_not_asked_to_accept(staff, partner_a, user_a):
    partner_update(partner=partner_a, auto_accept=True)
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    notify_partner_of_dispatch(run.pk)
    (sent,) = mail.outbox
    assert "Please accept it" not in sent.body
    assert "It is accepted for you (you accept every run you are sent): start it in the production hub." in sent.body


def test_a_partner_deactivated_before_the_job_ran_is_not_asked_to_accept(staff, partner_a, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    partner_update(partner=partner_a, is_active=False)  # its users can no longer log in
    notify_partner_of_dispatch(run.pk)
    assert mail.outbox == []


def _finished_sample(staff, user_a, partner_a, category) -> ProductionRun:
    run = sample_send(design=DesignFactory(status="in_development"), partner=partner_a, quantity=2, actor=staff,
                      selection=TemplateSelection(category_id=category.pk))
    for task in run.tasks.all():
        services.task_complete(task=task, actor=user_a)
    services.run_complete(run=ProductionRun(pk=run.pk), actor=user_a, produced_quantity=2, rejected_quantity=0)
    return run


def test_a_redo_not_sent_yet_is_not_said_sent_nor_linked(staff, partner_a, user_a, client):
    category = CategoryFactory(steps=1)
    run = _finished_sample(staff, user_a, partner_a, category)
    TaskTemplate.objects.filter(category=category).update(is_active=False)  # the redo waits for templates
    _, redo, _ = run_review(run=ProductionRun(pk=run.pk), decision="redo", notes="Tighter seams", actor=staff)
    assert redo.sent_at is None
    mail.outbox.clear()
    notify_partner_of_review(run.pk)
    (sent,) = mail.outbox
    assert "sent to you with the same tasks" not in sent.body
    assert "The next round will be sent to you." in sent.body
    client.force_login(user_a)
    link = sent.body.rsplit("\n", 1)[-1].removeprefix("http://localhost:8000")
    assert link == f"/portal/runs/{run.pk}/"  # the redo's page is a 404 to the partner until it is sent
    assert client.get(link).status_code == 200


def test_a_withdrawal_told_after_the_run_came_back_is_not_sent(staff, partner_a, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    sent_at = run.sent_at.isoformat()
    park(run)  # queues "taken back"
    services.runs_redispatch(run_ids=[run.pk], dry_run=False, actor=staff)  # back with the partner before it ran
    mail.outbox.clear()
    notify_partner_of_withdrawal(run.pk, partner_a.pk, sent_at, "parked")
    assert mail.outbox == []


def test_a_deactivated_partner_is_not_chased(staff, partner_a, user_a):
    with time_machine.travel(T0, tick=False) as clock:
        run = DispatchedRunFactory(partner=partner_a, actor=staff)
        partner_update(partner=partner_a, is_active=False)
        mail.outbox.clear()
        for hours in (24, 48, 72, 96, 120, 200):
            clock.move_to(T0 + timedelta(hours=hours))
            reminders_check()
    assert mail.outbox == []
    run.refresh_from_db()
    assert (run.status, run.reminder_count) == ("sent_to_partner", 0)  # not parked by a ladder it could not answer


def test_a_run_with_every_task_done_is_asked_for_its_completion(settings, staff, partner_a, user_a):
    settings.OPS_EMAIL = "ops@brand.example"
    with time_machine.travel(T0, tick=False) as clock:
        run = DispatchedRunFactory(partner=partner_a, actor=staff)
        for task in run.tasks.all():
            services.task_complete(task=task, actor=user_a)
        mail.outbox.clear()
        clock.move_to(T0 + timedelta(hours=72))
        reminders_check()
        (reminder,) = mail.outbox
        assert reminder.body.startswith(
            f"Production run #{run.pk}, {run.quantity} × {run.design.name} ({run.role}). Its tasks are all done: please complete it "
            "with its counts of good and rejected pieces.")
        for hours in (144, 216):  # the cap's second reminder, then the escalation
            clock.move_to(T0 + timedelta(hours=hours))
            reminders_check()
    alert = Alert.objects.get(kind="escalated")
    assert alert.message.startswith(f"{partner_a.name} did every task of run #{run.pk} ")
    assert alert.message.endswith("but has not completed it after 2 reminders. The run stays with them.")


def test_a_declined_run_is_brought_back_to_staff_as_declined_on_the_local_day(settings, staff, partner_a, user_a):
    settings.TIME_ZONE, settings.OPS_EMAIL = "America/New_York", "ops@brand.example"
    declined_at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 1 March, 20:00 in New York
    with time_machine.travel(declined_at, tick=False) as clock:
        run = DispatchedRunFactory(partner=partner_a, actor=staff)
        services.run_decline(run=run, partner=partner_a, reason="capacity")
        clock.move_to(declined_at + timedelta(days=7, minutes=1))
        reminders_check()
    again = Alert.objects.order_by("-id").first()
    email_alert(again.pk)
    sent = mail.outbox[-1]
    assert sent.subject == "[Production] Declined by the partner"  # it said "Parked: nobody answered"
    assert "waiting for reassignment since 1 Mar 2026 (no capacity)." in sent.body  # it said 2026-03-02, in UTC


def test_an_alert_goes_to_every_address_of_ops_email(settings, staff, partner_a):
    """"a@x, b@y" was one recipient, an address no server takes."""
    settings.OPS_EMAIL = "ops@brand.example, lead@brand.example,"
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    services.run_decline(run=run, partner=partner_a, reason="capacity")
    email_alert(Alert.objects.get().pk)
    (sent,) = mail.outbox
    assert sent.to == ["ops@brand.example", "lead@brand.example"]


@pytest.mark.parametrize("reason, notes, says", [
    ("capacity", "", "no capacity"),
    ("capacity", "Full until May", "no capacity — “Full until May”"),
    ("other", "Our cutter is ill", "“Our cutter is ill”"),  # it read "other — “Our cutter is ill”"
])
def test_a_decline_is_told_to_staff_in_the_partners_words(staff, partner_a, reason, notes, says):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    services.run_decline(run=run, partner=partner_a, reason=reason, notes=notes)
    assert Alert.objects.get().message == (
        f"{partner_a.name} declined run #{run.pk} ({run.quantity} × {run.design.name}): {says}")


def test_a_sample_is_sent_and_chased_as_a_sample_run(staff, partner_a, user_a):
    """Samples went out as "New production run"."""
    category = CategoryFactory(steps=1)
    with time_machine.travel(T0, tick=False) as clock:
        run = sample_send(design=DesignFactory(status="in_development"), partner=partner_a, quantity=2, actor=staff,
                          selection=TemplateSelection(category_id=category.pk))
        notify_partner_of_dispatch(run.pk)
        clock.move_to(T0 + timedelta(hours=24))
        reminders_check()
    sent, reminder = mail.outbox
    assert sent.subject.startswith(f"New sample run #{run.pk}: 2 × ")
    assert reminder.subject.startswith(f"Reminder: sample run #{run.pk} ")


def test_a_cancelled_run_tells_the_partner_the_brands_reason(staff, partner_a, user_a, client, q_sync,
                                                             django_capture_on_commit_callbacks):
    """Staff must give a reason to cancel, and the partner asked why: neither the email nor the page said it; the
    page read "0 / 0 tasks done" above the cancelled tasks."""
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_cancel(run=run, actor=staff, reason="Order line cut by the customer")
    (sent,) = mail.outbox
    assert sent.subject == f"Production run #{run.pk} was cancelled: {run.design.name} ({run.role})"
    assert sent.body.startswith(
        f"Production run #{run.pk} ({run.quantity} × {run.design.name}) was cancelled by the brand. Please stop work "
        "on it; its open tasks are cancelled.\n\nThe brand's reason: Order line cut by the customer\n\n")
    client.force_login(user_a)
    page = client.get(f"/portal/runs/{run.pk}/").content.decode()
    assert "Cancelled by the brand: no tasks left to do" in page and "0 / 0 tasks done" not in page
