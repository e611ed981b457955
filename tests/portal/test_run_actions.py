"""Working on a run through the portal: each button calls one service; refusals show as messages."""

import re

import pytest

from production.models import ProductionRunActivity
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _tasks(run):
    return list(run.tasks.order_by("sequence", "id"))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_run_detail_shows_design_specs_tasks_and_progress(portal_a, run_a):
    response = portal_a.get(f"/portal/runs/{run_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert run_a.design.name in html
    assert "linen" in html and "S, M, L" in html  # snapshot specs
    assert [t.title for t in response.context["tasks"]] == [t.title for t in _tasks(run_a)]
    assert "0 / 2 tasks done" in html
    assert "Start run" in html
    assert 'id="complete-run"' not in html  # only once the run is in progress


def test_start_run_button_starts_the_run(portal_a, user_a, run_a):
    response = portal_a.post(f"/portal/runs/{run_a.pk}/start/", follow=True)
    run_a.refresh_from_db()
    assert run_a.status == "in_progress"
    assert _messages(response) == ["Run started."]
    activity = ProductionRunActivity.objects.filter(run=run_a, verb="started").get()
    assert activity.actor == user_a


def test_starting_a_task_starts_the_run_and_completing_it_counts_progress(portal_a, run_a):
    first, second = _tasks(run_a)

    response = portal_a.post(f"/portal/tasks/{first.pk}/start/")
    assert response.status_code == 302 and response["Location"] == f"/portal/runs/{run_a.pk}/"
    first.refresh_from_db()
    run_a.refresh_from_db()
    assert (first.status, run_a.status) == ("in_progress", "in_progress")

    page = portal_a.post(f"/portal/tasks/{first.pk}/complete/", follow=True)
    first.refresh_from_db()
    assert first.status == "completed"
    assert f"Task “{first.title}” completed." in _messages(page)
    assert "1 / 2 tasks done" in page.content.decode()


def test_completing_the_run_with_an_open_task_shows_the_reason_and_changes_nothing(portal_a, run_a):
    first, second = _tasks(run_a)
    portal_a.post(f"/portal/tasks/{first.pk}/complete/", follow=True)

    page = portal_a.post(f"/portal/runs/{run_a.pk}/complete/", {"produced_quantity": "3"}, follow=True)

    assert page.status_code == 200
    assert page.redirect_chain == [(f"/portal/runs/{run_a.pk}/", 302)]
    assert _messages(page) == [f"Run {run_a.pk} still has 1 open task(s)."]
    assert "still has 1 open task(s)" in page.content.decode()
    run_a.refresh_from_db()
    assert run_a.status == "in_progress" and run_a.produced_quantity is None


def test_complete_every_task_then_the_run_with_quantities(portal_a, run_a):
    for task in _tasks(run_a):
        portal_a.post(f"/portal/tasks/{task.pk}/complete/", follow=True)

    page = portal_a.post(f"/portal/runs/{run_a.pk}/complete/",
                         {"produced_quantity": "2", "rejected_quantity": "1", "notes": "One torn"}, follow=True)

    run_a.refresh_from_db()
    assert (run_a.status, run_a.produced_quantity, run_a.rejected_quantity) == ("completed", 2, 1)
    assert run_a.completion_notes == "One torn"
    assert _messages(page) == ["Run completed."]
    html = page.content.decode()
    assert 'data-status="completed"' in html and "2 / 2 tasks done" in html
    assert "Complete run" not in html and "<button" not in html.split("<main")[1].split("</main>")[0]
    # The parent follows its only child.
    run_a.parent_run.refresh_from_db()
    assert run_a.parent_run.status == "completed" and run_a.parent_run.produced_quantity == 2


def test_empty_quantities_use_the_service_defaults(portal_a, run_a):
    for task in _tasks(run_a):
        portal_a.post(f"/portal/tasks/{task.pk}/complete/", follow=True)
    portal_a.post(f"/portal/runs/{run_a.pk}/complete/", {"produced_quantity": "", "rejected_quantity": "", "notes": ""})
    run_a.refresh_from_db()
    assert (run_a.status, run_a.produced_quantity, run_a.rejected_quantity) == ("completed", 3, 0)


def test_quantities_over_the_run_quantity_show_the_400_reason(portal_a, run_a):
    for task in _tasks(run_a):
        portal_a.post(f"/portal/tasks/{task.pk}/complete/", follow=True)

    page = portal_a.post(f"/portal/runs/{run_a.pk}/complete/", {"produced_quantity": "3", "rejected_quantity": "1"})

    # The form comes back as typed, with the reason next to the field.
    assert page.status_code == 400
    assert page["HX-Push-Url"] == f"/portal/runs/{run_a.pk}/"  # a reload shows the run, not a 405
    assert page.context["complete_form"].errors == {
        "produced_quantity": ["Good pieces (3) plus rejected (1) exceed the run's quantity (3)."]}
    assert 'value="3"' in page.content.decode()
    run_a.refresh_from_db()
    assert run_a.status == "in_progress"


def test_negative_quantity_redisplays_the_form_with_the_error(portal_a, run_a):
    portal_a.post(f"/portal/runs/{run_a.pk}/start/")
    response = portal_a.post(f"/portal/runs/{run_a.pk}/complete/", {"produced_quantity": "-1"})
    assert response.status_code == 400
    assert "Good pieces cannot be below 0." in response.content.decode()
    run_a.refresh_from_db()
    assert run_a.status == "in_progress"


def test_starting_a_task_twice_shows_the_409_reason(portal_a, run_a):
    first = _tasks(run_a)[0]
    portal_a.post(f"/portal/tasks/{first.pk}/start/", follow=True)
    page = portal_a.post(f"/portal/tasks/{first.pk}/start/", follow=True)
    assert page.status_code == 200
    assert _messages(page) == [f"Task {first.pk} ({first.title}) is in progress; cannot start it."]


def test_tasks_of_a_cancelled_run_cannot_change(portal_a, staff, run_a):
    from production import services

    first = _tasks(run_a)[0]
    services.run_cancel(run=run_a, actor=staff)
    page = portal_a.post(f"/portal/tasks/{first.pk}/complete/", follow=True)
    assert _messages(page) == [f"Run {run_a.pk} is cancelled; its tasks cannot change."]
    first.refresh_from_db()
    assert first.status == Task.Status.CANCELLED
    assert 'data-status="cancelled"' in page.content.decode()


def test_run_detail_query_count(portal_a, run_a, django_assert_num_queries):
    # 1 session, 2 user, 3 membership + partner, 4 the run with design and progress,
    # 5 its planned materials (with what was used), 6 its tasks, 7 unread notifications (nav).
    with django_assert_num_queries(7):
        response = portal_a.get(f"/portal/runs/{run_a.pk}/")
    assert response.status_code == 200


def test_a_refused_completion_keeps_what_was_typed_and_focuses_the_field(portal_a, run_a):
    from production.services import run_start, task_complete

    run_start(run=run_a, actor=None)
    for task in run_a.tasks.all():
        task_complete(task=task, actor=None)
    too_many = portal_a.post(f"/portal/runs/{run_a.pk}/complete/", {"produced_quantity": str(run_a.quantity),
                                                                    "rejected_quantity": "5"})
    page = too_many.content.decode()
    assert too_many.status_code == 400
    # Without the script the tally could show only its defaults, not what was typed: it waits for the script.
    assert re.search(r"<p [^>]*data-tally[^>]*\bhidden\b", page)
    assert f'name="produced_quantity" value="{run_a.quantity}"' in page and 'name="rejected_quantity" value="5"' in page
    form = too_many.context["complete_form"]
    assert form.fields["produced_quantity"].widget.attrs.get("autofocus")  # the field the error is on
    words = portal_a.post(f"/portal/runs/{run_a.pk}/complete/", {"produced_quantity": "-1"})
    assert words.context["complete_form"].errors["produced_quantity"] == ["Good pieces cannot be below 0."]
    assert words.context["complete_form"].fields["produced_quantity"].widget.attrs.get("autofocus")
