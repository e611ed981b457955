"""The sampling loop end to end through the API: redo, redo, approve; the design and its rounds after each."""

from django.core import mail
import pytest

from designs.models import Design, DesignActivity
from partners.models import Notification
from production import services
from production.jobs import notify_partner_of_review
from production.models import ProductionRun
from tasks.selectors import TemplateSelection
from tests.sampling.conftest import partner_url, review, work_through

pytestmark = pytest.mark.django_db


def _design_status(staff_api, design) -> str:
    return staff_api.get(f"/api/admin/designs/{design.pk}/").json()["status"]


def test_three_rounds_redo_redo_approve(staff_api, api_a, jacket, first_round, q_sync, partner_a,
                                       django_capture_on_commit_callbacks):
    parent_id, child_id = first_round
    first = work_through(api_a, child_id)
    assert first["run_type"] == "sample" and first["review"] is None and first["redo_of"] is None

    # Round 1: redo. The next round goes to the same partner at once, with the same templates.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = review(staff_api, child_id, decision="redo", notes="Collar 1 cm higher; topstitch 3 mm.")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["run"]["review"]["decision"] == "redo"
    assert body["run"]["review"]["notes"] == "Collar 1 cm higher; topstitch 3 mm."
    assert body["design"]["status"] == "revision" == _design_status(staff_api, jacket)
    second = body["redo"]
    assert (second["status"], second["run_type"], second["partner"], second["quantity"], second["redo_of"]) == (
        "sent_to_partner", "sample", partner_a.pk, 2, child_id)
    assert second["template_ids"] == body["run"]["template_ids"] and second["template_ids"]
    assert [t["template"] for t in second["tasks"]] == second["template_ids"]

    # The partner sees the new round, with what to change at the top, and was told.
    seen = api_a.get(partner_url(second["id"])).json()
    assert seen["redo_of"] == child_id
    assert seen["previous_round"]["notes"] == "Collar 1 cm higher; topstitch 3 mm."
    assert api_a.get(partner_url(child_id)).json()["review"]["decision"] == "redo"
    told = Notification.objects.get(partner=partner_a, key=f"run-reviewed:{child_id}:{child_id}")
    assert "Collar 1 cm higher" in told.body and told.link.endswith(f"/runs/{second['id']}/")
    told_by_mail = [m for m in mail.outbox if "Collar 1 cm higher" in m.body]
    assert len(told_by_mail) == 1 and told_by_mail[0].subject.startswith("Sample to redo: Field jacket")
    notify_partner_of_review(child_id)  # django-q2 may deliver a job twice: still one email
    assert len([m for m in mail.outbox if "Collar 1 cm higher" in m.body]) == 1

    # Round 2: redo again.
    work_through(api_a, second["id"])
    third = review(staff_api, second["id"], decision="redo", notes="Sleeves 2 cm shorter.").json()["redo"]
    assert third["redo_of"] == second["id"] and third["status"] == "sent_to_partner"
    assert _design_status(staff_api, jacket) == "revision"

    # Round 3: approved, straight to commerce.
    work_through(api_a, third["id"])
    with django_capture_on_commit_callbacks(execute=True):
        done = review(staff_api, third["id"], decision="approve", design_status="commerce_ready", notes="Perfect.")
    assert done.status_code == 200 and done.json()["redo"] is None
    assert done.json()["design"]["status"] == "commerce_ready" == _design_status(staff_api, jacket)
    assert Notification.objects.filter(partner=partner_a, title__startswith="Sample approved").count() == 1

    # The rounds, oldest first: the split first round (parent and child), then each redo.
    rounds = staff_api.get(f"/api/admin/designs/{jacket.pk}/samples/").json()
    assert rounds["count"] == 4
    assert [r["id"] for r in rounds["results"]] == [parent_id, child_id, second["id"], third["id"]]
    assert [r["redo_of"] for r in rounds["results"]] == [None, None, child_id, second["id"]]
    assert [(r["review"] or {}).get("decision") for r in rounds["results"]] == [None, "redo", "redo", "approve"]
    assert all(r["partner"] in (None, partner_a.pk) for r in rounds["results"])

    # Every decision is in the design's history and on the run's timeline.
    history = list(DesignActivity.objects.filter(design=jacket).values_list("from_status", "to_status"))
    assert history == [("in_development", "revision"), ("revision", "revision"), ("revision", "commerce_ready")]
    timeline = staff_api.get(f"/api/admin/production-runs/{child_id}/activities/").json()["results"]
    assert [a["verb"] for a in timeline][-1] == "reviewed"
    assert timeline[-1]["data"] == {"decision": "redo", "notes": "Collar 1 cm higher; topstitch 3 mm.",
                                    "redo": second["id"]}


