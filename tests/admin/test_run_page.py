"""The run change page: read-only, with its children, tasks and timeline, and transition buttons."""

from django.urls import reverse
import pytest

from production import services
from production.models import ProductionRun
from tasks.selectors import TemplateSelection
from tests.admin.conftest import messages_of, run_url
from tests.factories import CategoryFactory, DesignFactory

pytestmark = pytest.mark.django_db


def _transition(client, run, action, **data):
    return client.post(reverse("admin:production_productionrun_transition", args=[run.pk, action]), data, follow=True)


def test_parent_page_lists_its_children(staff_client, allocated, partner_a, partner_b):
    parent, (child_a, child_b) = allocated
    page = staff_client.get(run_url(parent)).content.decode()
    assert "Child runs (2)" in page
    for child, partner in ((child_a, partner_a), (child_b, partner_b)):
        assert run_url(child) in page
        assert partner.name in page


def test_child_page_shows_tasks_and_timeline_with_actors(staff_client, staff, allocated):
    parent, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(name="Cutting", steps=2).pk))
    page = staff_client.get(run_url(child_a)).content.decode()
    assert "Tasks (2)" in page
    assert "Cutting step 1" in page and "Cutting step 2" in page
    assert run_url(parent) in page
    timeline = page[page.index('id="run-timeline"'):]
    for verb in ("Allocated", "Dispatch started", "Dispatched"):  # human labels, never raw codes
        assert f"<td>{verb}</td>" in timeline
    assert "Approved → Sent to partner" in timeline and "sent_to_partner" not in timeline
    assert staff.username in timeline


def test_timeline_names_the_system_for_automatic_steps(staff_client, staff):
    run = services.run_create(design=DesignFactory(), quantity=2, actor=staff)
    services.run_auto_dispatch(run.pk)  # policy off: the system records why it did nothing
    timeline = staff_client.get(run_url(run)).content.decode().split('id="run-timeline"')[1]
    assert "Not dispatched automatically" in timeline and "system" in timeline
    assert "Automatic dispatch is off." in timeline


def test_status_fields_are_read_only_and_the_page_has_no_save_button(staff_client, allocated):
    parent, _ = allocated
    response = staff_client.get(run_url(parent))
    form = response.context["adminform"].form
    assert "status" not in form.fields and "dispatch_state" not in form.fields
    assert 'name="_save"' not in response.content.decode()
    # Posting the form anyway is refused and changes nothing.
    assert staff_client.post(run_url(parent), {"status": "cancelled", "quantity": 99}).status_code == 405
    parent.refresh_from_db()
    assert (parent.status, parent.quantity) == ("approved", 5)


def test_buttons_follow_the_state(staff_client, staff, allocated):
    parent, (child_a, _) = allocated
    child_page = staff_client.get(run_url(child_a)).context
    assert child_page["can_dispatch"] and child_page["can_cancel"] and not child_page["can_allocate"]
    pending = services.run_create(design=parent.design, quantity=2, actor=staff)
    pending_page = staff_client.get(run_url(pending))
    assert pending_page.context["can_allocate"] and not pending_page.context["can_dispatch"]
    parent_page = staff_client.get(run_url(parent)).context
    assert not parent_page["can_dispatch"] and parent_page["can_cancel"] and not parent_page["can_allocate"]
    assert reverse("admin:production_productionrun_allocate", args=[pending.pk]) in pending_page.content.decode()


def test_dispatch_then_cancel_dispatch_buttons(staff_client, allocated):
    _, (child_a, _) = allocated
    response = _transition(staff_client, child_a, "dispatch")
    assert response.status_code == 200
    child_a.refresh_from_db()
    assert child_a.dispatch_state == "awaiting_templates"
    assert any("waiting for its templates" in m for m in messages_of(response))
    assert response.context["awaiting_templates"]

    assert "<strong>Approved · waiting for templates</strong>" in response.content.decode()

    _transition(staff_client, child_a, "dispatch-cancel")
    child_a.refresh_from_db()
    assert child_a.dispatch_state == "idle"


def test_a_handed_back_run_is_not_said_dispatched(staff_client, staff, allocated, partner_a):
    """It read "Awaiting reassignment · dispatched": the dispatch state of the sending the partner declined."""
    _, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(steps=1).pk))
    services.run_decline(run=ProductionRun.objects.get(pk=child_a.pk), partner=partner_a, reason="capacity")
    page = staff_client.get(run_url(child_a)).content.decode()
    assert "<strong>Awaiting reassignment</strong>" in page
    assert "field-dispatch_state" not in page  # nor the field, which said "Dispatched"


def test_dispatching_a_parent_shows_the_reason_instead_of_failing(staff_client, allocated):
    parent, (child, _) = allocated
    dispatch_form = "/do/dispatch/"  # the Dispatch button's form action
    # The page offers Dispatch only where the state machine allows it: on children, not on their parent.
    assert dispatch_form not in staff_client.get(run_url(parent)).content.decode()
    assert dispatch_form in staff_client.get(run_url(child)).content.decode()
    response = _transition(staff_client, parent, "dispatch")
    assert response.status_code == 200
    assert messages_of(response) == [
        f"Run {parent.pk} cannot be dispatched: it has child runs: dispatch them one by one."]
    parent.refresh_from_db()
    assert parent.dispatch_state == "idle"


