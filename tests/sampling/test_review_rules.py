"""What a review refuses: each rule of the contract, with nothing written; and two reviews at the same moment."""

from django.db import IntegrityError, transaction
from django.utils import timezone
import pytest

from designs.models import Design, DesignActivity
from production import services
from production.models import ActivityVerb, ProductionRun, ProductionRunActivity
from tasks.selectors import TemplateSelection
from tests.concurrency import race
from tests.factories import DispatchedRunFactory
from tests.sampling.conftest import partner_url, review, work_through


def _unchanged(jacket, *run_ids):
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.IN_DEVELOPMENT
    assert not DesignActivity.objects.exists()
    assert not ProductionRun.objects.filter(pk__in=run_ids, reviewed_at__isnull=False).exists()
    assert not ProductionRun.objects.filter(redo_of__isnull=False).exists()


@pytest.mark.django_db
def test_only_a_completed_sample_run_is_reviewable(staff_api, api_a, first_round, jacket, partner_a, staff):
    parent_id, child_id = first_round
    for run_id in (parent_id, child_id):  # sent, not completed
        refused = review(staff_api, run_id, decision="approve")
        assert refused.status_code == 409 and refused.json()["code"] == "not_reviewable", refused.json()
        assert "not completed" in refused.json()["detail"]
    production = DispatchedRunFactory(partner=partner_a, design=jacket, actor=staff)
    refused = review(staff_api, production.pk, decision="approve")
    assert refused.status_code == 409 and refused.json()["code"] == "not_reviewable"
    assert "production run" in refused.json()["detail"]
    _unchanged(jacket, parent_id, child_id, production.pk)


@pytest.mark.django_db
def test_bad_review_input_is_a_400_that_writes_nothing(staff_api, api_a, first_round, jacket):
    _, child_id = first_round
    work_through(api_a, child_id)
    cases = [
        ({"decision": "redo"}, "notes"),
        ({"decision": "redo", "notes": "   "}, "notes"),
        ({"decision": "redo", "notes": "x", "design_status": "approved"}, "design_status"),
        ({"decision": "approve", "design_status": "revision"}, "design_status"),
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "approve", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = review(staff_api, child_id, **body)
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    _unchanged(jacket, child_id)


@pytest.mark.django_db
def test_a_round_is_reviewed_once(staff_api, api_a, first_round, jacket):
    parent_id, child_id = first_round
    work_through(api_a, child_id)
    assert review(staff_api, child_id, decision="redo", notes="Shorter").status_code == 200
    for run_id in (child_id, parent_id):
        again = review(staff_api, run_id, decision="approve")
        assert again.status_code == 409 and again.json()["code"] == "not_reviewable"
    assert ProductionRun.objects.filter(redo_of__isnull=False).count() == 1
    assert DesignActivity.objects.count() == 1


@pytest.mark.django_db
def test_who_may_review_and_see_reviews(anon_api, api_a, api_b, staff_api, first_round):
    _, child_id = first_round
    work_through(api_a, child_id)
    assert review(anon_api, child_id, decision="approve").status_code == 401
    assert api_a.post(f"/api/admin/production-runs/{child_id}/review", {"decision": "approve"},
                      format="json").status_code == 403
    assert review(staff_api, 999999, decision="approve").status_code == 404
    assert review(staff_api, child_id, decision="approve").status_code == 200
    assert api_a.get(partner_url(child_id)).json()["review"]["decision"] == "approve"
    assert api_b.get(partner_url(child_id)).status_code == 404  # another partner's sample
    assert staff_api.get("/api/admin/designs/999999/samples/").status_code == 404


@pytest.mark.django_db
def test_sending_for_sampling_refuses_what_cannot_be_sent(staff_api, jacket, partner_a, sampling):
    url = f"/api/admin/designs/{jacket.pk}/samples/"
    assert staff_api.post(url, {"partner": 999999, "quantity": 1}, format="json").json() == {
        "partner": ["Unknown partner."]}
    assert staff_api.post(url, {"partner": partner_a.pk, "quantity": 0}, format="json").status_code == 400
    partner_a.is_active = False
    partner_a.save()
    inactive = staff_api.post(url, {"partner": partner_a.pk, "quantity": 1, "template_category": sampling.pk},
                              format="json")
    assert inactive.status_code == 400 and "inactive" in inactive.json()["partner"][0]
    assert staff_api.post("/api/admin/designs/999999/samples/", {"partner": partner_a.pk, "quantity": 1},
                          format="json").status_code == 404
    assert not ProductionRun.objects.exists()
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.IN_DEVELOPMENT


@pytest.mark.django_db(transaction=True)
def test_reviews_at_the_same_moment_one_wins(require_postgres, staff, partner_a, sampling, jacket):
    """Two redos and an approve of one round (two at the child, one at its parent), released together."""
    parent, (child,) = services.run_create_allocated(
        design=jacket, quantity=2, run_type="sample", actor=staff,
        assignments=[services.Assignment(partner_id=partner_a.pk, quantity=2, role="sampling")])
    child = services.dispatch_start(run=child, actor=staff, selection=TemplateSelection(category_id=sampling.pk))
    services.run_start(run=child)
    for task in child.tasks.all():
        services.task_complete(task=task)
    services.run_complete(run=ProductionRun.objects.get(pk=child.pk))

    outcomes = race(
        lambda: services.run_review(run=ProductionRun(pk=child.pk), decision="redo", notes="Again", actor=staff),
        lambda: services.run_review(run=ProductionRun(pk=child.pk), decision="redo", notes="Again", actor=staff),
        lambda: services.run_review(run=ProductionRun(pk=parent.pk), decision="approve", actor=staff),
    )
    won = [o for o in outcomes if isinstance(o, tuple)]
    lost = [o for o in outcomes if not isinstance(o, tuple)]
    assert len(won) == 1 and len(lost) == 2, outcomes
    assert all(getattr(exc, "code", None) == "not_reviewable" for exc in lost), lost
    (reviewed_run, _, _), = won
    # One review: on the child, or on the parent and carried by its child (the partner's own run).
    assert set(ProductionRun.objects.filter(reviewed_at__isnull=False).values_list("pk", flat=True)) == (
        {child.pk} if reviewed_run.pk == child.pk else {parent.pk, child.pk})
    assert ProductionRunActivity.objects.filter(verb=ActivityVerb.REVIEWED).count() == 1
    assert DesignActivity.objects.filter(design=jacket).count() == 1
    redone = ProductionRun.objects.filter(redo_of__isnull=False).count()
    jacket.refresh_from_db()
    assert (redone, jacket.status) in [(1, Design.Status.REVISION), (0, Design.Status.APPROVED)]


@pytest.mark.django_db
def test_the_database_holds_the_rules(staff_api, api_a, first_round, jacket, staff):
    """A review only of a completed sample; one redo per reviewed run; a redo is a sample."""
    _, child_id = first_round
    with pytest.raises(IntegrityError), transaction.atomic():  # sent, not completed
        ProductionRun.objects.filter(pk=child_id).update(review_decision="approve", reviewed_at=timezone.now())
    work_through(api_a, child_id)
    redo = review(staff_api, child_id, decision="redo", notes="Again").json()["redo"]
    with pytest.raises(IntegrityError), transaction.atomic():
        services.run_create(design=jacket, quantity=1, run_type="sample", redo_of_id=child_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductionRun.objects.filter(pk=redo["id"]).update(run_type="production")
