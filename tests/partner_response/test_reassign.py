"""Staff hand a run to another partner, or send parked runs back for a second chance (API contract)."""

from django.core import mail
import pytest

from partners.models import Notification
from partners.services import partner_update
from production import services
from production.jobs import dispatch_key, notify_partner_of_dispatch
from production.models import Alert, ProductionRun
from tasks.models import Task, TaskTemplate
from tests.factories import DispatchedRunFactory, PartnerFactory
from tests.partner_response.conftest import park, partner_url, staff_url

pytestmark = pytest.mark.django_db


def _declined(run, partner, reason="capacity"):
    return services.run_decline(run=run, partner=partner, reason=reason, notes="")


def test_reassign_and_dispatch_sends_the_same_tasks_to_the_new_partner(
    staff_api, sent, partner_a, partner_b, user_b, api_a, api_b, django_capture_on_commit_callbacks, q_sync
):
    old_titles = list(sent.tasks.order_by("sequence").values_list("title", flat=True))
    _declined(sent, partner_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api.post(staff_url(sent, "reassign"), {"partner": partner_b.pk, "dispatch": True},
                                  format="json")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["partner"], response.data["previous_partner"]) == (
        "sent_to_partner", partner_b.pk, partner_a.pk)
    assert response.data["template_ids"] == sent.template_ids
    new_tasks = Task.objects.filter(production_run=sent, status="pending").order_by("sequence")
    assert [t.title for t in new_tasks] == old_titles and {t.partner_id for t in new_tasks} == {partner_b.pk}
    # The old partner lost the run; the new one sees it and was told.
    assert api_a.get(partner_url(sent)).status_code == 404
    mine = api_b.get(partner_url(sent))
    assert mine.status_code == 200 and [t["title"] for t in mine.data["tasks"]] == old_titles
    assert Notification.objects.filter(partner=partner_b, key=dispatch_key(ProductionRun.objects.get(pk=sent.pk))).exists()
    assert any(user_b.email in m.to for m in mail.outbox)
    assert list(sent.activities.filter(verb="reassigned").values_list("data", flat=True)) == [
        {"from_partner": partner_a.pk, "to_partner": partner_b.pk, "cancelled_tasks": 0}]
    # The design is B's now too, in the run's role, as approval links its partners (B's Designs page missed it).
    assert sent.design.partner_links.filter(partner=partner_b, role=sent.role).exists()


def test_reassign_without_dispatch_waits_approved_for_staff(staff_api, sent, partner_a, partner_b, api_b):
    _declined(sent, partner_a)
    response = staff_api.post(staff_url(sent, "reassign"), {"partner": partner_b.pk}, format="json")
    assert (response.status_code, response.data["status"], response.data["dispatch_state"]) == (
        200, "approved", "idle")
    assert api_b.get(partner_url(sent)).status_code == 404  # not sent to B yet
    assert staff_api.post(staff_url(sent, "dispatch"), {"template_ids": sent.template_ids},
                          format="json").status_code == 200


def test_staff_pull_back_an_unanswered_sent_run(staff_api, sent, partner_b, api_a):
    response = staff_api.post(staff_url(sent, "reassign"), {"partner": partner_b.pk, "note": "A is slow"},
                              format="json")
    assert response.status_code == 200, response.data
    assert set(Task.objects.filter(production_run=sent, partner=sent.partner).values_list("status", flat=True)) == {
        "cancelled"}
    assert api_a.get(partner_url(sent)).status_code == 404


def test_an_accepted_or_started_run_cannot_be_pulled_back(staff_api, sent, partner_b, api_a):
    api_a.post(partner_url(sent, "accept"), {}, format="json")
    response = staff_api.post(staff_url(sent, "reassign"), {"partner": partner_b.pk}, format="json")
    assert (response.status_code, response.data["code"]) == (409, "invalid_transition")
    assert response.data["detail"] == f"Run {sent.pk} is sent to partner and cannot be reassigned."
    sent.refresh_from_db()
    assert sent.partner_id is not None and sent.status == "sent_to_partner"


def test_reassign_refuses_an_unknown_or_inactive_partner(staff_api, sent, partner_a):
    _declined(sent, partner_a)
    asleep = PartnerFactory(is_active=False)
    for body in ({"partner": 987654}, {"partner": asleep.pk}, {"partner": "2"}, {}):
        response = staff_api.post(staff_url(sent, "reassign"), body, format="json")
        assert response.status_code == 400 and "partner" in response.data, (body, response.data)
    sent.refresh_from_db()
    assert sent.status == "awaiting_reassignment"


