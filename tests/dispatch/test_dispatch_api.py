"""The dispatch workflow through the staff API (docs/api.md: dispatch, dispatch/confirm, dispatch/cancel)."""

import pytest

from production.models import ProductionRun, ProductionRunActivity
from tasks.models import Task, TaskTemplate
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def _url(run_id, action=""):
    return f"/api/admin/production-runs/{run_id}/{action}"


def _confirm(staff_api, run_id, body):
    return staff_api.post(_url(run_id, "dispatch/confirm"), body, format="json")


def _assert_nothing_dispatched(run_id):
    run = ProductionRun.objects.get(pk=run_id)
    assert (run.status, run.dispatch_state, run.template_ids) == ("approved", "awaiting_templates", [])
    assert not Task.objects.exists()
    assert not ProductionRunActivity.objects.filter(run_id=run_id, verb="dispatched").exists()


# --- start -------------------------------------------------------------------------------

def test_dispatch_start_pauses_awaiting_templates(staff_api, staff, child_id):
    response = staff_api.post(_url(child_id, "dispatch"), {}, format="json")
    assert response.status_code == 202
    assert response.data["status"] == "approved"
    assert response.data["dispatch_state"] == "awaiting_templates"
    assert response.data["dispatch_started_at"] is not None
    assert response.data["dispatch_started_by"] == staff.pk
    assert response.data["tasks"] == []
    # The pause is persisted state, not a waiting process.
    assert ProductionRun.objects.get(pk=child_id).dispatch_state == "awaiting_templates"


def test_dispatch_with_a_selection_completes_at_once(staff_api, child_id, cutting):
    response = staff_api.post(_url(child_id, "dispatch"), {"template_category": cutting.pk}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["dispatch_state"]) == ("sent_to_partner", "completed")
    assert [t["title"] for t in response.data["tasks"]] == ["Lay fabric", "Mark", "Cut"]


def test_dispatch_with_a_bad_selection_starts_nothing(staff_api, child_id):
    response = staff_api.post(_url(child_id, "dispatch"), {"template_names": ["No such step"]}, format="json")
    assert response.status_code == 400
    run = ProductionRun.objects.get(pk=child_id)
    assert (run.status, run.dispatch_state, run.dispatch_started_at) == ("approved", "idle", None)
    assert not ProductionRunActivity.objects.filter(run_id=child_id, verb="dispatch_started").exists()


# --- confirm -------------------------------------------------------------------------------

def test_confirm_by_category_sends_the_run_with_tasks_in_template_order(staff_api, awaiting, partner_a, cutting):
    response = _confirm(staff_api, awaiting, {"template_category": cutting.pk})
    assert response.status_code == 200, response.data
    data = response.data
    assert (data["status"], data["dispatch_state"]) == ("sent_to_partner", "completed")
    expected = list(TaskTemplate.objects.filter(category=cutting).order_by("sequence"))
    assert [t["title"] for t in data["tasks"]] == ["Lay fabric", "Mark", "Cut"]
    assert [t["template"] for t in data["tasks"]] == [t.pk for t in expected]
    assert [t["sequence"] for t in data["tasks"]] == [1, 2, 3]
    run = ProductionRun.objects.get(pk=awaiting)
    assert run.template_ids == [t.pk for t in expected]
    assert run.sent_at is not None
    for task in Task.objects.filter(production_run=run):
        assert (task.partner_id, task.design_id, task.status) == (partner_a.pk, run.design_id, "pending")
    assert Task.objects.count() == 3


def test_confirm_by_names_creates_the_named_tasks_in_template_order(staff_api, awaiting, cutting, finishing):
    # Names from two categories, given out of order: tasks still follow the templates' sequence.
    response = _confirm(staff_api, awaiting, {"template_names": ["Cut", "Trim threads", "Lay fabric"]})
    assert response.status_code == 200, response.data
    titles = [t["title"] for t in response.data["tasks"]]
    assert titles == ["Trim threads", "Lay fabric", "Cut"]  # sequences 1, 10, 30
    used = {t.name: t.pk for t in TaskTemplate.objects.filter(name__in=titles)}
    assert response.data["template_ids"] == [used[name] for name in titles]


def test_confirm_by_ids_creates_one_task_per_template(staff_api, awaiting, cutting):
    cut, mark = TaskTemplate.objects.get(name="Cut"), TaskTemplate.objects.get(name="Mark")
    response = _confirm(staff_api, awaiting, {"template_ids": [cut.pk, mark.pk]})
    assert response.status_code == 200, response.data
    assert [(t["template"], t["title"]) for t in response.data["tasks"]] == [(mark.pk, "Mark"), (cut.pk, "Cut")]
    assert ProductionRun.objects.get(pk=awaiting).template_ids == [mark.pk, cut.pk]
    assert Task.objects.filter(production_run_id=awaiting).count() == 2


