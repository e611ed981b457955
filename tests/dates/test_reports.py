"""The overview's counts and the partner scorecards on constructed runs, in a fixed number of queries; the run CSV."""

import csv
from datetime import date, datetime, timedelta
import io
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest
import time_machine

from production.models import ActivityVerb, ProductionRun, ProductionRunActivity
from production.reports import scorecards
from production.services import (
    Assignment,
    dispatch_start,
    run_complete,
    run_create,
    run_create_allocated,
    run_decline,
    run_set_due_date,
    run_start,
    task_complete,
)
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def sent(staff, partner, *, quantity=10, due=None, stage_two=None):
    """An allocated child run sent to ``partner`` (and, with ``stage_two``, a later stage for that partner)."""
    assignments = [Assignment(partner_id=partner.pk, quantity=quantity, role="cutting", due_date=due)]
    if stage_two is not None:
        assignments.append(Assignment(partner_id=stage_two.pk, quantity=quantity, role="stitching", stage=2))
    _, children = run_create_allocated(design=DesignFactory(), quantity=quantity, actor=staff, assignments=assignments)
    first = dispatch_start(run=children[0], actor=staff, selection=TemplateSelection(
        category_id=CategoryFactory(steps=1).pk))
    return first, children[1:]


def finish(run, staff, produced, rejected=0):
    task_complete(task=run.tasks.get(), actor=staff)
    reason = {"rejection_reason": "fabric_flaw"} if rejected else {}
    return run_complete(run=run, actor=staff, produced_quantity=produced, rejected_quantity=rejected, **reason)


def test_the_overview_counts_each_run_someone_works_on_once(staff_api, staff, partner_a, partner_b):
    today = date(2026, 12, 10)
    with at(today - timedelta(days=20)):
        run_create(design=DesignFactory(), quantity=3)                                   # pending review
        late, (waiting,) = sent(staff, partner_a, due=today - timedelta(days=1), stage_two=partner_b)
        soon, _ = sent(staff, partner_a, due=today + timedelta(days=2))                  # due soon, not started
        later, _ = sent(staff, partner_a, due=today + timedelta(days=3))                 # not soon yet
        working, _ = sent(staff, partner_b, due=today + timedelta(days=1))
        run_start(run=working, actor=staff)                                              # in progress: not "soon"
        _, (ready,) = run_create_allocated(design=DesignFactory(), quantity=2, actor=staff, assignments=[
            Assignment(partner_id=partner_b.pk, quantity=2)])                           # ready to dispatch
        awaiting = run_create_allocated(design=DesignFactory(), quantity=2, actor=staff, assignments=[
            Assignment(partner_id=partner_b.pk, quantity=2)])[1][0]
        dispatch_start(run=awaiting, actor=staff)                                        # awaiting templates
    with at(today - timedelta(days=8)):
        old, _ = sent(staff, partner_b)
        finish(old, staff, 10)                                                           # completed 8 days ago
    with at(today - timedelta(days=2)):
        recent, _ = sent(staff, partner_b)
        finish(recent, staff, 9, 1)                                                      # completed this week
    with at(today):
        with CaptureQueriesContext(connection) as queries:
            response = staff_api.get("/api/admin/reports/overview")
        assert response.status_code == 200
        assert response.json() == {"pending_review": 1, "awaiting_templates": 1, "ready_to_dispatch": 1,
                                   "awaiting_reassignment": 0, "in_progress": 1, "late": 1, "due_soon": 1,
                                   "completed_last_7_days": 1}
        assert len(queries) == 1  # one aggregate, whatever the number of runs (the client is authenticated)
    assert waiting.status == "approved"  # stage 2 waits for cutting: not ready to dispatch, not counted twice


