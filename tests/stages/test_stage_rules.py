"""Stages, each rule of API.md "Stages" through the staff API (and the release service underneath)."""

import pytest

from production import services
from production.models import ProductionRun, ProductionRunActivity
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory
from tests.stages.conftest import staff_url, work_through

pytestmark = pytest.mark.django_db


def _allocate(staff_api, quantity, *rows):
    """rows: (partner, role, quantity, stage, extra dict)."""
    design = DesignFactory()
    body = {"quantity": quantity, "assignments": [
        {"partner": p.pk, "role": role, "quantity": q, **({"stage": stage} if stage else {}), **extra}
        for p, role, q, stage, extra in rows]}
    return staff_api.post(f"/api/admin/designs/{design.pk}/production-runs/", body, format="json")


def _complete(run_id, produced, rejected=0, shortfall_reason="", actor=None):
    """Dispatch (with its named templates), start and complete a child by the services, as its partner would."""
    run = ProductionRun.objects.get(pk=run_id)
    if run.status == "approved":
        named = None if run.planned_templates else TemplateSelection(category_id=CategoryFactory(steps=1).pk)
        run = services.dispatch_start(run=run, selection=named)
    for task in run.tasks.all():
        services.task_complete(task=task)
    run = ProductionRun.objects.get(pk=run_id)
    if run.status == "sent_to_partner":
        services.run_start(run=run)
    return services.run_complete(run=run, produced_quantity=produced, rejected_quantity=rejected,
                                 shortfall_reason=shortfall_reason, actor=actor)


@pytest.fixture
def three(db):
    return [PartnerFactory(name=f"Workshop {i}") for i in range(1, 4)]


def test_assignments_without_stage_are_one_stage_as_before(staff_api, three):
    response = _allocate(staff_api, 5, (three[0], "cutting", 3, None, {}), (three[1], "stitching", 2, None, {}))
    assert response.status_code == 201
    children = response.json()["children"]
    assert [(c["stage"], c["depends_on"], c["planned_quantity"]) for c in children] == [(1, [], 3), (1, [], 2)]
    assert all(c["released_at"] for c in children)


@pytest.mark.parametrize("rows, message", [
    ([(0, "cutting", 10, 1), (1, "stitching", 6, 2), (2, "stitching", 3, 2)],
     "Stage 2's quantities add up to 9, but the run's quantity is 10."),
    ([(0, "cutting", 10, 1), (1, "stitching", 10, 3)],
     "Stages are numbered 1, 2, 3… without gaps: stage 2 has no assignment."),
    ([(0, "cutting", 10, 1), (1, "stitching", 5, 2), (1, "stitching", 5, 2)],
     "Assignment 3: Workshop 2 appears twice in the role 'stitching' in stage 2."),
])
def test_each_stage_must_add_up_and_stages_have_no_gaps(staff_api, three, rows, message):
    response = _allocate(staff_api, 10, *[(three[p], role, q, stage, {}) for p, role, q, stage in rows])
    assert response.status_code == 400
    assert response.json() == {"assignments": [message]}
    assert not ProductionRun.objects.exists()


def test_the_same_partner_may_work_in_two_stages(staff_api, three, stitching):
    response = _allocate(staff_api, 4, (three[0], "finishing", 4, 1, {}), (three[0], "finishing", 4, 2, {}))
    assert response.status_code == 201
    assert [c["stage"] for c in response.json()["children"]] == [1, 2]


def test_templates_are_checked_at_allocation(staff_api, three, stitching):
    both = _allocate(staff_api, 4, (three[0], "cutting", 4, 1, {"template_ids": [1], "template_category": 1}))
    assert both.status_code == 400 and "template_ids" in str(both.json())
    unknown = _allocate(staff_api, 4, (three[0], "cutting", 4, 1, {"template_category": 999999}))
    assert unknown.status_code == 400
    assert unknown.json() == {"assignments": ["Assignment 1: Unknown template category 999999."]}
    assert not ProductionRun.objects.exists()


def test_dispatch_with_an_empty_body_uses_the_templates_named_at_allocation(staff_api, three, stitching):
    response = _allocate(staff_api, 4, (three[0], "stitching", 4, 1, {"template_category": stitching.pk}))
    child = response.json()["children"][0]
    assert child["planned_templates"] == {"template_category": stitching.pk}
    sent = staff_api.post(staff_url(child["id"], "dispatch"), {}, format="json")
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "sent_to_partner" and len(sent.json()["tasks"]) == 2


