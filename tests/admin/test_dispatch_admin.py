"""Dispatch from admin: the bulk action, and the Confirm templates page that resumes waiting dispatches."""

from django.core import mail
from django.urls import reverse
import pytest

from production import services
from production.admin.confirm import CONFIRM_PAGE_SIZE
from production.models import ProductionRun
from tasks.models import Task
from tests.admin.conftest import messages_of
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:production_productionrun_changelist")
CONFIRM = reverse("admin:production_productionrun_confirm_templates")


def _action(client, action, runs):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [r.pk for r in runs]}, follow=True)


@pytest.fixture
def waiting(staff, allocated):
    """Both children with a dispatch started, waiting for templates."""
    _, children = allocated
    return [services.dispatch_start(run=child, actor=staff) for child in children]


def test_dispatch_action_moves_children_and_reports_the_parent_refusal(staff_client, staff, allocated):
    parent, children = allocated
    response = _action(staff_client, "dispatch_selected", [parent, *children])
    assert response.status_code == 200
    states = dict(ProductionRun.objects.values_list("pk", "dispatch_state"))
    assert [states[c.pk] for c in children] == ["awaiting_templates", "awaiting_templates"]
    assert states[parent.pk] == "idle"
    messages = messages_of(response)
    assert f"Run {parent.pk} cannot be dispatched: it has child runs: dispatch them one by one." in messages
    assert any(m.startswith("Waiting for templates:") and CONFIRM in m for m in messages)
    assert {c.dispatch_started_by_id for c in ProductionRun.objects.filter(parent_run=parent)} == {staff.pk}


def test_confirm_page_lists_waiting_runs_with_templates_and_their_categories(staff_client, waiting):
    cutting = CategoryFactory(name="Cutting", steps=2)
    response = staff_client.get(CONFIRM, {"run": waiting[0].pk})
    page = response.content.decode()
    for run in waiting:
        assert f'value="{run.pk}" id="run-{run.pk}"' in page
    assert f'value="{waiting[0].pk}" id="run-{waiting[0].pk}" checked' in page  # preselected from the run page
    assert f'value="{waiting[1].pk}" id="run-{waiting[1].pk}">' in page
    assert "Step 1: Cutting step 1" in page
    assert f"<legend>{cutting.name}</legend>" in page  # the templates are listed under their category
    assert "not the order you tick them" in page


def test_confirm_page_shows_fifty_waiting_runs_to_a_page_and_confirms_one_from_a_later_page(
        staff_client, staff, partner_a):
    category = CategoryFactory(name="Cutting", steps=1)
    design = DesignFactory()
    runs = []
    for _ in range(CONFIRM_PAGE_SIZE + 2):
        _, (child,) = services.run_create_allocated(design=design, quantity=1, assignments=[
            services.Assignment(partner_id=partner_a.pk, role="cutting", quantity=1)])
        runs.append(services.dispatch_start(run=child, actor=staff))
    first = staff_client.get(CONFIRM).content.decode()
    assert first.count('name="runs"') == CONFIRM_PAGE_SIZE
    assert f'id="run-{runs[0].pk}"' in first and f'id="run-{runs[-1].pk}"' not in first  # oldest first
    later = staff_client.get(CONFIRM, {"page": 2}).content.decode()
    assert later.count('name="runs"') == 2 and "Page 2 of 2 (52 runs waiting, oldest first)" in later
    response = staff_client.post(CONFIRM, {"runs": [runs[-1].pk], "category": category.pk})
    assert messages_of(response) == [f"Sent to partner: {runs[-1]} (1 tasks)"]


