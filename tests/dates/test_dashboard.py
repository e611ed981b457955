"""The admin home's dashboard: each count opens a list of exactly those runs; charts from a fixed number of queries."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from production.models import ProductionRun
from production.services import Assignment, run_create, run_create_allocated, run_set_due_date, run_start
from tests.dates.test_reports import finish, sent
from tests.factories import DesignFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _make(staff, partners, n):
    """``n`` of each kind: waiting for review, late, due soon, in progress, completed (one late), ready to send."""
    for i in range(n):
        partner = partners[i % len(partners)]
        run_create(design=DesignFactory(), quantity=2)
        late, _ = sent(staff, partner, due=date.today() - timedelta(days=1))
        soon, _ = sent(staff, partner, due=date.today() + timedelta(days=1))
        working, _ = sent(staff, partner, stage_two=partners[(i + 1) % len(partners)])
        run_start(run=working, actor=staff)
        done, _ = sent(staff, partner, quantity=2, due=date.today() - timedelta(days=3) if i == 0 else None)
        finish(done, staff, 2)
        run_create_allocated(design=DesignFactory(), quantity=2, actor=staff,
                             assignments=[Assignment(partner_id=partner.pk, quantity=2)])
        run_set_due_date(run=soon, due_date=date.today() + timedelta(days=2), actor=staff)
        assert late.is_late


def _home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return response, len(queries)


def test_counts_open_their_lists_and_the_queries_do_not_grow(staff_client, staff):
    partners = [PartnerFactory() for _ in range(3)]
    _make(staff, partners, 2)
    small, small_queries = _home(staff_client)
    _make(staff, partners, 6)
    # Completed before the last 7 days: in no count, and its link must not list it (it once listed every
    # completed run).
    old, _ = sent(staff, partners[0], quantity=2)
    finish(old, staff, 2)
    ProductionRun.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=10))
    response, queries = _home(staff_client)
    assert queries == small_queries, (small_queries, queries)
    counts = {c["key"]: c for c in response.context["counts"]}
    assert {key: c["value"] for key, c in counts.items()} == {
        "pending_review": 8, "awaiting_templates": 0, "ready_to_dispatch": 8, "awaiting_reassignment": 0,
        "in_progress": 8, "late": 8, "due_soon": 8, "completed_last_7_days": 8}
    for key, count in counts.items():
        if key == "awaiting_templates":
            continue  # opens the Confirm templates page
        listed = staff_client.get(count["url"]).context["cl"]
        assert listed.result_count == count["value"], (key, count["url"])
    page = response.content.decode()
    assert 'data-count="late">8</strong>' in page
    wip = {bar.status: bar.total for bar in response.context["wip"]}
    assert (wip["in_progress"], wip["pending_review"]) == (8, 8)
    this_week = response.context["weeks"][-1]
    assert (this_week.completed, this_week.late, this_week.late_share) == (8, 2, 25)  # the first of each batch
    sent_to = {row.name: row.runs_sent for row in response.context["scorecards"]}
    # late, soon, working, done; and the old completion (sent today, its completion moved back)
    assert set(sent_to) == {p.name for p in partners} and sum(sent_to.values()) == 8 * 4 + 1


def _bulk_runs(n: int, partners, design) -> None:
    """``n`` runs in every state, straight into the table (for counting queries, not for their history)."""
    from django.utils import timezone

    from production.models import ProductionRun

    now, today = timezone.now(), date.today()
    states = ["pending_review", "approved", "sent_to_partner", "in_progress", "completed", "cancelled"]
    ProductionRun.objects.bulk_create(
        ProductionRun(design=design, quantity=5, partner=partners[i % len(partners)], status=states[i % len(states)],
                      stage=1 + i % 2, due_date=today + timedelta(days=i % 7 - 3),
                      sent_at=now - timedelta(days=5) if i % 6 >= 2 else None,
                      completed_at=now - timedelta(days=i % 30) if i % 6 == 4 else None,
                      produced_quantity=4 if i % 6 == 4 else None, rejected_quantity=1 if i % 6 == 4 else None)
        for i in range(n))


def test_the_dashboard_and_both_reports_take_the_same_queries_at_10_and_1000_runs(staff_client, staff_api):
    partners, design = [PartnerFactory() for _ in range(4)], DesignFactory()

    def count(client, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def measure():
        return (count(staff_client, "/admin/"), count(staff_api, "/api/admin/reports/overview"),
                count(staff_api, "/api/admin/reports/partners"))

    _bulk_runs(10, partners, design)
    small = measure()
    _bulk_runs(990, partners, design)
    assert measure() == small
    assert small[1:] == (1, 3)  # the overview is one aggregate; the scorecards three queries
