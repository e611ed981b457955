"""The hub: the partner's own runs, in status tabs, with progress; constant queries."""

import pytest

from production import services
from tests.factories import CategoryFactory, DesignFactory, DispatchedRunFactory

pytestmark = pytest.mark.django_db


def _runs_on_page(response) -> set[int]:
    return {run.pk for run in response.context["page"].object_list}


def test_hub_lists_only_the_partners_own_runs_with_design_names(portal_a, partner_a, partner_b, category):
    mine = DispatchedRunFactory(partner=partner_a, design=DesignFactory(name="Linen shirt"), category=category)
    theirs = DispatchedRunFactory(partner=partner_b, design=DesignFactory(name="Secret coat"), category=category)

    response = portal_a.get("/portal/")

    assert response.status_code == 200
    assert _runs_on_page(response) == {mine.pk}
    html = response.content.decode()
    assert "Linen shirt" in html and f"Run #{mine.pk}" in html
    assert "Secret coat" not in html and f"Run #{theirs.pk}" not in html


def test_runs_not_yet_dispatched_stay_off_the_hub(portal_a, partner_a):
    services.run_create_allocated(
        design=DesignFactory(name="Not sent yet"), quantity=2,
        assignments=[services.Assignment(partner_id=partner_a.pk, role="cutting", quantity=2)],
    )
    response = portal_a.get("/portal/")
    assert _runs_on_page(response) == set()
    assert b"Not sent yet" not in response.content


def test_hub_shows_progress_and_tabs_filter_by_status(portal_a, user_a, partner_a, category):
    sent = DispatchedRunFactory(partner=partner_a, category=category)
    started = DispatchedRunFactory(partner=partner_a, category=category)
    first_task = started.tasks.order_by("sequence").first()
    services.task_complete(task=first_task, actor=user_a)

    response = portal_a.get("/portal/")
    tabs = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"All": 2, "Sent": 1, "In progress": 1, "Completed": 0, "Cancelled": 0}
    progress = {run.pk: (run.tasks_completed, run.tasks_total) for run in response.context["page"].object_list}
    assert progress == {sent.pk: (0, 2), started.pk: (1, 2)}
    assert "1 / 2 tasks done" in response.content.decode()

    assert _runs_on_page(portal_a.get("/portal/?status=in_progress")) == {started.pk}
    assert _runs_on_page(portal_a.get("/portal/?status=sent_to_partner")) == {sent.pk}
    assert _runs_on_page(portal_a.get("/portal/?status=completed")) == set()
    # An unknown tab shows everything instead of failing.
    assert _runs_on_page(portal_a.get("/portal/?status=bogus")) == {sent.pk, started.pk}


def test_cancelled_run_stays_visible_under_cancelled(portal_a, staff, partner_a, run_a):
    services.run_cancel(run=run_a, actor=staff, reason="Fabric out of stock")
    response = portal_a.get("/portal/?status=cancelled")
    assert _runs_on_page(response) == {run_a.pk}


@pytest.mark.parametrize("runs", [10, 100])
def test_hub_query_count_does_not_grow_with_runs(portal_a, partner_a, partner_b, runs, django_assert_num_queries):
    category = CategoryFactory(steps=3)
    design = DesignFactory()
    for _ in range(runs):
        DispatchedRunFactory(partner=partner_a, design=design, category=category, quantity=1)
    DispatchedRunFactory(partner=partner_b, design=design, category=category)  # never counted, never listed

    # 1 session, 2 user, 3 membership joined with its partner (partner_for_user),
    # 4 tab counts (one aggregate), 5 paginator count, 6 the page of runs with their design
    # and task progress (one query: joins + GROUP BY), 7 unread notifications (nav).
    with django_assert_num_queries(7):
        response = portal_a.get("/portal/")

    assert response.status_code == 200
    assert response.context["tabs"][0]["count"] == runs
    assert len(response.context["page"].object_list) == min(runs, 50)


def test_with_debug_on_the_hub_loads_htmx_without_the_helper_that_replaces_the_page_on_a_400(portal_a, settings):
    # `make run` runs with DEBUG on; django-htmx's debug helper would swap the whole document for a form's 400.
    settings.DEBUG = True
    page = portal_a.get("/portal/").content.decode()
    assert "django_htmx/htmx-2.min.js" in page and "django-htmx.js" not in page
