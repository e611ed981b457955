"""Staff correct a completed run: audited before and after, the parent re-totalled; 409 for any other run."""

import pytest

from production.models import ProductionRun, ProductionRunActivity
from tests.stages.conftest import staff_url, work_through

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(staff_api, workshops, coats, cutting):
    """The coats: cutting done (95 good, 5 rejected), stitching done (55+2, 36 + 2 missing)."""
    root, (cut, st1, st2) = coats
    staff_api.post(staff_url(cut["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
    work_through(workshops["cutter_api"], cut["id"], produced_quantity=95, rejected_quantity=5)
    work_through(workshops["stitcher1_api"], st1["id"], produced_quantity=55, rejected_quantity=2)
    work_through(workshops["stitcher2_api"], st2["id"], produced_quantity=36, shortfall_reason="Lost")
    return root, cut, st1, st2


def test_a_correction_is_audited_and_the_parent_follows(staff_api, staff, done):
    root, _, st1, _ = done
    response = staff_api.post(staff_url(st1["id"], "correct-output"), {
        "produced_quantity": 56, "rejected_quantity": 1, "rejection_reason": "stitching_defect",
        "reason": "Recount at the warehouse"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["produced_quantity"], response.json()["rejected_quantity"]) == (56, 1)
    row = ProductionRunActivity.objects.get(run_id=st1["id"], verb="corrected")
    assert row.actor == staff and row.note == "Recount at the warehouse"
    assert (row.data["before"]["produced_quantity"], row.data["after"]["produced_quantity"]) == (55, 56)
    parent = staff_api.get(staff_url(root["id"])).json()
    assert (parent["produced_quantity"], parent["rejected_quantity"]) == (92, 6)
    parent_row = ProductionRunActivity.objects.get(run_id=root["id"], verb="corrected")
    assert parent_row.data == {"before": {"produced_quantity": 91, "rejected_quantity": 7},
                               "after": {"produced_quantity": 92, "rejected_quantity": 6}}
    assert staff_api.get(staff_url(root["id"], "ledger")).json()["unaccounted"] == 0


def test_corrections_follow_the_completion_rules_and_need_a_reason(staff_api, done):
    _, _, st1, _ = done
    before = ProductionRunActivity.objects.count()
    no_reason = staff_api.post(staff_url(st1["id"], "correct-output"),
                               {"produced_quantity": 50, "rejected_quantity": 2, "reason": " "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    short = staff_api.post(staff_url(st1["id"], "correct-output"),
                           {"produced_quantity": 50, "rejected_quantity": 2, "reason": "Recount"}, format="json")
    assert short.status_code == 400 and "shortfall_reason" in short.json()
    too_many = staff_api.post(staff_url(st1["id"], "correct-output"),
                              {"produced_quantity": 57, "rejected_quantity": 2, "reason": "Recount"}, format="json")
    assert too_many.status_code == 400
    missing_field = staff_api.post(staff_url(st1["id"], "correct-output"), {"produced_quantity": 57}, format="json")
    assert missing_field.status_code == 400
    assert ProductionRunActivity.objects.count() == before
    assert ProductionRun.objects.get(pk=st1["id"]).produced_quantity == 55


def test_only_a_completed_run_without_children_can_be_corrected(staff_api, done, partner_a, staff):
    root, cut, _, _ = done
    body = {"produced_quantity": 90, "rejected_quantity": 10, "reason": "Recount"}
    assert staff_api.post(staff_url(root["id"], "correct-output"), body, format="json").status_code == 409
    from tests.factories import DispatchedRunFactory

    sent = DispatchedRunFactory(partner=partner_a, actor=staff)
    assert staff_api.post(staff_url(sent.pk, "correct-output"), body, format="json").status_code == 409
    # Cutting's good units are already with stitching: only its rejects and missing units may be re-split.
    handed_on = staff_api.post(staff_url(cut["id"], "correct-output"), body, format="json")
    assert handed_on.status_code == 409 and handed_on.json()["code"] == "next_stage_released"
    resplit = staff_api.post(staff_url(cut["id"], "correct-output"), {
        "produced_quantity": 95, "rejected_quantity": 3, "shortfall_reason": "Two never cut", "reason": "Recount"},
        format="json")
    assert resplit.status_code == 200 and resplit.json()["shortfall_quantity"] == 2
    parent = staff_api.get(staff_url(root["id"])).json()
    assert (parent["produced_quantity"], parent["rejected_quantity"]) == (91, 5)
    ledger = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert ledger["stages"][0]["shortfall"] == 2 and ledger["unaccounted"] == 0


def test_a_reason_not_given_again_stays_as_recorded(staff_api, done):
    _, _, _, st2 = done  # 36 good, 2 missing ("Lost")
    response = staff_api.post(staff_url(st2["id"], "correct-output"),
                              {"produced_quantity": 35, "rejected_quantity": 0, "reason": "Recount"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["shortfall_quantity"], response.json()["shortfall_reason"]) == (3, "Lost")
