"""The partner is told about a dispatch once: one queued job, one email, one in-app notification."""

from django.core import mail
from django_q.models import OrmQ
import pytest

from designs.models import Design
from partners.models import Notification
from production import services
from production.jobs import dispatch_key, notify_partner_of_dispatch
from production.models import ProductionRun
from production.services import dispatch_confirm
from tasks.selectors import TemplateSelection
from tests.factories import DispatchedRunFactory

pytestmark = pytest.mark.django_db


def test_confirm_queues_one_notification_job_after_commit(staff, awaiting, cutting, django_capture_on_commit_callbacks):
    assert not OrmQ.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dispatch_confirm(run=ProductionRun(pk=awaiting), actor=staff,
                         selection=TemplateSelection(category_id=cutting.pk))
        # Nothing is queued while the transaction is open.
        assert not OrmQ.objects.exists()
    assert len(callbacks) == 1
    queued = OrmQ.objects.get()
    assert (queued.func(), queued.task["args"]) == ("production.jobs.notify_partner_of_dispatch", (awaiting,))


def test_notification_job_run_twice_sends_one_email(staff_api, awaiting, cutting, partner_a, user_a, user_b):
    response = staff_api.post(f"/api/admin/production-runs/{awaiting}/dispatch/confirm",
                              {"template_category": cutting.pk}, format="json")
    assert response.status_code == 200
    mail.outbox.clear()

    notify_partner_of_dispatch(awaiting)
    notify_partner_of_dispatch(awaiting)  # a job delivered twice

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user_a.email]  # the partner's users, not partner B's
    assert f"#{awaiting}" in email.subject
    assert "with 3 tasks." in email.body
    notification = Notification.objects.get()
    assert (notification.partner_id, notification.key) == (partner_a.pk, dispatch_key(ProductionRun.objects.get(pk=awaiting)))
    assert notification.emailed_at is not None


def test_notification_job_for_a_run_not_sent_does_nothing(awaiting):
    notify_partner_of_dispatch(awaiting)
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_notification_job_for_a_run_cancelled_before_it_ran_does_nothing(staff_api, awaiting, cutting, user_a):
    staff_api.post(f"/api/admin/production-runs/{awaiting}/dispatch/confirm", {"template_category": cutting.pk},
                   format="json")
    assert staff_api.post(f"/api/admin/production-runs/{awaiting}/cancel", {}, format="json").status_code == 200
    mail.outbox.clear()
    notify_partner_of_dispatch(awaiting)
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_run_sent_back_to_a_partner_after_another_is_news_to_it_again(staff, partner_a, partner_b, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    notify_partner_of_dispatch(run.pk)  # A is told
    services.run_decline(run=run, partner=partner_a, reason="capacity")
    services.run_reassign(run=ProductionRun(pk=run.pk), partner_id=partner_b.pk, dispatch=True, actor=staff)
    notify_partner_of_dispatch(run.pk)  # B is told
    services.run_decline(run=ProductionRun(pk=run.pk), partner=partner_b, reason="capacity")
    services.run_reassign(run=ProductionRun(pk=run.pk), partner_id=partner_a.pk, dispatch=True, actor=staff)
    mail.outbox.clear()

    notify_partner_of_dispatch(run.pk)  # A holds the run again, with new tasks
    notify_partner_of_dispatch(run.pk)  # the job delivered twice

    assert Notification.objects.filter(partner=partner_a).count() == 2
    assert [m.to for m in mail.outbox] == [[user_a.email]]


def test_a_line_break_in_a_design_name_does_not_stop_the_partner_being_told(staff, partner_a, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    Design.objects.filter(pk=run.design_id).update(name="Coat\nBcc: someone@example.com")
    notify_partner_of_dispatch(run.pk)  # the email refused the subject (BadHeaderError): no email, no notification
    notification = Notification.objects.get(partner=partner_a)
    assert [(m.to, m.subject) for m in mail.outbox] == [([user_a.email], notification.title)]
    assert notification.title.startswith(f"New production run #{run.pk}: {run.quantity} × Coat Bcc: someone@")
