"""production.services.run_auto_dispatch (the gating job): each reason to stay in review, the happy paths, idempotency."""

from django_q.models import OrmQ
import pytest

from config.errors import InvalidInput
from designs.models import Design
from designs.services import design_update
from production import gating
from production.models import ActivityVerb, ProductionRun, ProductionRunActivity
from production.selectors import review_reason
from production.services import Assignment, run_approve, run_auto_dispatch
from production.services import dispatch as dispatch_module
from tasks.models import Task, TaskTemplate
from tests.factories import CategoryFactory, PartnerFactory
from tests.gating.helpers import make_design, pending_run, routing

pytestmark = pytest.mark.django_db


def _skips(run):
    return list(ProductionRunActivity.objects.filter(run=run, verb=ActivityVerb.AUTO_DISPATCH_SKIPPED).values_list("note", flat=True))


def _assert_still_in_review(run, reason_fragment):
    run.refresh_from_db()
    assert (run.status, run.dispatch_state) == ("pending_review", "idle")
    assert not run.children.exists()
    (note,) = _skips(run)
    assert reason_fragment in note
    assert review_reason(run) == note
    skip = ProductionRunActivity.objects.get(run=run, verb=ActivityVerb.AUTO_DISPATCH_SKIPPED)
    assert skip.actor_id is None
    assert (skip.from_status, skip.to_status) == ("pending_review", "pending_review")


# --- why a run stays in review ------------------------------------------------------------

def test_policy_off_leaves_the_run_in_review_and_says_why(partner_a, cutting):
    design = make_design(routing=routing((partner_a, "cutting", 1), category=cutting))
    run = pending_run(design, 4)

    run_auto_dispatch(run_id=run.pk)

    _assert_still_in_review(run, "Automatic dispatch is off.")


def test_design_not_commerce_ready_stays_in_review(policy_on, partner_a, cutting):
    design = make_design(routing=routing((partner_a, "cutting", 1), category=cutting), status=Design.Status.APPROVED)
    run = pending_run(design, 4)
    run_auto_dispatch(run_id=run.pk)
    _assert_still_in_review(run, "is approved, not ready for commerce")


@pytest.mark.parametrize("raw", [None, {"assignments": []}], ids=["no-routing", "no-assignments"])
def test_design_without_routing_stays_in_review(policy_on, raw):
    run = pending_run(make_design(routing=raw), 4)
    run_auto_dispatch(run_id=run.pk)
    _assert_still_in_review(run, "has no routing assignments")


def test_inactive_partner_in_routing_stays_in_review(policy_on, partner_a):
    retired = PartnerFactory(name="Closed Workshop", is_active=False)
    design = make_design(routing=routing((partner_a, "cutting", 1), (retired, "stitching", 1)))
    run = pending_run(design, 4)
    run_auto_dispatch(run_id=run.pk)
    _assert_still_in_review(run, "'Closed Workshop', which is inactive")


@pytest.mark.parametrize("templates", ["unknown-id", "unknown-category", "empty-category"])
def test_unusable_templates_stay_in_review(policy_on, partner_a, cutting, templates):
    if templates == "unknown-id":
        raw = routing((partner_a, "cutting", 1), template_ids=[TaskTemplate.objects.first().pk, 987654321])
    elif templates == "unknown-category":
        raw = routing((partner_a, "cutting", 1))
        raw["template_category"] = 987654321
    else:
        raw = routing((partner_a, "cutting", 1), category=CategoryFactory(name="Empty"))
    run = pending_run(make_design(routing=raw), 4)
    run_auto_dispatch(run_id=run.pk)
    _assert_still_in_review(run, "The routing's templates cannot be used")
    assert not Task.objects.exists()


def test_quantity_smaller_than_the_assignments_stays_in_review(policy_on, partner_a, partner_b, cutting):
    design = make_design(routing=routing((partner_a, "cutting", 1), (partner_b, "stitching", 1), category=cutting))
    run = pending_run(design, 1)
    run_auto_dispatch(run_id=run.pk)
    _assert_still_in_review(run, "A quantity of 1 cannot be split across 2 assignments")


# --- happy paths --------------------------------------------------------------------------

