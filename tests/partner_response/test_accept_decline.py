"""Partners answer a sent run: accept, or decline with a reason (API contract: Partner response)."""

from django.core import mail
import pytest

from partners.models import Notification
from partners.services import partner_update
from production import services
from production.models import Alert, ProductionRun
from tasks.models import Task
from tests.factories import DispatchedRunFactory
from tests.partner_response.conftest import partner_url

pytestmark = pytest.mark.django_db


def test_accept_records_when_and_keeps_the_status(api_a, sent):
    response = api_a.post(partner_url(sent, "accept"), {}, format="json")
    assert response.status_code == 200
    assert (response.data["status"], response.data["accepted_at"] is not None) == ("sent_to_partner", True)
    first = response.data["accepted_at"]
    again = api_a.post(partner_url(sent, "accept"), {}, format="json")
    assert (again.status_code, again.data["accepted_at"]) == (200, first)  # nothing changes
    assert list(sent.activities.filter(verb="accepted").values_list("actor__username", flat=True)) == [
        "owner@atelier-a.example"]


def test_starting_a_task_accepts_the_run(api_a, sent):
    task = sent.tasks.order_by("sequence").first()
    assert api_a.post(f"/api/partners/tasks/{task.pk}/start", {}, format="json").status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.accepted_at is not None, sent.last_activity_at is not None) == (
        "in_progress", True, True)
    assert api_a.post(partner_url(sent, "accept"), {}, format="json").status_code == 200  # started: a no-op


def test_accept_is_refused_for_a_finished_run(api_a, sent, staff):
    services.run_cancel(run=sent, actor=staff)
    response = api_a.post(partner_url(sent, "accept"), {}, format="json")
    assert (response.status_code, response.data["code"]) == (409, "invalid_transition")


def test_decline_hands_the_run_back_to_staff(api_a, sent, partner_a, django_capture_on_commit_callbacks):
    response = api_a.post(partner_url(sent, "decline"), {"reason": "capacity", "notes": "Full until May"},
                          format="json")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["partner"], response.data["previous_partner"],
            response.data["decline_reason"]) == ("awaiting_reassignment", None, partner_a.pk, "capacity")
    assert response.data["declined_at"] is not None
    assert set(Task.objects.filter(production_run=sent).values_list("status", flat=True)) == {"cancelled"}
    alert = Alert.objects.get()
    assert (alert.kind, alert.run_id, alert.partner_id) == ("declined", sent.pk, partner_a.pk)
    assert "Full until May" in alert.message
    # From now on the run is not the partner's: 404, and out of its lists.
    assert api_a.get(partner_url(sent)).status_code == 404
    assert api_a.get("/api/partners/production-runs/").data["count"] == 0
    assert api_a.get("/api/partners/tasks/").data["count"] == 0


def test_declining_again_answers_200_and_changes_nothing(api_a, sent):
    api_a.post(partner_url(sent, "decline"), {"reason": "capacity"}, format="json")
    before = ProductionRun.objects.values().get(pk=sent.pk)
    again = api_a.post(partner_url(sent, "decline"), {"reason": "whatever", "extra": 1}, format="json")
    assert (again.status_code, again.data["status"]) == (200, "awaiting_reassignment")
    assert ProductionRun.objects.values().get(pk=sent.pk) == before
    assert Alert.objects.count() == 1


@pytest.mark.parametrize("body, field", [
    ({}, "reason"),
    ({"reason": "bored"}, "reason"),
    ({"reason": "no_response"}, "reason"),  # the ladder's reason, not the partner's
    ({"reason": "other"}, "notes"),
    ({"reason": "other", "notes": "   "}, "notes"),
    ({"reason": "capacity", "notes": "x" * 1001}, "notes"),
    ({"reason": "capacity", "note": "typo"}, "note"),
])
def test_bad_decline_input_is_a_400_naming_the_field(api_a, sent, body, field):
    response = api_a.post(partner_url(sent, "decline"), body, format="json")
    assert response.status_code == 400, response.data
    assert field in response.data
    sent.refresh_from_db()
    assert (sent.status, sent.partner_id is not None, Alert.objects.count()) == ("sent_to_partner", True, 0)


