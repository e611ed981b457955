"""Parents follow their children; cancel cascades down (docs/api.md: Cascades)."""

import pytest

from config.errors import DomainError
from production import services
from production.models import ProductionRun
from production.services import Assignment, dispatch_start, run_create_allocated
from tasks.models import Task
from tasks.selectors import TemplateSelection
from tests.concurrency import race
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory


@pytest.fixture
def category(db):
    category = CategoryFactory()
    TemplateFactory.create_batch(2, category=category)
    return category


def _family(staff, partner_a, partner_b, category, *, dispatch=True):
    parent, children = run_create_allocated(design=DesignFactory(), quantity=4, actor=staff, assignments=[
        Assignment(partner_id=partner_a.pk, role="cutting", quantity=2),
        Assignment(partner_id=partner_b.pk, role="stitching", quantity=2),
    ])
    if dispatch:
        for child in children:
            dispatch_start(run=child, actor=staff, selection=TemplateSelection(category_id=category.pk))
    return parent, children


def _finish(run, produced=None, rejected=None):
    for task in Task.objects.filter(production_run=run):
        services.task_complete(task=task, actor=None)
    return services.run_complete(run=run, actor=None, produced_quantity=produced, rejected_quantity=rejected)


@pytest.mark.django_db
def test_cancelling_a_completed_run_answers_409(staff_api, staff, partner_a, partner_b, category):
    _, (run_a, _) = _family(staff, partner_a, partner_b, category)
    _finish(run_a)
    response = staff_api.post(f"/api/admin/production-runs/{run_a.pk}/cancel", {}, format="json")
    assert response.status_code == 409 and response.data["code"] == "invalid_transition"
    assert ProductionRun.objects.get(pk=run_a.pk).status == "completed"


@pytest.mark.django_db
def test_cancelling_the_last_open_child_completes_the_parent_with_the_sums(
    staff_api, staff, partner_a, partner_b, category
):
    parent, (run_a, run_b) = _family(staff, partner_a, partner_b, category)
    _finish(run_a, produced=1, rejected=1)
    assert staff_api.post(f"/api/admin/production-runs/{run_b.pk}/cancel", {}, format="json").status_code == 200
    parent.refresh_from_db()
    assert (parent.status, parent.produced_quantity, parent.rejected_quantity) == ("completed", 1, 1)


@pytest.mark.django_db
def test_cancelling_every_child_cancels_the_parent(staff_api, staff, partner_a, partner_b, category):
    parent, children = _family(staff, partner_a, partner_b, category)
    for child in children:
        assert staff_api.post(f"/api/admin/production-runs/{child.pk}/cancel", {}, format="json").status_code == 200
    parent.refresh_from_db()
    assert parent.status == "cancelled"
    assert parent.activities.order_by("-id").first().note == "Every child run was cancelled."


@pytest.mark.django_db
def test_cancelling_a_run_waiting_for_templates_ends_the_dispatch(staff_api, staff, partner_a, partner_b, category):
    _, (run_a, _) = _family(staff, partner_a, partner_b, category, dispatch=False)
    dispatch_start(run=run_a, actor=staff)
    response = staff_api.post(f"/api/admin/production-runs/{run_a.pk}/cancel", {}, format="json")
    assert (response.data["status"], response.data["dispatch_state"]) == ("cancelled", "idle")


@pytest.mark.django_db
def test_a_child_starting_moves_its_approved_parent_to_in_progress(staff, partner_a, partner_b, category):
    parent, (run_a, _) = _family(staff, partner_a, partner_b, category)
    assert ProductionRun.objects.get(pk=parent.pk).status == "approved"
    services.run_start(run=run_a, actor=None)
    assert ProductionRun.objects.get(pk=parent.pk).status == "in_progress"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancel_racing_partner_work_never_deadlocks_or_leaves_open_tasks(
    require_postgres, staff, partner_a, partner_b, category
):
    """Staff cancel parent and child while partners work on tasks, all at once, five times.

    Every service locks parent, then run, then task; a different order would deadlock here
    (PostgreSQL would abort one racer with an error that is not a DomainError).
    """
    for _ in range(5):
        _cancel_while_working(staff, partner_a, partner_b, category)


def _cancel_while_working(staff, partner_a, partner_b, category):
    parent, (run_a, run_b) = _family(staff, partner_a, partner_b, category)
    tasks_a = list(Task.objects.filter(production_run=run_a).values_list("pk", flat=True))
    tasks_b = list(Task.objects.filter(production_run=run_b).values_list("pk", flat=True))
    outcomes = race(
        lambda: services.run_cancel(run=ProductionRun(pk=parent.pk), actor=staff),
        lambda: services.task_complete(task=Task(pk=tasks_a[0]), actor=None),
        lambda: services.task_start(task=Task(pk=tasks_b[0]), actor=None),
        lambda: services.run_cancel(run=ProductionRun(pk=run_a.pk), actor=staff),
        lambda: services.task_complete(task=Task(pk=tasks_b[1]), actor=None),
    )
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    assert not unexpected, unexpected
    assert ProductionRun.objects.get(pk=parent.pk).status == "cancelled"
    assert set(ProductionRun.objects.filter(parent_run=parent).values_list("status", flat=True)) == {"cancelled"}
    assert not Task.objects.filter(production_run__parent_run=parent, status__in=Task.OPEN).exists()


@pytest.mark.django_db
def test_a_parent_in_progress_cannot_be_completed_directly(staff, partner_a, partner_b, category):
    """Found by the state-machine test: a parent completes only by following its children."""
    parent, (run_a, _) = _family(staff, partner_a, partner_b, category)
    services.run_start(run=run_a, actor=None)
    with pytest.raises(DomainError) as refused:
        services.run_complete(run=ProductionRun(pk=parent.pk), actor=None)
    assert refused.value.code == "invalid_transition"
    assert ProductionRun.objects.get(pk=parent.pk).status == "in_progress"