def test_ambiguous_name_is_refused_listing_each_candidate(staff_api, awaiting, cutting, finishing):
    in_cutting = TemplateFactory(category=cutting, name="Press", sequence=40)
    in_finishing = TaskTemplate.objects.get(category=finishing, name="Press")
    response = _confirm(staff_api, awaiting, {"template_names": ["Cut", "Press"]})
    assert response.status_code == 400
    assert response.data["code"] == "ambiguous_template_name"
    candidates = {(c["id"], c["category_name"]) for c in response.data["candidates"]}
    assert candidates == {(in_cutting.pk, "Cutting"), (in_finishing.pk, "Finishing")}
    # The human-readable message names them too.
    for template in (in_cutting, in_finishing):
        assert f"id {template.pk} in {template.category.name}" in response.data["detail"]
    _assert_nothing_dispatched(awaiting)


@pytest.mark.parametrize("body", [
    pytest.param({"template_names": ["Cut", "Embroider"]}, id="unknown-name"),
    pytest.param({"template_ids": [987654321]}, id="unknown-id"),
    pytest.param({"template_names": []}, id="empty-names"),
    pytest.param({"template_ids": []}, id="empty-ids"),
    pytest.param({}, id="no-selection"),
    pytest.param({"template_category": 987654321}, id="unknown-category"),
])
def test_bad_selection_is_refused_and_writes_nothing(staff_api, awaiting, cutting, body):
    response = _confirm(staff_api, awaiting, body)
    assert response.status_code == 400, response.data
    _assert_nothing_dispatched(awaiting)


def test_empty_category_is_refused(staff_api, awaiting, cutting):
    empty = CategoryFactory(name="Embroidery")
    TemplateFactory(category=empty, name="Old step", is_active=False)  # inactive templates do not count
    response = _confirm(staff_api, awaiting, {"template_category": empty.pk})
    assert response.status_code == 400
    assert response.data["code"] == "empty_category"
    assert response.data["detail"] == "Category 'Embroidery' has no active templates."
    _assert_nothing_dispatched(awaiting)


def test_unknown_category_is_told_apart_from_an_empty_one(staff_api, awaiting, cutting):
    response = _confirm(staff_api, awaiting, {"template_category": 987654321})
    assert response.status_code == 400
    assert response.data["code"] == "unknown_category"
    assert response.data["detail"] == "Unknown template category 987654321."
    _assert_nothing_dispatched(awaiting)


def test_two_selection_keys_at_once_are_refused(staff_api, awaiting, cutting):
    cut = TaskTemplate.objects.get(name="Cut")
    response = _confirm(staff_api, awaiting, {"template_category": cutting.pk, "template_ids": [cut.pk]})
    assert response.status_code == 400
    assert response.data["code"] == "invalid_selection"
    _assert_nothing_dispatched(awaiting)


def test_confirm_twice_creates_tasks_once(staff_api, awaiting, cutting):
    assert _confirm(staff_api, awaiting, {"template_category": cutting.pk}).status_code == 200
    again = _confirm(staff_api, awaiting, {"template_category": cutting.pk})
    assert again.status_code == 409
    assert again.data["code"] == "not_awaiting_templates"
    assert Task.objects.filter(production_run_id=awaiting).count() == 3
    assert ProductionRunActivity.objects.filter(run_id=awaiting, verb="dispatched").count() == 1


def test_confirm_without_a_started_dispatch_answers_409(staff_api, child_id, cutting):
    response = _confirm(staff_api, child_id, {"template_category": cutting.pk})
    assert response.status_code == 409
    assert response.data["code"] == "not_awaiting_templates"
    assert not Task.objects.exists()


# --- who may be dispatched ----------------------------------------------------------------------