def test_cancel_with_a_reason_cascades_and_records_it(staff_client, staff, allocated):
    parent, children = allocated
    _transition(staff_client, parent, "cancel", reason="Customer changed their mind")
    assert set(ProductionRun.objects.values_list("status", flat=True)) == {"cancelled"}
    activity = parent.activities.order_by("-id").first()
    assert (activity.verb, activity.note, activity.actor) == ("cancelled", "Customer changed their mind", staff)
    again = _transition(staff_client, parent, "cancel")
    assert messages_of(again) == [f"Run {parent.pk} is cancelled and cannot be cancelled."]


def test_transition_urls_accept_only_post_and_known_actions(staff_client, allocated):
    parent, _ = allocated
    def url(action):
        return reverse("admin:production_productionrun_transition", args=[parent.pk, action])

    assert staff_client.get(url("cancel")).status_code == 405
    assert staff_client.post(url("explode")).status_code == 404


def test_partner_users_cannot_reach_the_run_buttons(client, user_a, allocated):
    parent, _ = allocated
    client.force_login(user_a)
    response = client.post(reverse("admin:production_productionrun_transition", args=[parent.pk, "cancel"]))
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.status == "approved"


def test_cancel_asks_why_on_a_confirmation_page(staff_client, staff, allocated):
    parent, children = allocated
    page = staff_client.get(f"/admin/production/productionrun/{parent.pk}/change/").content.decode()
    cancel_url = reverse("admin:production_productionrun_cancel", args=[parent.pk])
    assert f'href="{cancel_url}">Cancel run…</a>' in page  # a link to the confirmation, never a one-click cancel
    confirm = staff_client.get(cancel_url)
    assert confirm.status_code == 200 and "child runs that are not finished are cancelled too" in confirm.content.decode()
    blank = staff_client.post(cancel_url, {"reason": "   "})
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]
    parent.refresh_from_db()
    assert parent.status == "approved"  # nothing happened without a reason
    done = staff_client.post(cancel_url, {"reason": "Order withdrawn"}, follow=True)
    assert messages_of(done) == [f"{parent} cancelled, with its open children and tasks."]
    assert set(ProductionRun.objects.values_list("status", flat=True)) == {"cancelled"}
    assert parent.activities.order_by("-id").first().note == "Order withdrawn"
    again = staff_client.get(cancel_url, follow=True)
    assert "cancel run is not possible now" in messages_of(again)[0]


def test_the_page_says_what_to_do_next_and_hides_empty_sections(staff_client, staff, allocated):
    from production.services import run_create
    from tests.factories import DesignFactory

    pending = run_create(design=DesignFactory(), quantity=2, actor=staff)
    page = staff_client.get(run_url(pending)).content.decode()
    assert "<strong>Next:</strong> Review it: allocate it to partners" in page and 'id="run-children"' not in page
    for empty in ("Dispatch</h2>", "Partner's answer</h2>", "Money</h2>", "Outcome</h2>"):  # nothing in them yet
        assert empty not in page.replace("&#x27;", "'"), empty
    parent, children = allocated
    page = staff_client.get(run_url(parent)).content.decode()
    assert "<strong>Next:</strong> 2 child runs ready to dispatch: listed below." in page
    assert page.index('id="run-children"') < page.index('id="run-timeline"') and 'id="run-tasks"' not in page
    assert "Dispatch state:" not in page and "Templates used:" not in page  # a parent is dispatched through its children
    child = staff_client.get(run_url(children[0])).content.decode()
    assert f"<strong>Next:</strong> Dispatch it to {children[0].partner.name}." in child
    assert "Templates used" in child and "Template ids" not in child and "Dispatch state:" in child
    assert 'id="run-children"' not in child and 'id="run-tasks"' in child
    assert '<div class="readonly">None</div>' not in child  # an empty value reads as a dash, never Python's None
    services.dispatch_start(run=children[1], actor=staff)  # no templates chosen yet: staff owe it some
    page = staff_client.get(run_url(parent)).content.decode()
    assert ("<strong>Next:</strong> 1 child run waiting for task templates (Confirm templates… on its page); "
            "1 child run ready to dispatch: listed below.") in page
    services.run_cancel(run=parent, actor=staff, reason="Order withdrawn")
    cancelled = staff_client.get(run_url(parent)).content.decode()
    assert "<strong>Next:</strong> Cancelled. 5 pieces not made: if they are still wanted, Remake… orders them again." in cancelled
    listed = staff_client.get(reverse("admin:production_productionrun_changelist")).content.decode()
    assert listed.count("whole run</td>") == 2 and listed.count(f'">part of #{parent.pk}</a>') == 2  # words, not codes