def test_approving_the_round_at_its_parent(staff_api, api_a, jacket, first_round):
    parent_id, child_id = first_round
    work_through(api_a, child_id)
    answer = review(staff_api, parent_id, decision="approve")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["design"]["status"] == "approved"
    assert answer.json()["run"]["review"]["decision"] == "approve"
    # The round is reviewed once: its child cannot be reviewed now.
    again = review(staff_api, child_id, decision="redo", notes="Second thoughts")
    assert again.status_code == 409 and again.json()["code"] == "not_reviewable"
    # The partner made the sample (the child): it sees the round's review on its own run (API.md).
    assert api_a.get(partner_url(child_id)).json()["review"]["decision"] == "approve"


def test_a_redo_at_the_parent_goes_to_the_partner_who_made_it(staff_api, api_a, jacket, first_round, partner_a):
    parent_id, child_id = first_round
    work_through(api_a, child_id)
    body = review(staff_api, parent_id, decision="redo", notes="Darker thread").json()
    redo = body["redo"]
    assert (redo["partner"], redo["role"], redo["status"], redo["redo_of"]) == (
        partner_a.pk, "sampling", "sent_to_partner", parent_id)
    assert redo["template_ids"] == ProductionRun.objects.get(pk=child_id).template_ids
    assert api_a.get(partner_url(redo["id"])).json()["previous_round"]["notes"] == "Darker thread"


def test_a_round_reviewed_at_its_parent_is_shown_on_each_completed_child_never_on_a_cancelled_one(
        staff_api, api_a, api_b, partner_a, partner_b, sampling, jacket):
    from production import services

    created = staff_api.post(f"/api/admin/designs/{jacket.pk}/production-runs/", {
        "quantity": 4, "run_type": "sample", "assignments": [
            {"partner": partner_a.pk, "role": "sampling", "quantity": 2, "template_category": sampling.pk},
            {"partner": partner_b.pk, "role": "sampling", "quantity": 2, "template_category": sampling.pk}],
    }, format="json").json()
    root = ProductionRun.objects.get(pk=created["run"]["id"])
    made, dropped = root.children.order_by("id")
    for child in (made, dropped):
        services.dispatch_start(run=ProductionRun.objects.get(pk=child.pk))
    work_through(api_a, made.pk)
    services.run_cancel(run=ProductionRun.objects.get(pk=dropped.pk), reason="Workshop closed")
    assert ProductionRun.objects.get(pk=root.pk).status == "completed"

    assert review(staff_api, root.pk, decision="approve", notes="Good").status_code == 200
    assert api_a.get(partner_url(made.pk)).json()["review"]["notes"] == "Good"
    assert api_b.get(partner_url(dropped.pk)).json()["review"] is None
    notify_partner_of_review(root.pk)  # the job: told are the partners whose run shows the review
    assert list(Notification.objects.filter(title__startswith="Sample approved").values_list(
        "partner_id", flat=True)) == [partner_a.pk]
    again = review(staff_api, made.pk, decision="redo", notes="No")
    assert again.status_code == 409 and f"its round was reviewed already (run {root.pk})" in again.json()["detail"]


