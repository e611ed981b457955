"""Every registered model has a working admin: list, add (or a clean refusal) and change pages."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
import pytest

from orders.services import order_create, order_place
from partners.services import partner_notify
from production import services
from production.models import ProductionPolicy, ProductionRun
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def everything(staff, allocated, partner_a, django_capture_on_commit_callbacks):
    """At least one row of every model, so list and change pages render real rows."""
    _, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(name="Cutting", steps=2).pk))
    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=order_create(customer_email="c@example.com", items=[{"product": product, "quantity": 2}]))
    partner_notify(partner=partner_a, key="hello", title="Hello", body="A first message.")
    ProductionPolicy.load()


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_changelist_add_and_change_pages_load(staff_client, staff, everything, model, model_admin):
    info = model._meta.app_label, model._meta.model_name

    changelist = staff_client.get(reverse("admin:{}_{}_changelist".format(*info)), follow=True)
    assert changelist.status_code == 200

    request = RequestFactory().get("/")
    request.user = staff
    add = staff_client.get(reverse("admin:{}_{}_add".format(*info)))
    # Models whose rows are born in services (tasks, activities, the policy row) refuse the add page.
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)

    first = model._default_manager.order_by("pk").first()
    if first is not None:
        assert staff_client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk])).status_code == 200


def test_admin_index_links_the_daily_operations(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "Review queue" in page
    assert reverse("admin:production_productionrun_confirm_templates") in page


def test_run_search_by_id_design_partner_and_order_does_not_fail_on_words(staff_client, allocated, partner_a):
    parent, (child_a, _) = allocated
    url = reverse("admin:production_productionrun_changelist")
    by_partner = staff_client.get(url, {"q": partner_a.name})
    assert [r.pk for r in by_partner.context["cl"].result_list] == [child_a.pk]
    by_id = staff_client.get(url, {"q": str(parent.pk)})
    assert parent.pk in [r.pk for r in by_id.context["cl"].result_list]
    assert staff_client.get(url, {"q": "LS-1"}).context["cl"].result_count == 3
    assert staff_client.get(url, {"q": "no such thing"}).status_code == 200


def test_root_filter_separates_roots_from_children(staff_client, allocated):
    parent, children = allocated
    url = reverse("admin:production_productionrun_changelist")
    roots = staff_client.get(url, {"root": "yes"}).context["cl"].result_list
    kids = staff_client.get(url, {"root": "no"}).context["cl"].result_list
    assert [r.pk for r in roots] == [parent.pk]
    assert sorted(r.pk for r in kids) == sorted(c.pk for c in children)


def _runs(staff, n):
    design = ProductFactory().design
    for _ in range(n):
        services.run_create(design=design, quantity=2, actor=staff)


def test_run_changelist_queries_do_not_grow_with_rows(staff_client, staff, allocated, django_assert_num_queries):
    url = reverse("admin:production_productionrun_changelist")
    staff_client.get(url)  # warm the session and content types
    # session, user, partner membership (keeps partners out of admin), count (filtered), count (total), the page
    # of runs with design/partner/order joined, date hierarchy bounds, date hierarchy days. The partner and design
    # filters search as staff type: no query for their choices (tests/admin/test_bounded_pages.py).
    with django_assert_num_queries(8):
        staff_client.get(url)
    _runs(staff, 7)
    with django_assert_num_queries(8):
        response = staff_client.get(url)
    assert response.context["cl"].result_count == ProductionRun.objects.count() == 10


def test_task_wording_is_editable_but_not_its_status(staff_client, staff, allocated):
    _, (child_a, _) = allocated
    services.dispatch_start(run=child_a, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(name="Cutting", steps=2).pk))
    task = child_a.tasks.order_by("sequence").first()
    url = reverse("admin:tasks_task_change", args=[task.pk])
    response = staff_client.post(url, {"title": "Cut carefully", "description": "Mind the grain",
                                       "status": "completed"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.description, task.status) == ("Cut carefully", "Mind the grain", "pending")


def test_the_home_lists_daily_work_before_the_system_tables(staff_client):
    apps = [app["name"] for app in staff_client.get("/admin/").context["app_list"]]
    assert apps[:5] == ["Production", "Orders", "Designs", "Partners", "Tasks"]
    assert apps[5:] and all(name.startswith("System: ") for name in apps[5:])
    assert "Production hub · operations" in staff_client.get("/admin/").content.decode()


def test_queues_have_their_own_titles_and_a_dispatch_under_way_reads_in_words(staff_client, staff, allocated):
    from production.services import dispatch_start

    _, children = allocated
    dispatch_start(run=children[0], actor=staff)  # waits for its templates
    review = staff_client.get("/admin/production/productionrun/?status__exact=pending_review")
    assert "Review queue: runs waiting for review" in review.content.decode()
    listing = staff_client.get("/admin/production/productionrun/").content.decode()
    assert "<h1>Production runs</h1>" in listing and "Select production run to change" not in listing
    rows = listing.split("<tbody>")[1].split("</tbody>")[0]
    assert "Approved · waiting for templates" in rows and "awaiting_templates" not in rows


def test_the_admin_leads_staff_nowhere_they_would_be_refused(staff_client):
    # The site beside the admin is the partners' portal, which refuses staff: no "View site" link to it, and
    # logging out of the admin ends on the admin's own page, whose link is the admin's login.
    assert "View site" not in staff_client.get("/admin/").content.decode()
    response = staff_client.post("/admin/logout/")
    assert response.status_code == 200 and 'href="/admin/"' in response.content.decode()
    assert staff_client.get("/admin/").status_code == 302  # logged out


def test_the_activity_log_names_statuses_as_people_read_them(staff_client, allocated):
    page = staff_client.get("/admin/production/productionrunactivity/").content.decode()
    assert "<td class=\"field-to_label\">Pending review</td>" in page
    assert ">pending_review<" not in page and ">approved<" not in page
    filtered = staff_client.get("/admin/production/productionrunactivity/", {"to_status": "approved"})
    rows = filtered.context["cl"].result_list
    assert rows and {row.to_status for row in rows} == {"approved"}
    assert ">Awaiting reassignment</a>" in filtered.content.decode()  # the filter's choices, by label


def test_dates_read_one_way_in_fields_lists_and_pages():
    from datetime import datetime

    from django.utils import formats

    moment = datetime(2026, 12, 7, 20, 44)
    assert {formats.date_format(moment, name) for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT")} == {
        "7 Dec 2026, 20:44"}
    assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "7 Dec 2026"


def test_a_runs_provenance_reads_as_words_with_the_json_folded_below(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_place(order=order_create(customer_email="c@example.com", external_id="SHOP-7", items=[
            {"product": ProductFactory(), "quantity": 2, "external_id": "LINE-1"}]))
    run = ProductionRun.objects.get(order=order)
    page = staff_client.get(reverse("admin:production_productionrun_change", args=[run.pk])).content.decode()
    assert "from: a placed order<br>order&#x27;s external id: SHOP-7<br>line&#x27;s external id: LINE-1" in page
    assert "Metadata as stored" in page


def test_history_opens_the_timeline_the_services_write(staff_client, allocated):
    parent, _ = allocated
    history = staff_client.get(reverse("admin:production_productionrun_history", args=[parent.pk]))
    change = reverse("admin:production_productionrun_change", args=[parent.pk])
    assert (history.status_code, history["Location"]) == (302, f"{change}#run-timeline")
    design = reverse("admin:designs_design_history", args=[parent.design_id])
    assert staff_client.get(design)["Location"].endswith(f"/{parent.design_id}/change/#design-history")
    assert 'id="run-timeline"' in staff_client.get(change).content.decode()


def test_an_activity_entry_reads_in_words(staff_client, staff):
    from production.models import ProductionRunActivity
    from tests.factories import DispatchedRunFactory

    run = DispatchedRunFactory(actor=staff)
    entry = run.activities.exclude(data={}).order_by("id").first() or run.activities.order_by("id").last()
    entry.data = {"children": [2, 3], "cancelled_tasks": 1, "before": {"rate": None, "rate_type": "per_unit"}}
    entry.save()
    entry = ProductionRunActivity.objects.get(pk=entry.pk)
    page = staff_client.get(f"/admin/production/productionrunactivity/{entry.pk}/change/").content.decode()
    for part in ("children: 2, 3", "cancelled tasks: 1", "before: rate none, rate type per unit"):
        assert part in page, part  # (PostgreSQL keeps a JSON object's keys in its own order)
    assert "{" not in page[page.index("field-details"):page.index("field-details") + 300]
    assert "_" not in str(entry) and "->" not in str(entry)
    assert str(ProductionRunActivity(verb="approved", from_status="pending_review", to_status="approved")) == (
        "Approved: pending review → approved")