def test_a_dispatched_run_names_its_templates_not_their_ids(staff_client, staff, allocated):
    from production.services import dispatch_start
    from tasks.models import TaskTemplate
    from tasks.selectors import TemplateSelection
    from tests.factories import CategoryFactory

    _, children = allocated
    category = CategoryFactory(name="Cutting", steps=2)
    dispatch_start(run=children[0], actor=staff, selection=TemplateSelection(category_id=category.pk))
    names = list(TaskTemplate.objects.filter(category=category).order_by("sequence").values_list("name", flat=True))
    page = staff_client.get(run_url(children[0])).content.decode()
    assert ", ".join(names) in page


def test_a_cancel_posted_without_a_reason_is_refused(staff_client, allocated):
    parent, _ = allocated
    response = _transition(staff_client, parent, "cancel")
    assert messages_of(response) == ["Say why the run is cancelled: use Cancel run… on its page."]
    parent.refresh_from_db()
    assert parent.status == "approved"


def test_the_captured_design_reads_in_words(staff_client, staff, partner_a):
    design = DesignFactory(name="Field jacket", code="FJ-1", status="commerce_ready",
                           specs={"fabric": "waxed cotton", "sizes": ["S", "M"]},
                           routing={"assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 1}]})
    run = services.run_create(design=design, quantity=4, actor=staff)
    page = staff_client.get(run_url(run)).content.decode()
    captured = page[page.index('class="design-as-captured"'):]
    assert "<strong>Field jacket</strong> (FJ-1) · Ready for commerce" in captured
    assert '<th scope="row">Sizes</th><td>S, M</td>' in captured
    assert f"<td>{partner_a.name}</td><td>Cutting</td><td>100%</td>" in captured


def test_staff_record_a_phoned_completion_with_its_open_tasks_or_are_told_why_not(staff_client, staff, allocated):
    _, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(steps=2).pk))
    services.run_start(run=child_a, actor=None)
    url = reverse("admin:production_productionrun_complete", args=[child_a.pk])

    refused = staff_client.post(url, {"produced_quantity": "3"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["close_open_tasks"] == [
        f"Run {child_a.pk} still has 2 open task(s). Tick the box if the partner says they are done, or leave "
        "them to the partner in the hub."]
    child_a.refresh_from_db()
    assert child_a.status == "in_progress"

    done = staff_client.post(url, {"produced_quantity": "3", "close_open_tasks": "on"}, follow=True)
    assert messages_of(done) == [f"{child_a} completed for its partner."]
    child_a.refresh_from_db()
    assert (child_a.status, child_a.produced_quantity) == ("completed", 3)
    assert set(child_a.tasks.values_list("status", flat=True)) == {"completed"}


def test_staff_record_the_completion_of_a_run_its_partner_never_started_in_the_hub(staff_client, staff, allocated):
    """A partner who phones in has often not opened the hub: "Record completion" was offered only once the partner
    had started the run there. Recorded, it is started (and so accepted) for the partner first."""
    _, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(steps=2).pk))
    url = reverse("admin:production_productionrun_complete", args=[child_a.pk])
    assert url in staff_client.get(run_url(child_a)).content.decode()
    refused = staff_client.post(url, {"produced_quantity": "2"})  # a refusal leaves it as it was: not started
    assert refused.status_code == 200
    child_a.refresh_from_db()
    assert (child_a.status, child_a.accepted_at) == ("sent_to_partner", None)
    done = staff_client.post(url, {"produced_quantity": "3", "close_open_tasks": "on"}, follow=True)
    assert messages_of(done) == [f"{child_a} completed for its partner."]
    child_a.refresh_from_db()
    assert (child_a.status, child_a.produced_quantity, child_a.accepted_at is not None) == ("completed", 3, True)
    assert [a.verb for a in child_a.activities.order_by("id")][-4:] == [
        "started", "task_completed", "task_completed", "completed"]


def test_a_refused_completion_leaves_the_tasks_it_would_have_closed_open(staff_client, staff, allocated):
    _, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(steps=2).pk))
    services.run_start(run=child_a, actor=None)
    url = reverse("admin:production_productionrun_complete", args=[child_a.pk])
    # 2 good of 3 and no reason for the missing piece: run_complete refuses after the tasks were closed.
    refused = staff_client.post(url, {"produced_quantity": "2", "close_open_tasks": "on"})
    assert refused.status_code == 200 and refused.context["form"].errors
    child_a.refresh_from_db()
    assert child_a.status == "in_progress"
    assert set(child_a.tasks.values_list("status", flat=True)) == {"pending"}


def test_a_run_completed_without_a_rate_says_it_made_no_payable(staff_client, staff, partner_a, user_a):
    from tests.factories import DispatchedRunFactory

    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    assert run.rate is None
    for task in run.tasks.all():
        services.task_complete(task=task, actor=user_a)
    services.run_complete(run=ProductionRun(pk=run.pk), actor=user_a)
    page = staff_client.get(run_url(run)).content.decode()
    assert f"No rate was agreed for run #{run.pk}: it completed without a payable" in page