@pytest.mark.parametrize("reviewed_at", ["parent", "last child"])
def test_a_split_round_is_allocated_again(staff_api, partner_a, partner_b, sampling, jacket, reviewed_at):
    """Reviewed at one child, only that child's partner got a redo (of its share, as a round of its own), and the
    round was closed: the other partner's part was never made again."""
    created = staff_api.post(f"/api/admin/designs/{jacket.pk}/production-runs/", {
        "quantity": 2, "run_type": "sample", "assignments": [
            {"partner": partner_a.pk, "role": "cutting", "quantity": 2, "template_category": sampling.pk},
            {"partner": partner_b.pk, "role": "stitching", "quantity": 2, "stage": 2,
             "template_category": sampling.pk},
        ]}, format="json").json()
    root = ProductionRun.objects.get(pk=created["run"]["id"])
    from production import services  # the partners' side by the services: the API path is tested above

    cut, stitch = root.children.order_by("stage")
    for child in (cut, stitch):
        child = services.dispatch_start(run=ProductionRun.objects.get(pk=child.pk)) if child.stage == 1 else child
        child = ProductionRun.objects.get(pk=child.pk)
        services.run_start(run=child)
        for task in child.tasks.all():
            services.task_complete(task=task)
        services.run_complete(run=ProductionRun.objects.get(pk=child.pk))
    assert ProductionRun.objects.get(pk=root.pk).status == "completed"

    reviewed = root if reviewed_at == "parent" else stitch
    redo = review(staff_api, reviewed.pk, decision="redo", notes="Both again").json()["redo"]
    new_root = ProductionRun.objects.get(pk=redo["id"])
    assert (new_root.redo_of_id, new_root.partner_id, new_root.quantity) == (reviewed.pk, None, 2)
    plan = [(c.partner_id, c.role, c.stage, c.quantity, c.status) for c in new_root.children.order_by("stage")]
    assert plan == [(partner_a.pk, "cutting", 1, 2, "sent_to_partner"), (partner_b.pk, "stitching", 2, 2, "approved")]


def test_a_round_where_a_partner_took_a_second_batch_is_redone_with_one_share(staff_api, partner_a, partner_b,
                                                                               sampling, jacket):
    """B declined its share and A took it as a second batch of the same role: the redo named A twice in one
    allocation, which an allocation refuses (the whole review was a 400)."""
    created = staff_api.post(f"/api/admin/designs/{jacket.pk}/production-runs/", {
        "quantity": 4, "run_type": "sample", "assignments": [
            {"partner": partner_a.pk, "role": "sampling", "quantity": 2},
            {"partner": partner_b.pk, "role": "sampling", "quantity": 2}]}, format="json").json()
    root = ProductionRun.objects.get(pk=created["run"]["id"])
    a_part, b_part = root.children.order_by("id")
    for child in (a_part, b_part):
        services.dispatch_start(run=child, selection=TemplateSelection(category_id=sampling.pk))
    services.run_decline(run=ProductionRun.objects.get(pk=b_part.pk), partner=partner_b, reason="capacity")
    services.run_reassign(run=ProductionRun.objects.get(pk=b_part.pk), partner_id=partner_a.pk, dispatch=True)
    for child in root.children.all():
        services.run_start(run=child)
        for task in child.tasks.filter(partner=partner_a):
            services.task_complete(task=task)
        services.run_complete(run=ProductionRun.objects.get(pk=child.pk))
    answer = review(staff_api, root.pk, decision="redo", notes="Both again")
    assert answer.status_code == 200, answer.json()
    new_root = ProductionRun.objects.get(pk=answer.json()["redo"]["id"])
    assert [(c.partner_id, c.role, c.quantity) for c in new_root.children.all()] == [(partner_a.pk, "sampling", 4)]


