"""The partner API: a partner's users see and do their own work (docs/api.md: Partner API, Cascades)."""

import pytest

from production.models import ProductionRun
from production.services import Assignment, run_create_allocated
from tasks.models import Task
from tests.factories import DesignFactory

pytestmark = pytest.mark.django_db


def _tasks(run):
    return list(Task.objects.filter(production_run=run).order_by("sequence"))


def test_lists_only_dispatched_runs_of_the_caller_with_progress(api_a, dispatched, staff, partner_a):
    parent, run_a, run_b = dispatched
    # An approved but undispatched run of partner A is not visible yet.
    _, (hidden,) = run_create_allocated(design=DesignFactory(), quantity=1, actor=staff,
                                        assignments=[Assignment(partner_id=partner_a.pk, quantity=1)])
    response = api_a.get("/api/partners/production-runs/")
    assert response.status_code == 200
    assert [r["id"] for r in response.data["results"]] == [run_a.pk]
    assert response.data["results"][0]["progress"] == {"tasks_total": 3, "tasks_completed": 0}
    assert response.data["results"][0]["design_name"] == "Linen shirt"
    assert api_a.get(f"/api/partners/production-runs/{hidden.pk}/").status_code == 404
    assert api_a.get("/api/partners/production-runs/?status=in_progress").data["count"] == 0
    assert api_a.get("/api/partners/production-runs/?status=bogus").status_code == 400


def test_run_detail_has_tasks_in_order_and_a_design_summary(api_a, dispatched):
    _, run_a, _ = dispatched
    data = api_a.get(f"/api/partners/production-runs/{run_a.pk}/").data
    assert [t["title"] for t in data["tasks"]] == ["Mark", "Cut", "Bundle"]
    assert data["design_summary"]["name"] == "Linen shirt"
    assert data["snapshot"]["name"] == "Linen shirt"
    for key in ("id", "title", "status", "sequence", "template", "production_run", "partner", "design", "started_at",
                "completed_at"):
        assert key in data["tasks"][0]


def test_full_work_through_the_api_completes_the_parent(api_a, api_b, dispatched):
    parent, run_a, run_b = dispatched
    first, *rest = _tasks(run_a)
    started = api_a.post(f"/api/partners/tasks/{first.pk}/start")
    assert started.status_code == 200 and started.data["status"] == "in_progress"
    run_a.refresh_from_db()
    parent.refresh_from_db()
    assert run_a.status == "in_progress"  # started with its first task
    assert parent.status == "in_progress"  # and the parent follows its child

    early = api_a.post(f"/api/partners/production-runs/{run_a.pk}/complete", {}, format="json")
    assert early.status_code == 409 and early.data["code"] == "open_tasks"

    for task in [first, *rest]:
        assert api_a.post(f"/api/partners/tasks/{task.pk}/complete").status_code == 200
    over = api_a.post(f"/api/partners/production-runs/{run_a.pk}/complete",
                      {"produced_quantity": 3, "rejected_quantity": 1}, format="json")
    assert over.status_code == 400
    done = api_a.post(f"/api/partners/production-runs/{run_a.pk}/complete",
                      {"produced_quantity": 2, "rejected_quantity": 1, "notes": "one torn"}, format="json")
    assert done.status_code == 200
    assert (done.data["status"], done.data["produced_quantity"], done.data["rejected_quantity"],
            done.data["completion_notes"]) == ("completed", 2, 1, "one torn")
    parent.refresh_from_db()
    assert parent.status == "in_progress"  # B is not done yet

    # Partner B starts its run explicitly, completes a pending task directly, then the run with defaults.
    assert api_b.post(f"/api/partners/production-runs/{run_b.pk}/start").data["status"] == "in_progress"
    for task in _tasks(run_b):
        assert api_b.post(f"/api/partners/tasks/{task.pk}/complete").data["status"] == "completed"
    done_b = api_b.post(f"/api/partners/production-runs/{run_b.pk}/complete", {}, format="json")
    assert (done_b.data["produced_quantity"], done_b.data["rejected_quantity"]) == (2, 0)
    parent.refresh_from_db()
    assert (parent.status, parent.produced_quantity, parent.rejected_quantity) == ("completed", 4, 1)


def test_invalid_transitions_answer_409_and_change_nothing(api_a, dispatched):
    _, run_a, _ = dispatched
    task = _tasks(run_a)[0]
    api_a.post(f"/api/partners/tasks/{task.pk}/complete")
    again = api_a.post(f"/api/partners/tasks/{task.pk}/start")
    assert again.status_code == 409 and again.data["code"] == "invalid_transition"
    assert api_a.post(f"/api/partners/production-runs/{run_a.pk}/start").status_code == 409  # already started
    task.refresh_from_db()
    assert task.status == "completed"


def test_cancelled_runs_stay_visible_and_frozen(api_a, dispatched, staff_api):
    parent, run_a, _ = dispatched
    assert staff_api.post(f"/api/admin/production-runs/{parent.pk}/cancel", {}, format="json").status_code == 200
    listed = api_a.get("/api/partners/production-runs/").data["results"]
    assert [(r["id"], r["status"]) for r in listed] == [(run_a.pk, "cancelled")]
    assert {t.status for t in _tasks(run_a)} == {"cancelled"}
    task = _tasks(run_a)[0]
    assert api_a.post(f"/api/partners/tasks/{task.pk}/start").status_code == 409


def test_my_designs(api_a, dispatched):
    response = api_a.get("/api/partners/designs/")
    assert [d["name"] for d in response.data["results"]] == ["Linen shirt"]


def test_complete_rejects_bad_numbers_with_400(api_a, dispatched):
    _, run_a, _ = dispatched
    api_a.post(f"/api/partners/production-runs/{run_a.pk}/start")
    for task in _tasks(run_a):
        api_a.post(f"/api/partners/tasks/{task.pk}/complete")
    for body in ({"produced_quantity": -1}, {"rejected_quantity": "x"}, {"produced_quantity": 10**12}):
        assert api_a.post(f"/api/partners/production-runs/{run_a.pk}/complete", body, format="json").status_code == 400
    assert ProductionRun.objects.get(pk=run_a.pk).status == "in_progress"
