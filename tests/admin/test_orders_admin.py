"""Orders in admin: the "Place order" action and the order's production runs."""

from django.urls import reverse
import pytest

from orders.models import Order, OrderLineItem
from orders.services import order_create, order_place
from production.models import ProductionRun
from tests.admin.conftest import messages_of
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orders_order_changelist")


@pytest.fixture
def draft():
    """A draft order with a designed line (3) and a line whose product has no design."""
    return order_create(customer_email="buyer@shop.example", external_id="SHOP-1", items=[
        {"product": ProductFactory(), "quantity": 3},
        {"product": ProductFactory(design=None), "quantity": 1},
    ])


def _place(client, *orders):
    return client.post(CHANGELIST, {"action": "place_orders", "_selected_action": [o.pk for o in orders]}, follow=True)


def test_place_order_action_creates_runs_for_designed_lines(staff_client, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _place(staff_client, draft)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "placed" and draft.placed_at is not None
    run = ProductionRun.objects.get()
    assert (run.order_id, run.quantity, run.status, run.parent_run_id) == (draft.pk, 3, "pending_review", None)
    assert any(m.startswith(f"{draft} placed") for m in messages_of(response))


def test_placing_a_placed_order_again_changes_nothing(staff_client, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=draft)
        response = _place(staff_client, draft)
    # (The message counts runs before the test's captured on-commit callbacks run.)
    assert [m.split(":")[0] for m in messages_of(response)] == [f"{draft} placed"]
    assert ProductionRun.objects.filter(order=draft).count() == 1


def test_order_page_lists_its_production_runs(staff_client, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=draft)
    run = ProductionRun.objects.get(order=draft)
    page = staff_client.get(reverse("admin:orders_order_change", args=[draft.pk])).content.decode()
    assert reverse("admin:production_productionrun_change", args=[run.pk]) in page
    assert f"?order__id__exact={draft.pk}" in page


def test_order_status_is_read_only_and_lines_freeze_once_placed(
    staff_client, draft, django_capture_on_commit_callbacks
):
    response = staff_client.get(reverse("admin:orders_order_change", args=[draft.pk]))
    assert "status" not in response.context["adminform"].form.fields
    assert response.context["inline_admin_formsets"][0].has_change_permission
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=draft)
    placed = staff_client.get(reverse("admin:orders_order_change", args=[draft.pk]))
    assert not placed.context["inline_admin_formsets"][0].has_change_permission


def test_order_can_be_created_in_admin_as_a_draft_with_lines(staff_client):
    product = ProductFactory()
    response = staff_client.post(reverse("admin:orders_order_add"), {
        "customer_email": "new@shop.example", "external_id": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-product": product.pk, "items-0-variant": "", "items-0-quantity": "2", "items-0-title": "Shirt",
        "items-0-external_id": "",
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    order = Order.objects.get()
    assert order.status == "draft"
    assert list(OrderLineItem.objects.values_list("quantity", flat=True)) == [2]


def test_a_drafts_page_has_a_place_button_and_the_runs_show_their_design(staff_client, draft,
                                                                          django_capture_on_commit_callbacks):
    page = staff_client.get(reverse("admin:orders_order_change", args=[draft.pk])).content.decode()
    place_url = reverse("admin:orders_order_place", args=[draft.pk])
    assert f'action="{place_url}"' in page
    assert staff_client.get(place_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(place_url, follow=True)
    assert any(m.startswith(f"{draft} placed") for m in messages_of(response))
    draft.refresh_from_db()
    assert draft.status == "placed"
    assert "Place order</button>" not in response.content.decode()  # placed: no button any more
    run = ProductionRun.objects.get()  # made by the order-placed event, after the commit
    page = staff_client.get(reverse("admin:orders_order_change", args=[draft.pk])).content.decode()
    assert f"<td>{run.design.name}</td>" in page


def _variant_choices(client, **params):
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "orders", "model_name": "orderlineitem", "field_name": "variant", "term": "", **params})
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


def test_a_lines_variant_picker_offers_the_lines_product_variants_only(staff_client):
    jacket, shirt = ProductFactory(title="Jacket"), ProductFactory(title="Shirt")
    VariantFactory(product=jacket, sku="JKT-M"), VariantFactory(product=shirt, sku="SHT-M")
    assert _variant_choices(staff_client, product=str(jacket.pk)) == {"JKT-M – M"}
    assert len(_variant_choices(staff_client)) == 2  # no product chosen yet: every variant
    assert len(_variant_choices(staff_client, product="x")) == 2  # nonsense is ignored, not a 500
    page = staff_client.get(reverse("admin:orders_order_add")).content.decode()
    assert "orders/variant_of_product.js" in page


def test_an_order_is_never_deleted(staff_client, draft, django_capture_on_commit_callbacks):
    """A placed order without a designed line has no run to protect it: only its admin's rule keeps it (before, only
    its lines' view-only admin refused, by accident: an order without lines went). A draft is cancelled instead."""
    assert "delete_selected" not in dict(staff_client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert staff_client.get(reverse("admin:orders_order_delete", args=[draft.pk])).status_code == 403
    bare = order_create(customer_email="b@shop.example", items=[{"product": ProductFactory(design=None), "quantity": 1}])
    with django_capture_on_commit_callbacks(execute=True):
        order_place(order=bare)
    bare.items.all().delete()  # what an admin change would have made possible
    assert staff_client.get(reverse("admin:orders_order_delete", args=[bare.pk])).status_code == 403
    bulk = staff_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [bare.pk], "post": "yes"})
    assert bulk.status_code in (302, 403)  # the action is not offered; posted anyway, it deletes nothing
    assert Order.objects.filter(pk=bare.pk).exists()