def test_redispatch_gives_parked_runs_a_second_chance_dry_run_first(staff_api, partner_a, partner_b, category, staff):
    parked = park(DispatchedRunFactory(partner=partner_a, category=category, actor=staff))
    declined = _declined(DispatchedRunFactory(partner=partner_a, category=category, actor=staff), partner_a)
    gone = park(DispatchedRunFactory(partner=partner_b, category=category, actor=staff))
    partner_update(partner=partner_b, is_active=False)

    dry = staff_api.post("/api/admin/production-runs/redispatch", {}, format="json")
    assert dry.status_code == 200 and dry.data["dry_run"] is True
    outcomes = {r["run"]: r["outcome"] for r in dry.data["results"]}
    assert outcomes == {parked.pk: "would_redispatch", declined.pk: "declined", gone.pk: "partner_inactive"}
    assert ProductionRun.objects.filter(status="awaiting_reassignment").count() == 3  # nothing happened

    real = staff_api.post("/api/admin/production-runs/redispatch", {"runs": [parked.pk], "dry_run": False},
                          format="json")
    assert [(r["run"], r["partner"], r["outcome"]) for r in real.data["results"]] == [
        (parked.pk, partner_a.pk, "redispatched")]
    parked.refresh_from_db()
    assert (parked.status, parked.partner_id, parked.previous_partner_id) == (
        "sent_to_partner", partner_a.pk, partner_a.pk)


def test_redispatch_says_no_templates_when_a_template_was_deactivated_in_the_dry_run_and_the_real_one(
        staff_api, partner_a, category, staff):
    parked = park(DispatchedRunFactory(partner=partner_a, category=category, actor=staff))
    TaskTemplate.objects.filter(pk=parked.template_ids[0]).update(is_active=False)
    for dry_run in (True, False):
        answer = staff_api.post("/api/admin/production-runs/redispatch", {"dry_run": dry_run}, format="json")
        assert [(r["run"], r["outcome"]) for r in answer.data["results"]] == [(parked.pk, "no_templates")]
    parked.refresh_from_db()
    assert parked.status == "awaiting_reassignment"


def test_inbox_lists_filters_and_marks_read(staff_api, sent, partner_a, settings, q_sync,
                                            django_capture_on_commit_callbacks):
    settings.OPS_EMAIL = "ops@brand.example"
    with django_capture_on_commit_callbacks(execute=True):
        _declined(sent, partner_a)
    assert [m.to for m in mail.outbox if m.subject.startswith("[Production]")] == [["ops@brand.example"]]
    alert = Alert.objects.get()
    listed = staff_api.get("/api/admin/inbox/?unread=true&kind=declined")
    assert [a["id"] for a in listed.data["results"]] == [alert.pk]
    assert staff_api.get("/api/admin/inbox/?kind=parked").data["count"] == 0
    assert staff_api.get("/api/admin/inbox/?kind=nonsense").status_code == 400
    read = staff_api.post(f"/api/admin/inbox/{alert.pk}/read", {}, format="json")
    assert read.status_code == 200 and read.data["read_at"] is not None
    assert staff_api.get("/api/admin/inbox/?unread=true").data["count"] == 0
    assert staff_api.post(f"/api/admin/inbox/{alert.pk}/read", {}, format="json").data["read_at"] == read.data[
        "read_at"]


def test_partners_cannot_reach_the_inbox_or_reassign(api_a, sent, partner_b):
    assert api_a.get("/api/admin/inbox/").status_code == 403
    assert api_a.post(staff_url(sent, "reassign"), {"partner": partner_b.pk}, format="json").status_code == 403


def _withdrawals(partner):
    return list(Notification.objects.filter(partner=partner, key__startswith="run-withdrawn:").values_list(
        "title", "body", "link"))