def test_a_parent_with_children_is_dispatched_child_by_child(staff_api, allocated):
    parent_id = allocated[0].pk
    response = staff_api.post(_url(parent_id, "dispatch"), {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert "child runs" in response.data["detail"]
    assert ProductionRun.objects.get(pk=parent_id).dispatch_state == "idle"


def test_a_run_without_a_partner_cannot_be_dispatched(staff_api):
    design = DesignFactory()
    created = staff_api.post("/api/admin/production-runs/", {"design": design.pk, "quantity": 2}, format="json")
    run_id = created.data["id"]
    response = staff_api.post(_url(run_id, "dispatch"), {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert "no partner" in response.data["detail"]
    assert ProductionRun.objects.get(pk=run_id).dispatch_state == "idle"


def test_a_run_of_a_partner_deactivated_after_approval_cannot_be_dispatched(staff_api, child_id, partner_a):
    partner_a.is_active = False
    partner_a.save()
    response = staff_api.post(_url(child_id, "dispatch"), {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert "inactive" in response.data["detail"]
    assert ProductionRun.objects.get(pk=child_id).dispatch_state == "idle"


def test_a_partner_deactivated_while_the_dispatch_waited_is_sent_nothing(staff_api, awaiting, partner_a, cutting):
    partner_a.is_active = False
    partner_a.save()
    response = _confirm(staff_api, awaiting, {"template_category": cutting.pk})
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert response.data["detail"] == (f"Run {awaiting} cannot be sent: its partner {partner_a.name} is inactive. "
                                       "Reactivate the partner, or cancel the dispatch.")
    _assert_nothing_dispatched(awaiting)
    assert not ProductionRun.objects.get(pk=awaiting).materials.exists()
    # The way out the message names: the waiting dispatch can still be cancelled.
    assert staff_api.post(_url(awaiting, "dispatch/cancel"), {}, format="json").status_code == 200


def test_a_run_pending_review_cannot_be_dispatched(staff_api, partner_a):
    # No service makes a partnered run that still waits for review (approval is what
    # assigns partners), so the row is made directly: only the status guard is left to refuse.
    run = ProductionRun.objects.create(design=DesignFactory(), quantity=2, partner=partner_a)
    response = staff_api.post(_url(run.pk, "dispatch"), {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert "pending_review" in response.data["detail"]
    run.refresh_from_db()
    assert (run.status, run.dispatch_state) == ("pending_review", "idle")


def test_a_dispatched_run_cannot_be_dispatched_again(staff_api, child_id, cutting):
    sent = staff_api.post(_url(child_id, "dispatch"), {"template_category": cutting.pk}, format="json")
    assert sent.status_code == 200
    response = staff_api.post(_url(child_id, "dispatch"), {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    assert Task.objects.count() == 3


def test_a_run_that_cannot_be_dispatched_answers_409_before_its_selection_is_looked_at(staff_api, allocated):
    parent_id = allocated[0].pk
    response = staff_api.post(_url(parent_id, "dispatch"), {"template_category": 987654321}, format="json")
    assert response.status_code == 409  # the state first: an unknown category would be a 400
    assert response.data["detail"] == (f"Run {parent_id} cannot be dispatched: it has child runs: dispatch them "
                                       "one by one.")
    assert ProductionRun.objects.get(pk=parent_id).dispatch_state == "idle"


def test_a_second_start_while_waiting_answers_409(staff_api, awaiting):
    response = staff_api.post(_url(awaiting, "dispatch"), {}, format="json")
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"


# --- cancel ---------------------------------------------------------------------------------

def test_dispatch_cancel_returns_to_idle_and_can_start_again(staff_api, awaiting):
    response = staff_api.post(_url(awaiting, "dispatch/cancel"), format="json")
    assert response.status_code == 200
    assert (response.data["status"], response.data["dispatch_state"]) == ("approved", "idle")
    assert response.data["dispatch_started_at"] is None and response.data["dispatch_started_by"] is None
    assert staff_api.post(_url(awaiting, "dispatch"), {}, format="json").status_code == 202


def test_dispatch_cancel_when_none_is_waiting_answers_409(staff_api, child_id):
    response = staff_api.post(_url(child_id, "dispatch/cancel"), format="json")
    assert response.status_code == 409
    assert response.data["code"] == "not_awaiting_templates"


def test_dispatch_cancel_after_confirm_answers_409(staff_api, awaiting, cutting):
    assert _confirm(staff_api, awaiting, {"template_category": cutting.pk}).status_code == 200
    response = staff_api.post(_url(awaiting, "dispatch/cancel"), format="json")
    assert response.status_code == 409
    assert response.data["code"] == "not_awaiting_templates"
    assert ProductionRun.objects.get(pk=awaiting).status == "sent_to_partner"


# --- audit ----------------------------------------------------------------------------------

def test_start_and_confirm_are_in_the_activity_log(staff_api, staff, awaiting, cutting):
    assert _confirm(staff_api, awaiting, {"template_category": cutting.pk}).status_code == 200
    response = staff_api.get(_url(awaiting, "activities/"))
    assert response.status_code == 200
    rows = [(a["verb"], a["from_status"], a["to_status"], a["actor"]) for a in response.data["results"]]
    assert rows == [
        ("allocated", "", "approved", str(staff)),
        ("dispatch_started", "approved", "approved", str(staff)),
        ("dispatched", "approved", "sent_to_partner", str(staff)),
    ]
    confirmed = response.data["results"][-1]
    assert confirmed["data"]["selection"] == {"template_category": cutting.pk}
    assert confirmed["data"]["template_ids"] == ProductionRun.objects.get(pk=awaiting).template_ids


def test_a_misspelt_selection_key_is_refused_instead_of_pausing(staff_api, child_id):
    response = staff_api.post(_url(child_id, "dispatch"), {"template_name": ["Cut"]}, format="json")
    assert response.status_code == 400
    assert "template_name" in response.data
    assert ProductionRun.objects.get(pk=child_id).dispatch_state == "idle"