def test_other_with_notes_is_accepted(api_a, sent):
    response = api_a.post(partner_url(sent, "decline"), {"reason": "other", "notes": "Machine broke"}, format="json")
    assert (response.status_code, response.data["decline_notes"]) == (200, "Machine broke")


def test_decline_is_refused_once_work_started(api_a, sent):
    task = sent.tasks.order_by("sequence").first()
    api_a.post(f"/api/partners/tasks/{task.pk}/complete", {}, format="json")
    response = api_a.post(partner_url(sent, "decline"), {"reason": "capacity"}, format="json")
    assert (response.status_code, response.data["code"]) == (409, "already_started")
    # The state answers first: notes the "other" reason lacks would not make a started run declinable.
    lacking = api_a.post(partner_url(sent, "decline"), {"reason": "other"}, format="json")
    assert (lacking.status_code, lacking.data["code"]) == (409, "already_started")
    sent.refresh_from_db()
    assert sent.status == "in_progress"


def test_an_accepted_run_can_still_be_declined_before_work_starts(api_a, sent):
    api_a.post(partner_url(sent, "accept"), {}, format="json")
    response = api_a.post(partner_url(sent, "decline"), {"reason": "scheduling_conflict"}, format="json")
    assert (response.status_code, response.data["status"]) == (200, "awaiting_reassignment")


def test_decline_of_a_finished_run_is_an_invalid_transition(api_a, sent, staff):
    services.run_cancel(run=sent, actor=staff)
    response = api_a.post(partner_url(sent, "decline"), {"reason": "capacity"}, format="json")
    assert (response.status_code, response.data["code"]) == (409, "invalid_transition")


def test_an_auto_accept_partner_has_its_runs_accepted_on_dispatch(partner_a, category, staff, staff_api):
    response = staff_api.patch(f"/api/admin/partners/{partner_a.pk}/", {"auto_accept": True}, format="json")
    assert (response.status_code, response.data["auto_accept"]) == (200, True)
    run = DispatchedRunFactory(partner=partner_a, category=category, actor=staff)
    assert run.accepted_at is not None and run.status == "sent_to_partner"
    assert run.activities.get(verb="accepted").actor is None  # the system, by the partner's setting


def test_partner_patch_refuses_unknown_and_mistyped_fields(partner_a, staff_api):
    url = f"/api/admin/partners/{partner_a.pk}/"
    assert staff_api.patch(url, {"auto_accept": "yes"}, format="json").status_code == 400
    assert staff_api.patch(url, {"autoaccept": True}, format="json").status_code == 400
    partner_a.refresh_from_db()
    assert partner_a.auto_accept is False


def test_cancelling_a_sent_run_tells_its_partner(sent, staff, partner_a, django_capture_on_commit_callbacks, q_sync):
    with django_capture_on_commit_callbacks(execute=True):
        services.run_cancel(run=sent, actor=staff, reason="Order withdrawn")
    notification = Notification.objects.get(partner=partner_a, key=f"run-cancelled:{sent.pk}")
    assert "cancelled" in notification.title
    assert [m.subject for m in mail.outbox if "cancelled" in m.subject] == [notification.title]


def test_deactivating_a_partner_refuses_its_users(api_a, partner_a, sent):
    partner_update(partner=partner_a, is_active=False)
    refused = api_a.post(partner_url(sent, "accept"), {}, format="json")
    assert refused.status_code == 403
    # Said as such: it read "This endpoint is for partner users.", as for a user who is no partner's.
    assert refused.json() == {"detail": "Your workshop's account is deactivated.", "code": "partner_inactive"}
