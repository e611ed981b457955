"""Who may use the portal: partner users only, each inside its own scope."""

from django.test import Client
import pytest

from production import services
from production.models import ProductionRunActivity
from tasks.models import Task
from tests.factories import DesignFactory, UserFactory
from tests.portal.conftest import logged_in

pytestmark = pytest.mark.django_db

PAGES = ["/portal/", "/portal/designs/", "/portal/notifications/"]


@pytest.mark.parametrize("url", PAGES + ["/portal/runs/1/"])
def test_anonymous_users_are_sent_to_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_staff_user_gets_a_403_page(staff, url):
    response = logged_in(staff).get(url)
    assert response.status_code == 403
    assert b"This portal is for partner workshops" in response.content


def test_staff_user_gets_a_403_on_a_run_and_on_actions(staff, run_a):
    client = logged_in(staff)
    task = run_a.tasks.first()
    assert client.get(f"/portal/runs/{run_a.pk}/").status_code == 403
    assert client.post(f"/portal/tasks/{task.pk}/start/").status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_user_without_partner_gets_a_403_page():
    response = logged_in(UserFactory()).get("/portal/")
    assert response.status_code == 403
    assert b"does not belong to an active partner" in response.content


def test_user_of_an_inactive_partner_gets_a_403_page(user_a, partner_a):
    partner_a.is_active = False
    partner_a.save()
    assert logged_in(user_a).get("/portal/").status_code == 403


def _foreign_requests(run, task):
    return [
        ("get", f"/portal/runs/{run.pk}/", {}),
        ("post", f"/portal/runs/{run.pk}/start/", {}),
        ("post", f"/portal/runs/{run.pk}/complete/", {"produced_quantity": "1"}),
        ("post", f"/portal/tasks/{task.pk}/start/", {}),
        ("post", f"/portal/tasks/{task.pk}/complete/", {}),
    ]


@pytest.mark.parametrize("index", range(5), ids=["detail", "run-start", "run-complete", "task-start", "task-complete"])
def test_partner_b_gets_404_for_partner_a_run_and_task_ids(portal_b, run_a, index):
    task = run_a.tasks.order_by("sequence").first()
    method, url, data = _foreign_requests(run_a, task)[index]
    activities = ProductionRunActivity.objects.count()

    response = getattr(portal_b, method)(url, data)

    assert response.status_code == 404
    run_a.refresh_from_db()
    task.refresh_from_db()
    assert (run_a.status, task.status) == ("sent_to_partner", "pending")
    assert ProductionRunActivity.objects.count() == activities


def test_a_run_not_yet_dispatched_is_404_even_for_its_partner(portal_a, partner_a):
    _, (child,) = services.run_create_allocated(
        design=DesignFactory(), quantity=2,
        assignments=[services.Assignment(partner_id=partner_a.pk, role="cutting", quantity=2)],
    )
    assert portal_a.get(f"/portal/runs/{child.pk}/").status_code == 404
    assert portal_a.post(f"/portal/runs/{child.pk}/start/").status_code == 404


def test_unknown_and_huge_ids_are_404(portal_a):
    assert portal_a.get("/portal/runs/999999/").status_code == 404
    assert portal_a.post(f"/portal/tasks/{10**30}/start/").status_code == 404


def test_a_run_that_is_not_theirs_is_a_404_page_in_the_hub_that_leads_back(portal_a, partner_a, staff):
    # A notification's link outlives the run's stay with the partner (declined, reassigned): the page says so,
    # with the hub's menu, rather than the browser's bare "Not Found".
    response = portal_a.get("/portal/runs/999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "no longer yours to see" in page and 'href="/portal/"' in page
    assert partner_a.name in page and 'href="/portal/notifications/"' in page  # the menu
    staff_page = logged_in(staff).get("/admin/production/nothing-here/")
    assert staff_page.status_code == 404 and 'href="/admin/"' in staff_page.content.decode()


@pytest.mark.parametrize("url", ["/portal/tasks/1/start/", "/portal/runs/1/complete/", "/portal/notifications/read/"])
def test_actions_refuse_get(portal_a, url):
    assert portal_a.get(url).status_code == 405


@pytest.mark.parametrize("url", ["/admin/", "/admin/production/productionrun/", "/admin/login/"])
def test_partner_users_cannot_enter_the_admin(user_a, url):
    response = logged_in(user_a).get(url)
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
