"""The reassignment queue, the Reassign page, the bulk second chance and the staff inbox in admin."""

from django.urls import reverse
import pytest

from production import services
from production.models import ActivityVerb, Alert, AlertKind, DeclineReason, ProductionRun
from production.services.partner_response import hand_back_locked
from tests.admin.conftest import messages_of, run_url
from tests.factories import CategoryFactory, DispatchedRunFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:production_productionrun_changelist") + "?status__exact=awaiting_reassignment"


@pytest.fixture
def declined(partner_a, staff):
    run = DispatchedRunFactory(partner=partner_a, category=CategoryFactory(steps=2), actor=staff)
    return services.run_decline(run=run, partner=partner_a, reason="capacity", notes="Full until May")


def _park(run):
    locked = ProductionRun.objects.select_related("partner", "design").get(pk=run.pk)
    hand_back_locked(locked, actor=None, reason=DeclineReason.NO_RESPONSE, notes="", verb=ActivityVerb.PARKED,
                     alert=AlertKind.PARKED, message="parked")
    return locked


def test_the_queue_shows_who_had_it_why_and_for_how_long(staff_client, declined, partner_a):
    page = staff_client.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert run_url(declined) in html
    assert partner_a.name in html and "No capacity: Full until May" in html
    assert list(page.context["cl"].result_list) == [declined]


def test_reassign_page_sends_the_run_to_another_partner(staff_client, declined, partner_b):
    url = reverse("admin:production_productionrun_reassign", args=[declined.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and "Full until May" in page.content.decode()
    response = staff_client.post(url, {"partner": partner_b.pk, "dispatch": "on", "note": "B has room"}, follow=True)
    declined.refresh_from_db()
    assert (declined.status, declined.partner_id) == ("sent_to_partner", partner_b.pk)
    assert messages_of(response) == [
        f"{declined} reassigned to {partner_b.name} and sent to them.",
        f"No rate is agreed for {declined} ({partner_b.name}): it will not be paid through the ledger. Set one with "
        "“Change rate…” on its page before the partner accepts, or on the design's partner link for next time."]
    assert declined.activities.get(verb="reassigned").note == "B has room"


def test_a_reassigned_run_says_it_keeps_its_rate(staff_client, declined, partner_b):
    """The previous partner's rate went along silently: the new one may have agreed another."""
    ProductionRun.objects.filter(pk=declined.pk).update(rate="6.50")
    url = reverse("admin:production_productionrun_reassign", args=[declined.pk])
    response = staff_client.post(url, {"partner": partner_b.pk, "note": ""}, follow=True)
    assert messages_of(response)[1] == (
        f"It keeps its rate, 6.50 EUR (per good piece): change it with “Change rate…” before {partner_b.name} "
        "accepts, if theirs differs.")


def test_reassign_page_refuses_a_run_that_cannot_be_reassigned(staff_client, allocated):
    _, (child, _) = allocated
    response = staff_client.get(reverse("admin:production_productionrun_reassign", args=[child.pk]), follow=True)
    assert "can be reassigned" in messages_of(response)[0]


def test_bulk_second_chance_shows_a_dry_run_then_sends_on_confirm(staff_client, partner_a, staff):
    parked = _park(DispatchedRunFactory(partner=partner_a, actor=staff))
    declined = services.run_decline(run=DispatchedRunFactory(partner=partner_a, actor=staff), partner=partner_a,
                                    reason="capacity")
    changelist = reverse("admin:production_productionrun_changelist")
    plan = staff_client.post(changelist, {"action": "redispatch_to_previous_partner",
                                          "_selected_action": [parked.pk, declined.pk]})
    assert plan.status_code == 200
    html = plan.content.decode()
    assert "Will be sent back, with the same tasks" in html and "Skipped: this partner declined it" in html
    assert ProductionRun.objects.filter(status="awaiting_reassignment").count() == 2  # a dry run changed nothing

    done = staff_client.post(changelist, {"action": "redispatch_to_previous_partner", "confirm": "yes",
                                          "_selected_action": [parked.pk, declined.pk]}, follow=True)
    assert "Sent back to their previous partner: 1 of 2 runs." in messages_of(done)
    parked.refresh_from_db()
    assert (parked.status, parked.partner_id) == ("sent_to_partner", partner_a.pk)


def test_admin_home_counts_unread_alerts_and_the_inbox_marks_them_read(staff_client, declined):
    home = staff_client.get(reverse("admin:index")).content.decode()
    assert 'id="unread-alerts">1 unread' in home and "Declined by the partner: 1" in home
    assert 'id="awaiting-reassignment">1<' in home
    alert = Alert.objects.get()
    inbox = reverse("admin:production_alert_changelist")
    assert staff_client.get(inbox + "?unread=yes").status_code == 200
    staff_client.post(inbox, {"action": "mark_read", "_selected_action": [alert.pk]})
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert 'id="unread-alerts"' not in staff_client.get(reverse("admin:index")).content.decode()


def test_the_inbox_is_titled_as_such_and_opening_an_alert_reads_it(staff_client, staff, declined):
    """It was "Select alert to change", and an alert opened stayed unread (no way to mark it from its page)."""
    inbox = staff_client.get(reverse("admin:production_alert_changelist"))
    assert "<h1>Staff inbox</h1>" in inbox.content.decode()
    alert = Alert.objects.get()
    assert "&rsaquo; Staff inbox" in " ".join(inbox.content.decode().split())  # the breadcrumb, as the home page names it
    alert.message = "Atelier A declined run #12 (30 × Linen Overshirt): no capacity — “Full until the end of May”"
    alert.save()
    assert str(alert) == "Declined by the partner: Atelier A declined run #12 (30 × Linen Overshirt): no capac…"
    assert alert.read_at is None
    assert staff_client.get(reverse("admin:production_alert_change", args=[alert.pk])).status_code == 200
    alert.refresh_from_db()
    assert (alert.read_at is not None, alert.read_by) == (True, staff)


def test_confirming_templates_for_a_reassigned_run_counts_only_the_new_tasks(staff_client, staff, declined, partner_b):
    services.run_reassign(run=declined, partner_id=partner_b.pk, actor=staff)
    services.dispatch_start(run=declined, actor=staff)
    confirm = reverse("admin:production_productionrun_confirm_templates")
    response = staff_client.post(confirm, {"runs": [declined.pk], "category": CategoryFactory(steps=3).pk}, follow=True)
    assert messages_of(response) == [f"Sent to partner: {declined} (3 tasks)"]
    assert declined.tasks.count() == 5  # the former partner's two stay, cancelled


def test_a_reassigned_runs_page_lists_the_new_partners_tasks_before_the_cancelled_ones(staff_client, staff, declined,
                                                                                        partner_a, partner_b):
    """They were mixed by sequence ("Tasks (6)": 1, 1, 2, 2, 3, 3), one partner's live work beside another's cancelled."""
    services.run_reassign(run=declined, partner_id=partner_b.pk, dispatch=True, actor=staff)
    page = staff_client.get(reverse("admin:production_productionrun_change", args=[declined.pk]))
    tasks = page.context["tasks"]
    assert [(t.partner_id, t.status) for t in tasks] == (
        [(partner_b.pk, "pending")] * 2 + [(partner_a.pk, "cancelled")] * 2)
    html = page.content.decode()
    assert "<th>Partner</th>" in html and html.count('class="cancelled-task"') == 2
