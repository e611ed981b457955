"""Accepting and declining in the hub, and the owner's auto-accept setting (each a service call)."""

import pytest

from partners.models import PartnerMembership
from production import services
from production.models import Alert
from tests.factories import MembershipFactory
from tests.portal.conftest import logged_in

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_sent_run_offers_accept_and_decline_until_answered(portal_a, run_a):
    html = portal_a.get(f"/portal/runs/{run_a.pk}/").content.decode()
    assert "Accept run" in html and 'id="decline-run"' in html
    assert "Needs your answer" in portal_a.get("/portal/").content.decode()

    response = portal_a.post(f"/portal/runs/{run_a.pk}/accept/", follow=True)
    assert _messages(response) == [f"Run #{run_a.pk} accepted. Start it when you are ready."]
    run_a.refresh_from_db()
    assert run_a.accepted_at is not None
    html = response.content.decode()
    assert "Accept run" not in html and 'id="accepted"' in html
    assert 'id="decline-run"' in html  # accepted but not started: it may still be declined
    hub = portal_a.get("/portal/").content.decode()
    assert "Needs your answer" not in hub
    # The status says the answer too: "Sent" alone read as still waiting for it.
    for page in (html, hub):
        assert '<span class="badge sent_to_partner" data-status="sent_to_partner">Sent · accepted</span>' in page


def test_declining_in_the_hub_puts_the_run_in_the_staff_queue(portal_a, run_a, partner_a):
    response = portal_a.post(f"/portal/runs/{run_a.pk}/decline/", {"reason": "materials_unavailable", "notes": ""},
                             follow=True)
    assert response.request["PATH_INFO"] == "/portal/"
    assert _messages(response)[0].startswith(f"Run #{run_a.pk} declined.")
    run_a.refresh_from_db()
    assert (run_a.status, run_a.previous_partner_id, run_a.decline_reason) == (
        "awaiting_reassignment", partner_a.pk, "materials_unavailable")
    assert Alert.objects.get().kind == "declined"
    assert portal_a.get(f"/portal/runs/{run_a.pk}/").status_code == 404


def test_a_decline_without_the_notes_other_needs_shows_the_form_again(portal_a, run_a):
    response = portal_a.post(f"/portal/runs/{run_a.pk}/decline/", {"reason": "other", "notes": ""})
    assert response.status_code == 400
    assert "notes" in response.context["decline_form"].errors
    assert portal_a.post(f"/portal/runs/{run_a.pk}/decline/", {"reason": "bored"}).status_code == 400
    run_a.refresh_from_db()
    assert run_a.status == "sent_to_partner"


def test_once_a_task_moved_the_run_can_no_longer_be_declined(portal_a, run_a):
    task = run_a.tasks.order_by("sequence").first()
    portal_a.post(f"/portal/tasks/{task.pk}/start/")
    html = portal_a.get(f"/portal/runs/{run_a.pk}/").content.decode()
    assert 'id="decline-run"' not in html
    response = portal_a.post(f"/portal/runs/{run_a.pk}/decline/", {"reason": "capacity"}, follow=True)
    assert _messages(response) == [f"Run {run_a.pk} has been started; it can no longer be declined."]


def test_a_run_sent_again_or_reassigned_says_so(portal_a, portal_b, run_a, partner_a, partner_b, staff):
    services.run_decline(run=run_a, partner=partner_a, reason="capacity")
    services.run_reassign(run=run_a, partner_id=partner_b.pk, dispatch=True, actor=staff)
    assert "Reassigned to you" in portal_b.get(f"/portal/runs/{run_a.pk}/").content.decode()
    services.run_reassign(run=run_a, partner_id=partner_a.pk, dispatch=True, actor=staff)  # unanswered: pulled back
    run_a.refresh_from_db()
    assert run_a.previous_partner_id == partner_b.pk
    assert "Reassigned to you" in portal_a.get(f"/portal/runs/{run_a.pk}/").content.decode()


def test_only_an_owner_switches_auto_accept(portal_a, partner_a):
    page = portal_a.get("/portal/settings/")
    assert page.status_code == 200 and 'id="settings-form"' in page.content.decode()
    response = portal_a.post("/portal/settings/", {"auto_accept": "on"}, follow=True)
    partner_a.refresh_from_db()
    assert partner_a.auto_accept is True
    assert _messages(response) == ["Saved: new runs are accepted automatically."]

    member = MembershipFactory(partner=partner_a, role=PartnerMembership.Role.MEMBER).user
    as_member = logged_in(member)
    assert 'id="settings-form"' not in as_member.get("/portal/settings/").content.decode()
    refused = as_member.post("/portal/settings/", {}, follow=True)
    partner_a.refresh_from_db()
    assert partner_a.auto_accept is True
    assert _messages(refused) == ["Only an owner of your workshop can change its settings."]