def test_partner_scorecards_from_constructed_runs(staff_api, staff, partner_a, partner_b):
    quiet = PartnerFactory(name="Quiet workshop")
    with at(date(2026, 11, 2)):
        on_time, _ = sent(staff, partner_a, quantity=20, due=date(2026, 11, 10))
    with at(date(2026, 11, 5)):
        finish(on_time, staff, 18, 2)                                  # 3 days, on time, 2 of 20 rejected
    with at(date(2026, 11, 3)):
        late_one, _ = sent(staff, partner_a, due=date(2026, 11, 4))
    with at(date(2026, 11, 8)):
        finish(late_one, staff, 10)                                    # 5 days, late
    with at(date(2026, 11, 4)):
        declined, _ = sent(staff, partner_b)
        run_decline(run=declined, partner=partner_b, actor=staff, reason="capacity")
        ProductionRunActivity.objects.create(run=declined, verb=ActivityVerb.PARKED, data={"partner": quiet.pk})
    with at(date(2026, 12, 1)):
        outside, _ = sent(staff, partner_b)                            # sent after the period
        with CaptureQueriesContext(connection) as queries:
            body = staff_api.get("/api/admin/reports/partners?from=2026-11-01&to=2026-11-30").json()
    assert len(queries) == 3
    assert (body["count"], body["previous"]) == (3, None)
    rows = body["results"]
    assert rows == [
        {"partner": partner_a.pk, "name": partner_a.name, "runs_sent": 2, "runs_completed": 2, "on_time_rate": 0.5,
         "reject_rate": round(2 / 30, 4), "declines": 0, "parked": 0, "mean_lead_time_days": 4.0,
         "units_produced": 28},
        {"partner": partner_b.pk, "name": partner_b.name, "runs_sent": 0, "runs_completed": 0, "on_time_rate": None,
         "reject_rate": None, "declines": 1, "parked": 0, "mean_lead_time_days": None, "units_produced": 0},
        {"partner": quiet.pk, "name": "Quiet workshop", "runs_sent": 0, "runs_completed": 0, "on_time_rate": None,
         "reject_rate": None, "declines": 0, "parked": 1, "mean_lead_time_days": None, "units_produced": 0},
    ]
    every = {row["name"]: row["runs_sent"] for row in staff_api.get("/api/admin/reports/partners").json()["results"]}
    assert every[partner_b.name] == 1 and outside.partner_id == partner_b.pk
    # A list like every other: paginated by limit and offset, in the same order.
    second = staff_api.get("/api/admin/reports/partners?from=2026-11-01&to=2026-11-30&limit=1&offset=1").json()
    assert (second["count"], second["results"]) == (3, rows[1:2])
    assert "offset=2" in second["next"] and second["previous"] is not None
    for bad in ("?from=1/11/2026", "?to=", "?from=2026-11-01&from=2026-11-02", "?colour=red", "?limit=0",
                "?offset=-1", "?limit=x"):
        assert staff_api.get(f"/api/admin/reports/partners{bad}").status_code == 400, bad


def test_run_csv_honours_the_list_filters(staff_api, staff, partner_a, partner_b):
    first, _ = sent(staff, partner_a, due=date.today() - timedelta(days=1))
    second, _ = sent(staff, partner_b)
    response = staff_api.get(f"/api/admin/production-runs/export.csv?partner={partner_a.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(int(r["id"]), r["partner_name"], r["role"], r["due_date"], r["is_late"]) for r in rows] == [
        (first.pk, partner_a.name, "cutting", (date.today() - timedelta(days=1)).isoformat(), "true")]
    late = list(csv.DictReader(io.StringIO(b"".join(
        staff_api.get("/api/admin/production-runs/export.csv?late=false&root=false").streaming_content).decode())))
    assert {int(r["id"]) for r in late} == {second.pk}
    assert staff_api.get("/api/admin/production-runs/export.csv?stage=zero").status_code == 400
    run_set_due_date(run=second, due_date=None, actor=staff)
    assert ProductionRun.objects.get(pk=second.pk).due_date is None


@pytest.mark.parametrize("zone", ["UTC", "Europe/Rome", "America/New_York"])
def test_a_scorecard_period_is_whole_local_days(staff, partner_a, settings, zone):
    """The period is bounded by times (an index serves it): a run sent in the last minute of the day before
    the period is out, one sent in its first and last minutes is in, whatever the installation's zone."""
    settings.TIME_ZONE = zone
    local = ZoneInfo(zone)
    start, end = date(2026, 3, 10), date(2026, 3, 11)
    moments = {"before": datetime(2026, 3, 9, 23, 59, tzinfo=local), "first": datetime(2026, 3, 10, 0, 0, tzinfo=local),
               "last": datetime(2026, 3, 11, 23, 59, tzinfo=local), "after": datetime(2026, 3, 12, 0, 0, tzinfo=local)}
    for moment in moments.values():
        with time_machine.travel(moment, tick=False):
            sent(staff, partner_a)

    (card,) = scorecards(start=start, end=end)
    assert card.runs_sent == 2
    (everything,) = scorecards()
    assert everything.runs_sent == 4


@pytest.mark.parametrize("zone", ["UTC", "Europe/Rome", "America/New_York"])
def test_a_period_at_the_calendars_ends_is_every_day(staff_api, staff, partner_a, settings, zone):
    settings.TIME_ZONE = zone
    sent(staff, partner_a)
    for period in ("?from=0001-01-01&to=9999-12-31", "?from=0001-01-02&to=9999-12-30", "?to=9999-12-31"):
        response = staff_api.get(f"/api/admin/reports/partners{period}")
        assert response.status_code == 200, period
        assert [row["runs_sent"] for row in response.json()["results"]] == [1], period
