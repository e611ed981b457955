"""Every write in admin goes through the app's service: one test per write path, checking the service ran.

``spy`` wraps a service where the admin module looks it up, so a test fails if
the admin wrote the model itself, even when the row would look the same.
"""

from django.urls import reverse
import pytest

from designs import admin as designs_admin
from designs.models import DesignPartner
from designs.services import design_link_partner
from orders import admin as orders_admin
from orders.models import Order, OrderLineItem
from orders.services import order_create, order_place
from production import services
from tasks import admin as tasks_admin
from tasks.models import TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection
from tests.admin.conftest import messages_of
from tests.factories import CategoryFactory, DesignFactory, ProductFactory, TemplateFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spy(monkeypatch):
    def wrap(module, name) -> list[dict]:
        real, calls = getattr(module, name), []

        def recorded(*args, **kwargs):
            calls.append(kwargs)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)
        return calls

    return wrap


def _lines(*rows, initial: int = 0) -> dict:
    data = {"items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": str(initial), "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"items-{i}-{key}": value for key, value in row.items()})
    return data


# --- orders --------------------------------------------------------------------------------

def test_an_order_added_in_admin_is_made_by_order_create(staff_client, spy):
    calls = spy(orders_admin, "order_create")
    product = ProductFactory()
    response = staff_client.post(reverse("admin:orders_order_add"), {
        "customer_email": "new@shop.example", "external_id": "SHOP-9",
        **_lines({"product": product.pk, "variant": "", "quantity": "2", "title": "Shirt", "external_id": "L1"}),
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert [c["external_id"] for c in calls] == ["SHOP-9"]
    order = Order.objects.get()
    assert (order.status, list(order.items.values_list("quantity", "external_id"))) == ("draft", [(2, "L1")])


def test_a_draft_changed_in_admin_goes_through_order_update(staff_client, spy):
    calls = spy(orders_admin, "order_update")
    first, second = ProductFactory(), ProductFactory()
    order = order_create(customer_email="a@shop.example", items=[{"product": first, "quantity": 1}])
    line = order.items.get()
    response = staff_client.post(reverse("admin:orders_order_change", args=[order.pk]), {
        "customer_email": "b@shop.example", "external_id": "",
        **_lines({"id": line.pk, "order": order.pk, "product": first.pk, "quantity": "3", "DELETE": ""},
                 {"order": order.pk, "product": second.pk, "quantity": "4"}, initial=1),
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert len(calls) == 1
    order.refresh_from_db()
    assert order.customer_email == "b@shop.example"
    assert sorted(order.items.values_list("product_id", "quantity")) == [(first.pk, 3), (second.pk, 4)]


def test_a_line_with_another_products_variant_is_a_form_error(staff_client):
    product, other = ProductFactory(), VariantFactory()
    response = staff_client.post(reverse("admin:orders_order_add"), {
        "customer_email": "new@shop.example", "external_id": "",
        **_lines({"product": product.pk, "variant": other.pk, "quantity": "1"}),
    })
    assert response.status_code == 200
    assert "does not belong to product" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert not Order.objects.exists() and not OrderLineItem.objects.exists()


def test_a_placed_order_is_view_only_and_only_drafts_can_be_cancelled(
    staff_client, django_capture_on_commit_callbacks
):
    draft = order_create(customer_email="a@shop.example", items=[{"product": ProductFactory(), "quantity": 1}])
    placed = order_create(customer_email="b@shop.example", items=[{"product": ProductFactory(), "quantity": 1}])
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=placed)
    page = staff_client.get(reverse("admin:orders_order_change", args=[placed.pk]))
    assert not page.context["has_change_permission"]

    response = staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "cancel_orders", "_selected_action": [draft.pk, placed.pk]}, follow=True)
    draft.refresh_from_db()
    placed.refresh_from_db()
    assert (draft.status, placed.status) == ("cancelled", "placed")
    assert f"{placed} is placed; only a draft can be cancelled." in messages_of(response)


def test_standalone_line_items_are_read_only(staff_client):
    order = order_create(customer_email="a@shop.example", items=[{"product": ProductFactory(), "quantity": 1}])
    line = order.items.get()
    assert staff_client.get(reverse("admin:orders_orderlineitem_add")).status_code == 403
    page = staff_client.get(reverse("admin:orders_orderlineitem_change", args=[line.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]


# --- task templates and categories -------------------------------------------------------------

def test_templates_are_added_changed_listed_and_deleted_through_the_services(staff_client, spy):
    created, updated, deleted = (spy(tasks_admin, name) for name in
                                 ("template_create", "template_update", "template_delete"))
    category = CategoryFactory(name="Cutting")
    add = staff_client.post(reverse("admin:tasks_tasktemplate_add"), {
        "name": "Mark", "category": category.pk, "description": "", "sequence": "1", "is_active": "on"})
    assert add.status_code == 302 and len(created) == 1
    template = TaskTemplate.objects.get(name="Mark")

    change = staff_client.post(reverse("admin:tasks_tasktemplate_change", args=[template.pk]), {
        "name": "Mark out", "category": category.pk, "description": "Chalk", "sequence": "1", "is_active": "on"})
    assert change.status_code == 302 and updated[-1] == {"template": template, "name": "Mark out",
                                                         "description": "Chalk"}

    # The list's editable columns (sequence, is_active) save row by row through the same service.
    listed = staff_client.post(reverse("admin:tasks_tasktemplate_changelist"), {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": template.pk, "form-0-sequence": "7",
        "_save": "Save"})
    assert listed.status_code == 302 and updated[-1] == {"template": template, "sequence": 7, "is_active": False}
    template.refresh_from_db()
    assert (template.name, template.sequence, template.is_active) == ("Mark out", 7, False)

    staff_client.post(reverse("admin:tasks_tasktemplate_delete", args=[template.pk]), {"post": "yes"})
    assert len(deleted) == 1 and not TaskTemplate.objects.exists()


def test_a_duplicate_template_name_in_a_category_is_refused(staff_client):
    template = TemplateFactory(name="Mark")
    response = staff_client.post(reverse("admin:tasks_tasktemplate_add"), {
        "name": "Mark", "category": template.category_id, "description": "", "sequence": "2"})
    assert response.status_code == 200
    assert TaskTemplate.objects.filter(name="Mark").count() == 1


def test_categories_are_added_and_changed_through_the_services(staff_client, spy):
    created, updated = spy(tasks_admin, "category_create"), spy(tasks_admin, "category_update")
    inline = {"templates-TOTAL_FORMS": "0", "templates-INITIAL_FORMS": "0"}
    assert staff_client.post(reverse("admin:tasks_tasktemplatecategory_add"),
                             {"name": "Finishing", "description": "", **inline}).status_code == 302
    category = TaskTemplateCategory.objects.get(name="Finishing")
    assert staff_client.post(reverse("admin:tasks_tasktemplatecategory_change", args=[category.pk]),
                             {"name": "Finishing touches", "description": "Last", **inline}).status_code == 302
    assert (len(created), updated[-1]["name"]) == (1, "Finishing touches")


def test_a_tasks_wording_is_corrected_through_task_reword(staff_client, spy, allocated, staff):
    calls = spy(tasks_admin, "task_reword")
    _, (child, _) = allocated
    services.dispatch_start(run=child, actor=staff, selection=TemplateSelection(category_id=CategoryFactory(name="Cutting", steps=2).pk))
    task = child.tasks.order_by("sequence").first()
    response = staff_client.post(reverse("admin:tasks_task_change", args=[task.pk]),
                                 {"title": "Cut the linen", "description": "Grain line first"})
    assert response.status_code == 302 and len(calls) == 1
    task.refresh_from_db()
    assert (task.title, task.description, task.status) == ("Cut the linen", "Grain line first", "pending")


# --- design partner links -----------------------------------------------------------------------

def test_design_partner_links_are_made_and_removed_through_the_link_services(staff_client, spy, partner_a):
    linked, unlinked = spy(designs_admin, "design_link_partner"), spy(designs_admin, "design_unlink_partner")
    design = DesignFactory()
    link, _ = design_link_partner(design=design, partner=partner_a, role="cutting")
    form = {"name": design.name, "code": design.code, "status": design.status, "specs": "{}", "routing": "null",
            "partner_links-TOTAL_FORMS": "2", "partner_links-INITIAL_FORMS": "1",
            "partner_links-0-id": link.pk, "partner_links-0-design": design.pk,
            "partner_links-0-partner": partner_a.pk, "partner_links-0-role": "cutting", "partner_links-0-DELETE": "on",
            "partner_links-1-design": design.pk, "partner_links-1-partner": partner_a.pk,
            "partner_links-1-role": "stitching"}
    response = staff_client.post(reverse("admin:designs_design_change", args=[design.pk]), form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert (len(linked), len(unlinked)) == (1, 1)
    assert list(DesignPartner.objects.values_list("partner_id", "role")) == [(partner_a.pk, "stitching")]
