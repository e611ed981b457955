"""Gating in admin: the policy row, the review queue with its reasons, and "Approve by routing"."""

from django.urls import reverse
import pytest

from designs.models import Design
from production import selectors, services
from production.models import ProductionPolicy, ProductionRun
from tests.admin.conftest import messages_of
from tests.factories import CategoryFactory, DesignFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:production_productionrun_changelist")


@pytest.fixture
def routed_design(partner_a, partner_b):
    """Commerce ready, split 2:1 between A and B, confirmed with the Cutting templates."""
    category = CategoryFactory(name="Cutting", steps=2)
    return DesignFactory(status=Design.Status.COMMERCE_READY, routing={
        "assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 2},
                        {"partner": partner_b.pk, "role": "stitching", "share": 1}],
        "template_category": category.pk,
    })


def test_policy_list_opens_the_single_row_and_saving_goes_through_the_service(staff_client):
    response = staff_client.get(reverse("admin:production_productionpolicy_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("admin:production_productionpolicy_change", args=[1])
    ladder = {"accept_after_hours": "12", "start_after_hours": "24", "idle_after_hours": "72", "reminder_cap": "3",
              "same_partner_retries": "0"}
    assert staff_client.post(response.url, {"auto_dispatch": "on", **ladder}).status_code == 302
    policy = ProductionPolicy.load()
    assert (policy.auto_dispatch, policy.reminders["accept_after_hours"], policy.reminders["cap"]) == (True, 12, 3)
    staff_client.post(response.url, ladder)
    assert ProductionPolicy.load().auto_dispatch is False
    refused = staff_client.post(response.url, {**ladder, "reminder_cap": "0"})
    assert refused.status_code == 200 and "reminder_cap" in refused.context["adminform"].form.errors
    assert ProductionPolicy.objects.count() == 1
    assert staff_client.get(reverse("admin:production_productionpolicy_add")).status_code == 403
    assert staff_client.get(reverse("admin:production_productionpolicy_delete", args=[1])).status_code == 403


def test_review_queue_shows_why_each_run_was_not_dispatched(staff_client, staff, routed_design):
    services.policy_update(auto_dispatch=True, actor=staff)
    not_ready = services.run_create(design=DesignFactory(name="Draft coat"), quantity=3, actor=staff)
    services.run_auto_dispatch(not_ready.pk)
    response = staff_client.get(CHANGELIST, {"status__exact": "pending_review"})
    assert "why_waiting" in response.context["cl"].list_display
    reason = selectors.review_reason(not_ready)
    assert reason == "Design 'Draft coat' is approved, not ready for commerce."
    assert reason.replace("'", "&#x27;") in response.content.decode()
    # Outside the queue the column is not there.
    assert "why_waiting" not in staff_client.get(CHANGELIST).context["cl"].list_display


def test_review_queue_reasons_cost_no_query_per_row(staff_client, staff, django_assert_max_num_queries):
    for _ in range(5):
        services.run_auto_dispatch(services.run_create(design=DesignFactory(), quantity=1, actor=staff).pk)
    # Same 10 queries as the plain list (see test_admin_pages): the reason is a subquery of the page query.
    with django_assert_max_num_queries(10):
        staff_client.get(CHANGELIST, {"status__exact": "pending_review"})


def test_approve_by_routing_approves_routable_runs_and_reports_the_others(staff_client, staff, routed_design):
    routable = services.run_create(design=routed_design, quantity=3, actor=staff)
    not_ready = services.run_create(design=DesignFactory(name="Draft coat"), quantity=3, actor=staff)
    response = staff_client.post(CHANGELIST, {"action": "approve_by_routing",
                                              "_selected_action": [routable.pk, not_ready.pk]}, follow=True)
    assert response.status_code == 200
    routable.refresh_from_db()
    assert routable.status == "approved"
    children = ProductionRun.objects.filter(parent_run=routable).order_by("id")
    assert [(c.role, c.quantity, c.status) for c in children] == [
        ("cutting", 2, "sent_to_partner"), ("stitching", 1, "sent_to_partner")]
    assert routable.activities.get(verb="approved").actor == staff
    not_ready.refresh_from_db()
    assert not_ready.status == "pending_review"
    assert messages_of(response) == [
        f"Approved by routing: {routable}",
        f"Run #{not_ready.pk} not approved: Design 'Draft coat' is approved, not ready for commerce.",
    ]
    services.run_start(run=children[0])  # the root follows: in progress
    again = staff_client.post(CHANGELIST, {"action": "approve_by_routing", "_selected_action": [routable.pk]},
                              follow=True)
    assert messages_of(again) == [  # the status in words: it said "is in_progress"
        f"Run #{routable.pk} not approved: Run {routable.pk} is in progress, not pending review."]


def test_the_review_queue_says_why_for_order_runs_and_after_a_refused_approve_by_routing(staff_client, staff):
    from tests.gating.helpers import order_born_run

    run = order_born_run(DesignFactory(name="Draft coat"), 2)  # automatic dispatch is off
    assert selectors.review_reason(run).endswith("Waiting for review: automatic dispatch is off.")
    staff_client.post(CHANGELIST, {"action": "approve_by_routing", "_selected_action": [run.pk]})
    assert selectors.review_reason(run) == "Design 'Draft coat' is approved, not ready for commerce."
    page = staff_client.get(CHANGELIST, {"status__exact": "pending_review"}).content.decode()
    assert "Design &#x27;Draft coat&#x27; is approved, not ready for commerce." in page