@pytest.mark.parametrize("split", [False, True])
def test_a_redo_for_a_partner_deactivated_since_waits_for_review(staff_api, api_a, partner_a, partner_b, sampling,
                                                                 jacket, split):
    """The maker was deactivated after making the sample: the review was refused (409) as the redo could not be
    sent, so the round could not be reviewed at all until the partner came back."""
    rows = [{"partner": partner_a.pk, "role": "front", "quantity": 1}, {"partner": partner_b.pk, "role": "back",
                                                                         "quantity": 1}] if split else [
        {"partner": partner_a.pk, "role": "sampling", "quantity": 2}]
    created = staff_api.post(f"/api/admin/designs/{jacket.pk}/production-runs/", {
        "quantity": 2, "run_type": "sample", "assignments": rows}, format="json").json()
    root = ProductionRun.objects.get(pk=created["run"]["id"])
    for child in root.children.all():
        services.dispatch_start(run=child, selection=TemplateSelection(category_id=sampling.pk))
        services.run_start(run=child)
        for task in child.tasks.all():
            services.task_complete(task=task)
        services.run_complete(run=ProductionRun.objects.get(pk=child.pk))
    staff_api.patch(f"/api/admin/partners/{partner_a.pk}/", {"is_active": False}, format="json")
    answer = review(staff_api, root.pk, decision="redo", notes="Softer collar")
    assert answer.status_code == 200, answer.json()
    redo = ProductionRun.objects.get(pk=answer.json()["redo"]["id"])
    assert (redo.status, redo.partner_id, redo.children.count()) == ("pending_review", None, 0)
    assert redo.activities.get(verb="auto_dispatch_skipped").note == (
        f"Not sent: {partner_a.name} is no longer active. Allocate it to partners.")
    assert _design_status(staff_api, jacket) == "revision"


def test_a_redo_whose_templates_were_retired_waits_for_templates(staff_api, api_a, first_round, sampling):
    _, child_id = first_round
    work_through(api_a, child_id)
    sampling.templates.update(is_active=False)
    redo = review(staff_api, child_id, decision="redo", notes="Again").json()["redo"]
    assert (redo["status"], redo["dispatch_state"]) == ("approved", "awaiting_templates")


def test_sending_a_design_for_sampling_in_one_step(staff_api, api_a, jacket, partner_a, sampling):
    answer = staff_api.post(f"/api/admin/designs/{jacket.pk}/samples/", {
        "partner": partner_a.pk, "quantity": 1, "template_category": sampling.pk}, format="json")
    assert answer.status_code == 201, answer.json()
    run = answer.json()
    assert (run["run_type"], run["status"], run["partner"], run["parent_run"]) == (
        "sample", "sent_to_partner", partner_a.pk, None)
    assert len(run["tasks"]) == 2
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.SAMPLE_PRODUCTION
    assert api_a.get("/api/partners/designs/").json()["results"][0]["id"] == jacket.pk
    # Without templates it waits for them, like any dispatch; an approved design keeps its status.
    jacket.status = Design.Status.APPROVED
    jacket.save()
    waiting = staff_api.post(f"/api/admin/designs/{jacket.pk}/samples/", {"partner": partner_a.pk, "quantity": 1},
                             format="json").json()
    assert waiting["dispatch_state"] == "awaiting_templates"
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.APPROVED


def test_sending_for_sampling_keeps_a_status_a_review_set_after_the_caller_read_the_design(jacket, partner_a, staff,
                                                                                          sampling):
    Design.objects.filter(pk=jacket.pk).update(status=Design.Status.COMMERCE_READY)  # a review, meanwhile
    services.sample_send(design=jacket, partner=partner_a, quantity=1, actor=staff,  # ``jacket`` still reads as
                         selection=TemplateSelection(category_id=sampling.pk))  # in development
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.COMMERCE_READY
    assert not DesignActivity.objects.filter(design=jacket, to_status=Design.Status.SAMPLE_PRODUCTION).exists()


def test_a_redo_given_to_another_partner_does_not_show_it_the_first_ones_review(staff_api, api_a, api_b, client,
                                                                                 first_round, partner_b, user_b):
    _, child_id = first_round
    work_through(api_a, child_id)
    redo = review(staff_api, child_id, decision="redo", notes="Atelier A: your hem is crooked").json()["redo"]
    assert api_a.get(partner_url(redo["id"])).json()["previous_round"]["notes"].endswith("crooked")  # A made it
    moved = staff_api.post(f"/api/admin/production-runs/{redo['id']}/reassign", {"partner": partner_b.pk,
                                                                                 "dispatch": True}, format="json")
    assert moved.status_code == 200, moved.json()
    seen_by_b = api_b.get(partner_url(redo["id"])).json()
    assert seen_by_b["previous_round"] is None and "crooked" not in str(seen_by_b)
    client.force_login(user_b)
    page = client.get(f"/portal/runs/{redo['id']}/")
    assert page.status_code == 200 and "crooked" not in page.content.decode()