def test_routed_run_is_approved_into_children_sent_with_tasks(policy_on, partner_a, partner_b, cutting,
                                                                django_capture_on_commit_callbacks):
    design = make_design(routing=routing((partner_a, "cutting", 1), (partner_b, "stitching", 1), category=cutting))
    run = pending_run(design, 7)

    with django_capture_on_commit_callbacks(execute=True):
        run_auto_dispatch(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == "approved"
    children = list(run.children.order_by("id"))
    assert [(c.partner_id, c.role, c.quantity, c.status, c.dispatch_state) for c in children] == [
        (partner_a.pk, "cutting", 4, "sent_to_partner", "completed"),
        (partner_b.pk, "stitching", 3, "sent_to_partner", "completed"),
    ]
    template_ids = list(TaskTemplate.objects.filter(category=cutting).order_by("sequence").values_list("pk", flat=True))
    for child in children:
        assert child.template_ids == template_ids
        assert list(child.tasks.order_by("sequence").values_list("template_id", "partner_id")) == [
            (t, child.partner_id) for t in template_ids
        ]
        assert child.dispatch_started_by_id is None
    assert set(design.partners.values_list("pk", flat=True)) == {partner_a.pk, partner_b.pk}
    # One partner notification per child, queued after commit.
    assert sorted(q.task["args"] for q in OrmQ.objects.all()) == sorted((c.pk,) for c in children)
    # Every automatic step is recorded as done by the system.
    family = ProductionRunActivity.objects.filter(run__in=[run, *children])
    assert set(family.values_list("verb", flat=True)) == {"created", "approved", "allocated", "dispatch_started",
                                                         "dispatched"}
    assert not family.filter(actor__isnull=False).exists()
    assert not family.filter(verb=ActivityVerb.AUTO_DISPATCH_SKIPPED).exists()


def test_routed_run_without_templates_waits_for_staff(policy_on, partner_a, partner_b):
    design = make_design(routing=routing((partner_a, "cutting", 1), (partner_b, "stitching", 2)))
    run = pending_run(design, 9)

    run_auto_dispatch(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == "approved"
    assert [(c.quantity, c.status, c.dispatch_state, c.dispatch_started_by_id)
            for c in run.children.order_by("id")] == [
        (3, "approved", "awaiting_templates", None),
        (6, "approved", "awaiting_templates", None),
    ]
    assert not Task.objects.exists()
    assert not ProductionRunActivity.objects.filter(run__in=[run, *run.children.all()], actor__isnull=False).exists()


def test_routing_with_template_ids_uses_those_templates(policy_on, partner_a, cutting):
    cut = TaskTemplate.objects.get(name="Cut")
    design = make_design(routing=routing((partner_a, "", 1), template_ids=[cut.pk]))
    run = pending_run(design, 3)
    run_auto_dispatch(run_id=run.pk)
    (child,) = run.children.all()
    assert (child.status, child.quantity, child.template_ids) == ("sent_to_partner", 3, [cut.pk])
    assert list(child.tasks.values_list("title", flat=True)) == ["Cut"]


# --- running again ------------------------------------------------------------------------

def test_job_twice_approves_once(policy_on, partner_a, partner_b, cutting):
    design = make_design(routing=routing((partner_a, "cutting", 1), (partner_b, "stitching", 1), category=cutting))
    run = pending_run(design, 6)

    run_auto_dispatch(run_id=run.pk)
    run_auto_dispatch(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == "approved"
    assert run.children.count() == 2
    assert Task.objects.count() == 4
    assert ProductionRunActivity.objects.filter(run=run, verb="approved").count() == 1
    assert not _skips(run)


def test_job_twice_records_the_skip_once(policy_on, partner_a):
    run = pending_run(make_design(routing=routing((partner_a, "", 1)), status=Design.Status.REVISION), 2)
    run_auto_dispatch(run_id=run.pk)
    run_auto_dispatch(run_id=run.pk)
    assert len(_skips(run)) == 1


def test_a_new_reason_is_recorded_again(policy_on, partner_a):
    """A later delivery that finds a different reason says so (the latest reason is the one shown)."""
    design = make_design(routing=None)
    run = pending_run(design, 2)
    run_auto_dispatch(run_id=run.pk)
    design_update(design=design, status=Design.Status.REVISION)  # the design moved back meanwhile
    run_auto_dispatch(run_id=run.pk)
    assert len(_skips(run)) == 2
    assert "not ready for commerce" in review_reason(run)


def test_job_after_staff_approval_is_a_no_op(policy_on, staff, partner_a, partner_b, cutting):
    design = make_design(routing=routing((partner_a, "cutting", 1), category=cutting))
    run = pending_run(design, 5)
    run_approve(run=run, actor=staff, assignments=[Assignment(partner_id=partner_b.pk, quantity=5)])

    run_auto_dispatch(run_id=run.pk)

    assert list(run.children.values_list("partner_id", "status")) == [(partner_b.pk, "approved")]
    assert not Task.objects.exists()
    assert not _skips(run)


def test_job_ignores_child_runs_and_missing_runs(policy_on, staff, partner_a, cutting):
    design = make_design(routing=routing((partner_a, "cutting", 1), category=cutting))
    run = pending_run(design, 5)
    run_approve(run=run, actor=staff, assignments=[Assignment(partner_id=partner_a.pk, quantity=5)])
    (child,) = run.children.all()

    assert run_auto_dispatch(run_id=987654321) is None
    run_auto_dispatch(run_id=child.pk)

    child.refresh_from_db()
    assert (child.status, child.dispatch_state) == ("approved", "idle")
    assert not child.children.exists()
    assert ProductionRun.objects.count() == 2


def test_a_refusal_at_approval_time_rolls_back_and_is_recorded(policy_on, partner_a, cutting, monkeypatch):
    """The plan was fine a moment ago, then a service refused (say the partner was just deactivated)."""
    design = make_design(routing=routing((partner_a, "cutting", 1), category=cutting))
    run = pending_run(design, 4)
    gone = PartnerFactory(is_active=False)
    monkeypatch.setattr(gating, "plan", lambda run: gating.RoutingPlan(
        assignments=[Assignment(partner_id=gone.pk, role="cutting", quantity=4)], selection=None))

    run_auto_dispatch(run_id=run.pk)

    _assert_still_in_review(run, "Inactive partners cannot be assigned")
    assert not Task.objects.exists()


def test_a_refusal_after_the_approval_rolls_it_back_and_records_the_run_as_it_is(policy_on, partner_a, cutting,
                                                                                 monkeypatch):
    """The run was approved in memory when its child's dispatch refused (its templates went meanwhile): the skip
    and the job's result tell the run as the rollback left it, waiting for review."""
    design = make_design(routing=routing((partner_a, "cutting", 1), category=cutting))
    run = pending_run(design, 4)

    def templates_gone(selection):
        raise InvalidInput("Category 'Cutting' has no active templates.", code="empty_category")

    monkeypatch.setattr(dispatch_module, "resolve_templates", templates_gone)  # the plan's own check still passes

    result = run_auto_dispatch(run_id=run.pk)

    assert (result.status, result.approved_at) == ("pending_review", None)
    _assert_still_in_review(run, "has no active templates")
    assert not Task.objects.exists()