def test_a_later_stage_waits_then_is_released_by_largest_remainder(staff_api, three, cutting, user_a):
    response = _allocate(staff_api, 10, (three[0], "cutting", 10, 1, {}),
                         (three[1], "stitching", 5, 2, {}), (three[2], "stitching", 5, 2, {}))
    root, (cut, st1, st2) = response.json()["run"], response.json()["children"]
    for child in (st1, st2):
        early = staff_api.post(staff_url(child["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
        assert early.status_code == 409 and early.json()["code"] == "waiting_for_previous_stage"
    assert st1["depends_on"] == [cut["id"]] and st1["released_at"] is None
    ledger = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert [(s["received"], s["open"]) for s in ledger["stages"]] == [(10, 10), (0, 0)]

    _complete(cut["id"], produced=7, rejected=3, actor=user_a)  # the cutter's login completes it
    runs = {r.pk: r for r in ProductionRun.objects.filter(pk__in=[st1["id"], st2["id"]])}
    # 7 at 50/50: 3.5 each, the tie goes to the earlier child.
    assert (runs[st1["id"]].quantity, runs[st2["id"]].quantity) == (4, 3)
    assert runs[st1["id"]].planned_quantity == 5 and runs[st1["id"]].released_at is not None
    # No templates were named: both wait, approved, for staff ("Ready to dispatch") ...
    assert {r.status for r in runs.values()} == {"approved"}
    # ... and can be dispatched now.
    sent = staff_api.post(staff_url(st1["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
    assert sent.status_code == 200 and sent.json()["quantity"] == 4
    released = ProductionRunActivity.objects.get(run_id=st2["id"], verb="released")
    assert released.note == "Stage 1 finished with 7 good units: this run receives 3."
    assert released.actor is None  # the system released it, not the partner who finished stage 1


def test_a_zero_share_is_cancelled_with_the_reason(staff_api, three):
    response = _allocate(staff_api, 100, (three[0], "cutting", 100, 1, {}),
                         (three[1], "stitching", 98, 2, {}), (three[2], "stitching", 2, 2, {}))
    cut, st1, st2 = response.json()["children"]
    _complete(cut["id"], produced=10, rejected=90)
    st1_now, st2_now = ProductionRun.objects.get(pk=st1["id"]), ProductionRun.objects.get(pk=st2["id"])
    assert (st1_now.quantity, st1_now.status) == (10, "approved")
    assert (st2_now.quantity, st2_now.status) == (0, "cancelled")
    assert st2_now.activities.get(verb="cancelled").note == "Stage 1 finished with 10 good units: this run's share is 0."


def test_no_good_output_cancels_the_later_stages_and_the_parent_completes_with_the_rejects(staff_api, three):
    response = _allocate(staff_api, 6, (three[0], "cutting", 6, 1, {}), (three[1], "stitching", 6, 2, {}),
                         (three[2], "finishing", 6, 3, {}))
    root, (cut, stitch, finish) = response.json()["run"], response.json()["children"]
    _complete(cut["id"], produced=0, rejected=6)
    assert set(ProductionRun.objects.filter(pk__in=[stitch["id"], finish["id"]]).values_list("status", "quantity")) == {
        ("cancelled", 0)}
    parent = staff_api.get(staff_url(root["id"])).json()
    assert (parent["status"], parent["produced_quantity"], parent["rejected_quantity"]) == ("completed", 0, 6)
    ledger = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert ledger["good_output"] == 0 and ledger["unaccounted"] == 0
    assert [(s["received"], s["rejected"]) for s in ledger["stages"]] == [(6, 6), (0, 0), (0, 0)]


def test_three_stages_hand_on_and_the_parent_totals_every_stage(staff_api, three, workshops):
    response = _allocate(staff_api, 20, (three[0], "cutting", 20, 1, {}), (three[1], "stitching", 20, 2, {}),
                         (three[2], "finishing", 20, 3, {}))
    root, (cut, stitch, finish) = response.json()["run"], response.json()["children"]
    _complete(cut["id"], produced=19, rejected=1)
    _complete(stitch["id"], produced=17, rejected=1, shortfall_reason="One lost")
    assert ProductionRun.objects.get(pk=finish["id"]).quantity == 17
    _complete(finish["id"], produced=17)
    parent = staff_api.get(staff_url(root["id"])).json()
    assert (parent["produced_quantity"], parent["rejected_quantity"]) == (17, 2)
    ledger = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert [(s["received"], s["produced"], s["rejected"], s["shortfall"]) for s in ledger["stages"]] == [
        (20, 19, 1, 0), (19, 17, 1, 1), (17, 17, 0, 0)]


def test_cancelling_the_run_midway_still_accounts_for_every_unit(staff_api, three):
    response = _allocate(staff_api, 10, (three[0], "cutting", 6, 1, {}), (three[1], "cutting", 4, 1, {}),
                         (three[2], "stitching", 10, 2, {}))
    root, (cut1, _, stitch) = response.json()["run"], response.json()["children"]
    _complete(cut1["id"], produced=6)
    mid = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert (mid["waiting"], mid["stages"][0]["open"], mid["unaccounted"]) == (6, 4, 0)
    assert staff_api.post(staff_url(root["id"], "cancel"), {"reason": "Order withdrawn"}, format="json").status_code == 200
    ledger = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert [(s["received"], s["produced"], s["shortfall"], s["open"]) for s in ledger["stages"]] == [
        (10, 6, 4, 0), (6, 0, 6, 0)]
    assert (ledger["good_output"], ledger["unaccounted"]) == (0, 0)
    assert ProductionRun.objects.get(pk=stitch["id"]).quantity == 6


def test_routing_with_stages_dispatches_stage_one_and_releases_stage_two_on_its_own(staff_api, three, stitching):
    from designs.models import Design
    from production.models import ProductionPolicy

    policy = ProductionPolicy.load()
    policy.auto_dispatch = True
    policy.save()
    design = DesignFactory(status=Design.Status.COMMERCE_READY, routing={
        "template_category": stitching.pk,
        "assignments": [{"partner": three[0].pk, "role": "cutting", "share": 1},
                        {"partner": three[1].pk, "role": "stitching", "share": 1, "stage": 2},
                        {"partner": three[2].pk, "role": "stitching", "share": 1, "stage": 2}]})
    run = services.run_create(design=design, quantity=9)
    services.run_auto_dispatch(run.pk)
    cut, st1, st2 = ProductionRun.objects.filter(parent_run=run).order_by("id")
    assert (cut.stage, cut.quantity, cut.status) == (1, 9, "sent_to_partner")
    # Stage 1 is dispatched by the job as before stages (it keeps no templates of its own); later stages do.
    assert cut.planned_templates is None and st1.planned_templates == {"template_category": stitching.pk}
    assert [(c.stage, c.quantity, c.status) for c in (st1, st2)] == [(2, 5, "approved"), (2, 4, "approved")]
    _complete(cut.pk, produced=8, rejected=1)
    st1.refresh_from_db(), st2.refresh_from_db()
    assert [(c.quantity, c.status) for c in (st1, st2)] == [(4, "sent_to_partner"), (4, "sent_to_partner")]


def test_the_partner_of_a_later_stage_sees_where_its_units_come_from_and_nothing_more(workshops, coats, cutting):
    _, (cut, st1, _) = coats
    services.dispatch_start(run=ProductionRun.objects.get(pk=cut["id"]),
                            selection=TemplateSelection(category_id=cutting.pk))
    work_through(workshops["cutter_api"], cut["id"], produced_quantity=90, rejected_quantity=10,
                 rejection_reason="fabric_flaw")
    seen = workshops["stitcher1_api"].get(f"/api/partners/production-runs/{st1['id']}/").json()
    assert (seen["stage"], seen["quantity"], seen["received_quantity"]) == (2, 54, 54)
    assert seen["received_from"] == [{"partner_name": "Cutters Co", "role": "cutting"}]
    # Never the other partners' figures: no sibling, no upstream output, no other stitcher.
    assert "depends_on" not in seen and "children" not in seen
    assert "fabric_flaw" not in str(seen) and "Stitch Two" not in str(seen)
