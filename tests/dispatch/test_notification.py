"""The partner is told about a dispatch once: one queued job, one email, one in-app notification."""

from django.core import mail
from django_q.models import OrmQ
import pytest

from partners.models import Notification
from production.jobs import notify_partner_of_dispatch
from production.models import ProductionRun
from production.services import dispatch_confirm
from tasks.selectors import TemplateSelection

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
    assert "3 task(s)" in email.body
    notification = Notification.objects.get()
    assert (notification.partner_id, notification.key) == (partner_a.pk, f"run-dispatched:{awaiting}")
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
