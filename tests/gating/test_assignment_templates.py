"""A design routing's assignment may name its own templates (API.md, Stages: "An assignment (allocation, approval,
design routing) ... may also carry the templates it will be dispatched with"): its runs go out with them, the
others with the routing's. They were once accepted and dropped without a word."""

import json

import pytest

from production.services import run_auto_dispatch, runs_approve_by_routing
from production.templatetags.production_admin import routing_in_words
from tasks.models import TaskTemplate
from tests.factories import CategoryFactory
from tests.gating.helpers import pending_run

pytestmark = pytest.mark.django_db


def _design(staff_api, routing) -> int:
    response = staff_api.post("/api/admin/designs/", {"name": "Wool coat", "status": "commerce_ready",
                                                      "routing": routing}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["routing"] == routing  # stored as sent
    return response.data["id"]


def _tasks(run) -> list[str]:
    return list(run.tasks.order_by("sequence", "id").values_list("title", flat=True))


def test_each_assignment_goes_out_with_its_own_templates_else_the_routings(staff_api, policy_on, partner_a,
                                                                           partner_b, cutting):
    from designs.models import Design

    cut = TaskTemplate.objects.get(name="Cut")
    stitching = CategoryFactory(name="Stitching", steps=1)
    design = Design.objects.get(pk=_design(staff_api, {
        "assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 1, "template_ids": [cut.pk]},
                        {"partner": partner_b.pk, "role": "cutting", "share": 1},
                        {"partner": partner_b.pk, "role": "stitching", "share": 1, "stage": 2,
                         "template_category": stitching.pk}],
        "template_category": cutting.pk}))
    run = pending_run(design, 4)

    run_auto_dispatch(run_id=run.pk)

    own, routings, later = run.children.order_by("id")
    assert (own.status, _tasks(own)) == ("sent_to_partner", ["Cut"])
    assert (routings.status, _tasks(routings)) == ("sent_to_partner", ["Lay fabric", "Cut"])
    assert (later.status, later.planned_templates) == ("approved", {"template_category": stitching.pk})
    lines = routing_in_words(design.routing, design)["routing"].lines
    assert [line.templates for line in lines] == ["Cut", "", "Every template of “Stitching”"]


def test_approved_by_staff_a_child_with_its_own_templates_goes_out_and_the_other_waits_for_staff(
        staff_api, staff, partner_a, partner_b, cutting):
    from designs.models import Design

    cut = TaskTemplate.objects.get(name="Cut")
    design = Design.objects.get(pk=_design(staff_api, {"assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 1, "template_ids": [cut.pk]},
        {"partner": partner_b.pk, "role": "cutting", "share": 1}]}))
    run = pending_run(design, 2)
    done, refused = runs_approve_by_routing(runs=[run], actor=staff)  # staff's "approve by routing"
    assert (len(done), refused) == (1, {})
    own, other = run.children.order_by("id")
    assert (own.status, _tasks(own)) == ("sent_to_partner", ["Cut"])
    assert (other.status, other.dispatch_state) == ("approved", "awaiting_templates")  # staff choose


@pytest.mark.parametrize("assignment, message", [
    ({"template_id": [1]}, "Unknown keys in routing.assignments[0]: template_id."),
    ({"template_ids": [1], "template_category": 1}, "routing.assignments[0] names either"),
    ({"template_ids": "1"}, "routing.assignments[0].template_ids must be a list of ids."),
])
def test_an_assignment_with_bad_template_keys_is_a_400(staff_api, partner_a, assignment, message):
    response = staff_api.post("/api/admin/designs/", {"name": "Coat", "routing": {
        "assignments": [{"partner": partner_a.pk, "share": 1, **assignment}]}}, format="json")
    assert response.status_code == 400
    assert message in response.data["routing"][0]


def test_a_routing_stored_with_a_key_now_refused_keeps_working_until_it_is_edited(staff_api, staff_client, policy_on,
                                                                                 partner_a, cutting):
    """Unknown assignment keys were stored as sent before they were refused: reading ignores them."""
    from designs.models import Design

    design = Design.objects.get(pk=_design(staff_api, {"assignments": [{"partner": partner_a.pk, "share": 1}],
                                                       "template_category": cutting.pk}))
    legacy = {"assignments": [{"partner": partner_a.pk, "share": 1, "due_date": "2026-12-24"}],
              "template_category": cutting.pk}
    Design.objects.filter(pk=design.pk).update(routing=legacy)
    design.refresh_from_db()

    run = pending_run(design, 2)
    run_auto_dispatch(run_id=run.pk)
    (child,) = run.children.all()
    assert child.status == "sent_to_partner"  # gating still reads it

    renamed = staff_client.post(f"/admin/designs/design/{design.pk}/change/", {
        "name": "Wool coat II", "code": design.code, "status": design.status, "specs": "",
        "routing": json.dumps(legacy),
        **{f"{prefix}-{key}": value for prefix in ("bill_of_materials", "partner_links")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}})
    assert renamed.status_code == 302, renamed.context and renamed.context["adminform"].form.errors
    design.refresh_from_db()
    assert (design.name, design.routing) == ("Wool coat II", legacy)

    edited = staff_api.patch(f"/api/admin/designs/{design.pk}/", {"routing": legacy}, format="json")
    assert edited.status_code == 400 and "Unknown keys in routing.assignments[0]: due_date." in edited.data["routing"][0]
