"""The output gate at completion (API.md "Every unit accounted for"): reasons, shortfall, alerts; nothing written on 400."""

from django.core import mail
import pytest

from production.models import Alert, ProductionRun, ProductionRunActivity
from tests.stages.conftest import partner_url, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_progress(staff, partner_a, settings):
    """Partner A's run of 10, started, with no tasks left open."""
    from production import services
    from tests.factories import CategoryFactory, DispatchedRunFactory

    settings.OPS_EMAIL = "ops@brand.example"
    run = DispatchedRunFactory(partner=partner_a, quantity=10, category=CategoryFactory(steps=1), actor=staff)
    services.task_complete(task=run.tasks.get())
    return ProductionRun.objects.get(pk=run.pk)


def test_units_missing_need_a_reason_named_by_field_and_nothing_is_written(api_a, in_progress):
    before = ProductionRunActivity.objects.count()
    response = api_a.post(partner_url(in_progress.pk, "complete"), {"produced_quantity": 7, "rejected_quantity": 1},
                          format="json")
    assert response.status_code == 400
    assert response.json() == {"shortfall_reason": [
        "2 of 10 pieces are neither good nor rejected: say why they are missing."]}
    blank = api_a.post(partner_url(in_progress.pk, "complete"),
                       {"produced_quantity": 7, "rejected_quantity": 1, "shortfall_reason": "   "}, format="json")
    assert blank.status_code == 400 and "shortfall_reason" in blank.json()
    in_progress.refresh_from_db()
    assert in_progress.status == "in_progress" and ProductionRunActivity.objects.count() == before
    assert not Alert.objects.exists()


def test_an_unknown_rejection_reason_is_refused(api_a, in_progress):
    response = api_a.post(partner_url(in_progress.pk, "complete"),
                          {"rejected_quantity": 1, "rejection_reason": "tired"}, format="json")
    assert response.status_code == 400 and "rejection_reason" in response.json()


def test_shortfall_and_rejects_are_recorded_and_staff_alerted(api_a, staff_api, in_progress, q_sync,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(partner_url(in_progress.pk, "complete"), {
            "produced_quantity": 6, "rejected_quantity": 3, "rejection_reason": "color_mismatch",
            "shortfall_reason": "One piece stolen from the van"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["rejection_reason"], body["shortfall_quantity"], body["shortfall_reason"]) == (
        "color_mismatch", 1, "One piece stolen from the van")
    inbox = staff_api.get("/api/admin/inbox/").json()["results"]
    assert sorted(a["kind"] for a in inbox) == ["rejects", "shortfall"]
    messages = {a["kind"]: a["message"] for a in inbox}
    assert "1 of 10 units missing. One piece stolen from the van" in messages["shortfall"]
    run = in_progress
    assert messages["shortfall"].startswith(f"Run #{run.pk} ({run.role}) at {run.partner.name}: ")  # was "Run #5 cutting (...)"
    assert "3 of 10 units rejected (Colour mismatch)" in messages["rejects"]
    assert all(a["run"] == in_progress.pk for a in inbox)
    assert len([m for m in mail.outbox if "ops@brand.example" in m.to]) == 2


def test_a_complete_run_with_everything_good_raises_no_alert(api_a, in_progress):
    response = api_a.post(partner_url(in_progress.pk, "complete"), {}, format="json")
    assert response.status_code == 200
    assert (response.json()["produced_quantity"], response.json()["shortfall_quantity"]) == (10, 0)
    assert not Alert.objects.exists()


def test_staff_complete_on_the_partners_behalf_with_the_same_rules(staff_api, staff, in_progress):
    refused = staff_api.post(staff_url(in_progress.pk, "complete"), {"produced_quantity": 9}, format="json")
    assert refused.status_code == 400 and "shortfall_reason" in refused.json()
    done = staff_api.post(staff_url(in_progress.pk, "complete"),
                          {"produced_quantity": 9, "shortfall_reason": "Partner phoned: one short"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert ProductionRunActivity.objects.get(run=in_progress, verb="completed").actor == staff
    assert Alert.objects.get().kind == "shortfall"
    again = staff_api.post(staff_url(in_progress.pk, "complete"), {}, format="json")
    assert again.status_code == 409


def test_the_portal_form_keeps_what_was_typed_when_a_reason_is_missing(client, user_a, in_progress):
    client.force_login(user_a)
    response = client.post(f"/portal/runs/{in_progress.pk}/complete/",
                           {"produced_quantity": "7", "rejected_quantity": "2", "rejection_reason": "fabric_flaw",
                            "notes": "Rush job"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 of 10 pieces are neither good nor rejected" in page
    assert 'value="7"' in page and 'value="2"' in page and "Rush job" in page
    assert '<option value="fabric_flaw" selected>' in page
    in_progress.refresh_from_db()
    assert in_progress.status == "in_progress"
    done = client.post(f"/portal/runs/{in_progress.pk}/complete/",
                       {"produced_quantity": "7", "rejected_quantity": "2", "rejection_reason": "fabric_flaw",
                        "shortfall_reason": "One missing from the bundle"})
    assert done.status_code == 302
    in_progress.refresh_from_db()
    assert (in_progress.status, in_progress.shortfall_quantity, in_progress.rejection_reason) == (
        "completed", 1, "fabric_flaw")