def test_a_partner_whose_run_is_taken_back_is_told_once(staff, partner_a, partner_b, user_a, q_sync, client,
                                                         django_capture_on_commit_callbacks):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    notify_partner_of_dispatch(run.pk)  # A was told of the run (the job after the factory's dispatch)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_reassign(run=ProductionRun(pk=run.pk), partner_id=partner_b.pk, dispatch=True, actor=staff)
    ((title, body, link),) = _withdrawals(partner_a)
    assert title.startswith(f"Production run #{run.pk} was taken back") and link == ""  # its page is gone for A
    assert "gave it to another workshop" in body
    assert [m.subject for m in mail.outbox if user_a.email in m.to] == [title]
    sent = ProductionRun.objects.get(pk=run.pk)
    assert not _withdrawals(partner_b) and sent.partner_id == partner_b.pk
    # A's older notification of the run (its dispatch) no longer leads to a 404: the list says why.
    client.force_login(user_a)
    older = Notification.objects.get(partner=partner_a, key__startswith="run-dispatched:")
    opened = client.get(f"/portal/notifications/{older.pk}/", follow=True)
    assert opened.status_code == 200 and opened.redirect_chain[-1][0].endswith("/portal/notifications/")
    assert f"Run #{run.pk} is no longer in your hub" in opened.content.decode()


def test_a_parked_run_tells_its_partner_and_a_decline_does_not(staff, partner_a, partner_b, q_sync,
                                                               django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone
    import time_machine

    from production.services import reminders_check

    silent = DispatchedRunFactory(partner=partner_a, actor=staff)
    declined = DispatchedRunFactory(partner=partner_a, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_decline(run=declined, partner=partner_a, reason="capacity")
        services.run_reassign(run=ProductionRun(pk=declined.pk), partner_id=partner_b.pk, dispatch=True,
                              actor=staff)
    assert _withdrawals(partner_a) == []  # A said no itself: nothing to tell it
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for hours in (24, 48, 72, 96, 120):
            clock.move_to(start + timedelta(hours=hours))
            with django_capture_on_commit_callbacks(execute=True):
                reminders_check()
    assert ProductionRun.objects.get(pk=silent.pk).status == "awaiting_reassignment"
    ((title, body, _),) = _withdrawals(partner_a)
    assert f"#{silent.pk}" in title and "not answered after the reminders" in body


def test_a_run_sent_back_to_its_partner_lists_only_the_new_tasks(staff, partner_a, api_a, client, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    first_ids = set(run.tasks.values_list("id", flat=True))
    park(run)
    (result,) = services.runs_redispatch(run_ids=[run.pk], dry_run=False, actor=staff)
    assert result.outcome == "redispatched"
    new_ids = set(Task.objects.filter(production_run=run, status="pending").values_list("id", flat=True))
    assert new_ids and not new_ids & first_ids
    listed = {t["id"] for t in api_a.get(partner_url(run)).json()["tasks"]}
    assert listed == new_ids  # not the first sending's cancelled copies beside them
    assert {t["id"] for t in api_a.get("/api/partners/tasks/").json()["results"]} == new_ids
    client.force_login(user_a)
    page = client.get(f"/portal/runs/{run.pk}/").content.decode()
    assert page.count("Cancelled") == 0


def test_declined_work_goes_to_the_partner_who_has_that_role_already(staff_api, staff, partner_a, partner_b,
                                                                      category, api_b):
    """Cutting split between A (30) and B (20): B declines, and A, who cut its own 30, takes B's 20 as a second batch.
    The unique (parent, stage, partner, role) of an allocation refused it: with two workshops, a dead end."""
    from designs.models import Design
    from production.assignments import Assignment
    from tasks.selectors import TemplateSelection
    from tests.factories import DesignFactory

    _, (a_part, b_part) = services.run_create_allocated(
        design=DesignFactory(status=Design.Status.APPROVED), quantity=50, actor=staff, assignments=[
            Assignment(partner_id=partner_a.pk, role="cutting", quantity=30),
            Assignment(partner_id=partner_b.pk, role="cutting", quantity=20)])
    for part in (a_part, b_part):
        services.dispatch_start(run=part, actor=staff, selection=TemplateSelection(category_id=category.pk))
    _declined(ProductionRun.objects.get(pk=b_part.pk), partner_b)
    response = staff_api.post(staff_url(b_part, "reassign"), {"partner": partner_a.pk, "dispatch": True},
                              format="json")
    assert response.status_code == 200, response.data
    assert (response.data["partner"], response.data["previous_partner"], response.data["status"]) == (
        partner_a.pk, partner_b.pk, "sent_to_partner")
    assert sorted(ProductionRun.objects.filter(partner=partner_a, role="cutting").values_list("quantity", flat=True)) \
        == [20, 30]
    # An allocation still gives a partner a role once a stage.
    again = staff_api.post(f"/api/admin/designs/{a_part.design_id}/production-runs/", {"quantity": 4, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 2},
        {"partner": partner_a.pk, "role": "cutting", "quantity": 2}]}, format="json")
    assert again.status_code == 400 and "appears twice in the role" in str(again.json())