def test_confirm_by_category_creates_tasks_and_sends_the_run_to_its_partner(
    staff_client, staff, waiting, user_a, q_sync, django_capture_on_commit_callbacks
):
    cutting = CategoryFactory(name="Cutting", steps=3)
    run = waiting[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CONFIRM, {"runs": [run.pk], "category": cutting.pk}, follow=True)
    assert response.status_code == 200
    run.refresh_from_db()
    assert (run.status, run.dispatch_state) == ("sent_to_partner", "completed")
    assert list(run.tasks.values_list("title", flat=True)) == ["Cutting step 1", "Cutting step 2", "Cutting step 3"]
    assert run.activities.get(verb="dispatched").actor == staff
    assert messages_of(response) == [f"Sent to partner: {run} (3 tasks)"]
    # The notification job ran (synchronously here): one email to partner A's users.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user_a.email]
    # The other run still waits.
    waiting[1].refresh_from_db()
    assert waiting[1].dispatch_state == "awaiting_templates"


def test_confirm_with_picked_templates_uses_exactly_those(staff_client, waiting):
    cutting = CategoryFactory(name="Cutting", steps=3)
    extra = TemplateFactory(name="Press", category=CategoryFactory(name="Finishing", steps=0), sequence=1)
    chosen = [cutting.templates.get(name="Cutting step 2"), extra]
    staff_client.post(CONFIRM, {"runs": [r.pk for r in waiting], "templates": [t.pk for t in chosen]})
    for run in waiting:
        run.refresh_from_db()
        assert run.status == "sent_to_partner"
        assert sorted(run.template_ids) == sorted(t.pk for t in chosen)
    assert Task.objects.count() == 4


def test_category_and_templates_together_are_refused(staff_client, waiting):
    cutting = CategoryFactory(name="Cutting", steps=2)
    response = staff_client.post(CONFIRM, {"runs": [waiting[0].pk], "category": cutting.pk,
                                           "templates": [cutting.templates.first().pk]})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You chose a category and some templates: keep one of the two."]
    neither = staff_client.post(CONFIRM, {"runs": [waiting[0].pk]})
    assert neither.context["form"].non_field_errors() == ["Choose a template category, or tick the templates to use."]
    assert not Task.objects.exists()


def test_the_category_named_like_the_runs_role_is_preselected(staff_client, waiting):
    cutting = CategoryFactory(name="Cutting", steps=1)
    cutter, stitcher = waiting  # roles "cutting" and "stitching"
    assert staff_client.get(f"{CONFIRM}?run={cutter.pk}").context["form"].initial["category"] == cutting.pk
    both = staff_client.get(f"{CONFIRM}?run={cutter.pk}&run={stitcher.pk}").context["form"]
    assert both.initial["category"] is None  # two roles: nothing to guess
    odd = staff_client.get(f"{CONFIRM}?run=%C2%B2&run=x&run={cutter.pk}")  # "²" and "x" are not runs, not a 500
    assert odd.status_code == 200 and odd.context["form"].initial["category"] == cutting.pk


def test_errors_are_reported_per_run(staff_client, staff, waiting):
    empty = CategoryFactory(name="Empty", steps=0)
    response = staff_client.post(CONFIRM, {"runs": [r.pk for r in waiting], "category": empty.pk})
    assert response.status_code == 200
    assert messages_of(response) == [f"{run}: Category 'Empty' has no active templates." for run in waiting]
    assert set(ProductionRun.objects.filter(pk__in=[r.pk for r in waiting]).values_list("dispatch_state", flat=True)) \
        == {"awaiting_templates"}


def test_a_run_no_longer_waiting_cannot_be_confirmed_twice(staff_client, staff, waiting):
    cutting = CategoryFactory(name="Cutting", steps=2)
    staff_client.post(CONFIRM, {"runs": [waiting[0].pk], "category": cutting.pk})
    again = staff_client.post(CONFIRM, {"runs": [waiting[0].pk], "category": cutting.pk})
    assert again.status_code == 200 and "runs" in again.context["form"].errors
    assert Task.objects.filter(production_run=waiting[0]).count() == 2


def test_run_page_links_to_confirm_when_awaiting(staff_client, waiting):
    page = staff_client.get(reverse("admin:production_productionrun_change", args=[waiting[0].pk])).content.decode()
    assert f"{CONFIRM}?run={waiting[0].pk}" in page
