"""Partner B never sees or touches partner A's objects: 404 everywhere, never in lists."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from config.urls import partner_api
from designs.services import design_snapshot, design_update
from partners.auth import token_create
from production.models import Payable, ProductionRun
from tasks.models import Task
from tests.factories import DispatchedRunFactory

pytestmark = pytest.mark.django_db


def test_every_partner_route_is_404_for_the_outsider(api_b, dispatched):
    _, run_a, _ = dispatched
    task_a = Task.objects.filter(production_run=run_a).first()
    payable_a = Payable.objects.create(run=run_a, partner=run_a.partner, amount="3.00", currency="EUR", rate="1.00",
                                       rate_type="per_unit", units=3)
    gets = [f"/api/partners/production-runs/{run_a.pk}/", f"/api/partners/tasks/{task_a.pk}/",
            f"/api/partners/payables/{payable_a.pk}/", f"/api/partners/production-runs/{run_a.pk}/consumption"]
    posts = [f"/api/partners/production-runs/{run_a.pk}/start", f"/api/partners/production-runs/{run_a.pk}/complete",
             f"/api/partners/production-runs/{run_a.pk}/accept", f"/api/partners/production-runs/{run_a.pk}/decline",
             f"/api/partners/tasks/{task_a.pk}/start", f"/api/partners/tasks/{task_a.pk}/complete",
             f"/api/partners/production-runs/{run_a.pk}/consumption"]
    for path in gets:
        assert api_b.get(path).status_code == 404, path
    for path in posts:
        assert api_b.post(path, {}, format="json").status_code == 404, path
    task_a.refresh_from_db()
    run_a.refresh_from_db()
    assert (task_a.status, run_a.status, run_a.accepted_at) == ("pending", "sent_to_partner", None)

    # Every partner route with an id is covered above: a new one must be added here.
    with_ids = {str(p.pattern) for p in partner_api if "<int:pk>" in str(p.pattern)}
    assert len(with_ids) == len(set(gets) | set(posts))


def test_lists_never_contain_foreign_ids(api_a, api_b, dispatched):
    _, run_a, run_b = dispatched
    runs_b = {r["id"] for r in api_b.get("/api/partners/production-runs/").data["results"]}
    tasks_b = api_b.get("/api/partners/tasks/").data["results"]
    assert runs_b == {run_b.pk}
    assert {t["production_run"] for t in tasks_b} == {run_b.pk}
    assert api_b.get(f"/api/partners/tasks/?production_run={run_a.pk}").data["count"] == 0
    # Both partners were linked to the same design at approval; each sees it once.
    assert len(api_b.get("/api/partners/designs/").data["results"]) == 1


def _list_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.data["count"]


def test_run_list_uses_the_same_queries_for_10_and_100_runs(anon_api, user_a, partner_a, staff, category):
    def make(n):
        DispatchedRunFactory.create_batch(n, partner=partner_a, quantity=2, role="", category=category, actor=staff)

    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user_a)[1]}")
    api_a = anon_api
    make(10)
    # Queries: the token with its user, the caller's membership with its partner, the count, the page
    # of runs (design name and progress in the same query), their planned materials (one prefetch);
    # tasks are not loaded for the list.
    small, count = _list_queries(api_a, "/api/partners/production-runs/?limit=100")
    assert count == 10
    make(90)
    large, count = _list_queries(api_a, "/api/partners/production-runs/?limit=100")
    assert count == 100
    assert small == large
    assert small == 5


def test_staff_list_uses_the_same_queries_for_10_and_100_runs(staff_api):
    from production.services import run_create
    from tests.factories import DesignFactory

    design = DesignFactory()
    for _ in range(10):
        run_create(design=design, quantity=1)
    small, _ = _list_queries(staff_api, "/api/admin/production-runs/?limit=100")
    for _ in range(90):
        run_create(design=design, quantity=1)
    large, count = _list_queries(staff_api, "/api/admin/production-runs/?limit=100")
    assert count == 100
    # count, page of runs with design + partner joined, children prefetch, planned materials prefetch
    assert small == large == 4


def test_run_snapshot_shows_a_partner_nothing_of_other_partners(api_a, dispatched, partner_a, partner_b):
    _, run_a, _ = dispatched
    # Make the design's snapshot carry other partners: links and a routing naming partner B.
    design_update(design=run_a.design, routing={"assignments": [{"partner": partner_b.pk, "share": 1}]})
    ProductionRun.objects.filter(pk=run_a.pk).update(snapshot=design_snapshot(run_a.design))
    assert str(partner_b.pk) in str(ProductionRun.objects.get(pk=run_a.pk).snapshot["routing"])

    detail = api_a.get(f"/api/partners/production-runs/{run_a.pk}/").data
    listed = api_a.get("/api/partners/production-runs/").data["results"][0]
    for snapshot in (detail["snapshot"], listed["snapshot"]):
        assert set(snapshot) <= {"name", "code", "status", "specs", "captured_at"}
        assert snapshot["name"] == run_a.design.name


def test_run_list_counts_the_runs_alone(api_a, partner_a, category):
    """The page's COUNT reads the runs table only: joined to the designs, PostgreSQL read the partner's whole
    history from the table instead of counting it off the partial index (``make bench``, part 6)."""
    DispatchedRunFactory.create_batch(3, partner=partner_a, quantity=2, role="", category=category)
    with CaptureQueriesContext(connection) as ctx:
        assert api_a.get("/api/partners/production-runs/").data["count"] == 3
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) == 1
    assert "JOIN" not in counts[0]
