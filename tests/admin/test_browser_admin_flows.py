"""Three operations pages in a real Chromium, on a desktop and on a phone: cancelling a run (a reason is required),
confirming the templates of a waiting run (its role's category comes preselected), and placing a draft order."""


import pytest

from orders.services import order_create, order_place
from production import services
from production.models import ProductionRun
from tests.factories import CategoryFactory, ProductFactory
from tests.portal.browser import ARTIFACTS, admin_page

SIZES = pytest.mark.parametrize("size", ["desktop", "phone"])


def shot(page, name, size):
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}-{size}.png"), full_page=True)


def sideways(page) -> int:
    """How far the page scrolls sideways (0: it fits its viewport)."""
    return page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]


def assert_fits(page, locator, whole_page=True):
    """Reachable and whole: scrolled to, it is in the viewport and not wider than the screen; nor is the page."""
    from playwright.sync_api import expect

    locator.scroll_into_view_if_needed()
    expect(locator).to_be_in_viewport()
    box, width = locator.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    assert not whole_page or sideways(page) <= 0, sideways(page)


@pytest.mark.browser
@SIZES
def test_cancelling_a_run_needs_a_reason(live_server, staff, allocated, size):
    parent, children = allocated
    run_page = f"{live_server.url}/admin/production/productionrun/{parent.pk}/change/"
    with admin_page(live_server, staff, size) as (page, expect):
        page.goto(run_page)
        page.get_by_role("link", name="Cancel run…").click()
        expect(page).to_have_url(f"{live_server.url}/admin/production/productionrun/{parent.pk}/cancel/")
        expect(page.locator("#cancel-warning")).to_contain_text("child runs that are not finished are cancelled too")
        submit = page.locator("#run-form input[type=submit]")
        expect(page.get_by_label("Why is it cancelled?")).to_be_visible()
        assert_fits(page, page.locator("#run-form"))
        assert_fits(page, submit)
        # Final: the button reads as one (the admin's delete red, not the usual blue).
        assert submit.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(186, 33, 33)"
        shot(page, "run-cancel", size)

        submit.click()  # no reason
        expect(page.locator("[data-field=reason] .errorlist")).to_have_text("Say why the run is cancelled.")
        expect(page).to_have_url(f"{live_server.url}/admin/production/productionrun/{parent.pk}/cancel/")
        shot(page, "run-cancel-without-reason", size)
        other = page.context.new_page()
        other.goto(run_page)
        expect(other.locator(".run-actions strong").first).to_have_text("Approved")  # still as it was
        other.close()

        page.get_by_label("Why is it cancelled?").fill("Customer withdrew the order")
        submit.click()
        expect(page).to_have_url(run_page)
        expect(page.locator(".messagelist")).to_contain_text("cancelled, with its open children and tasks.")
        expect(page.locator(".run-actions strong").first).to_have_text("Cancelled")
        shot(page, "run-cancelled", size)

    assert set(ProductionRun.objects.filter(pk__in=[parent.pk, *(c.pk for c in children)])
               .values_list("status", flat=True)) == {"cancelled"}
    cancelled = parent.activities.filter(verb="cancelled")
    assert [(a.note, a.actor) for a in cancelled] == [("Customer withdrew the order", staff)]  # once, with the reason
    for child in children:
        assert child.activities.get(verb="cancelled").note == f"Parent run {parent.pk} cancelled. Customer withdrew the order"


@pytest.mark.browser
@SIZES
def test_confirming_templates_preselects_the_runs_role_and_creates_its_tasks(live_server, staff, allocated, size):
    _, children = allocated
    cutter, stitcher = [services.dispatch_start(run=child, actor=staff) for child in children]  # cutting, stitching
    cutting = CategoryFactory(name="Cutting", steps=2)
    stitching = CategoryFactory(name="Stitching", steps=1)
    with admin_page(live_server, staff, size) as (page, expect):
        page.goto(f"{live_server.url}/admin/production/productionrun/{cutter.pk}/change/")
        page.get_by_role("link", name="Confirm templates…").click()
        expect(page.locator(f"#run-{cutter.pk}")).to_be_checked()
        expect(page.locator(f"#run-{stitcher.pk}")).not_to_be_checked()
        category = page.get_by_label("Category")
        expect(category).to_have_value(str(cutting.pk))
        expect(category.locator("option:checked")).to_have_text("Cutting")
        submit = page.get_by_role("button", name="Confirm and send to partners")
        assert_fits(page, category)
        assert_fits(page, submit)
        shot(page, "confirm-templates", size)
        submit.click()
        expect(page.locator(".messagelist")).to_contain_text(f"Sent to partner: {cutter} (2 tasks)")
        expect(page.locator(f"#run-{cutter.pk}")).to_have_count(0)  # no longer waiting
        expect(page.locator(f"#run-{stitcher.pk}")).to_be_visible()
        shot(page, "confirm-templates-done", size)
        page.locator(f"#run-{stitcher.pk}").check()  # the next run ticked: its role's category comes with it
        expect(category).to_have_value(str(stitching.pk))
        page.locator(f"#run-{stitcher.pk}").uncheck()
        expect(category).to_have_value("")

    cutter.refresh_from_db()
    assert (cutter.status, cutter.dispatch_state) == ("sent_to_partner", "completed")
    assert list(cutter.tasks.order_by("id").values_list("title", flat=True)) == ["Cutting step 1", "Cutting step 2"]
    stitcher.refresh_from_db()
    assert (stitcher.dispatch_state, stitcher.tasks.count()) == ("awaiting_templates", 0)


@pytest.mark.browser
@SIZES
def test_placing_a_draft_order_from_its_page(live_server, staff, size):
    designed = ProductFactory(title="Linen shirt")
    draft = order_create(customer_email="buyer@shop.example", external_id="SHOP-7", items=[
        {"product": designed, "quantity": 3}, {"product": ProductFactory(title="Gift card", design=None), "quantity": 1},
    ])
    order_page = f"{live_server.url}/admin/orders/order/{draft.pk}/change/"
    with admin_page(live_server, staff, size) as (page, expect):
        page.goto(order_page)
        place = page.get_by_role("button", name="Place order")
        expect(place).to_be_visible()
        assert_fits(page, place)
        tool = page.locator(".object-tools a").first.bounding_box()  # "History", beside it
        assert place.bounding_box()["height"] >= (44 if size == "phone" else tool["height"])  # a button to tap
        shot(page, "order-draft", size)

        place.click()
        expect(page).to_have_url(order_page)
        expect(page.locator(".messagelist")).to_contain_text("placed: it has 1 production run for its designed lines.")
        expect(page.get_by_role("button", name="Place order")).to_have_count(0)
        expect(page.get_by_text(designed.design.name, exact=True)).to_be_visible()  # its run, listed on the order
        shot(page, "order-placed", size)

    draft.refresh_from_db()
    assert draft.status == "placed" and draft.placed_at is not None
    run = ProductionRun.objects.get(order=draft)
    assert (run.order_line_item.product_id, run.quantity, run.status) == (designed.pk, 3, "pending_review")


@pytest.mark.browser
def test_no_page_of_these_flows_scrolls_sideways(live_server, staff, allocated):
    parent, children = allocated
    services.dispatch_start(run=children[0], actor=staff)
    draft = order_create(customer_email="a@shop.example", items=[{"product": ProductFactory(), "quantity": 2}])
    placed = order_place(order=order_create(customer_email="b@shop.example",
                                            items=[{"product": ProductFactory(), "quantity": 2}]))
    pages = {"phone": {"run": f"production/productionrun/{parent.pk}/change/",
                       "confirm": "production/productionrun/confirm-templates/",
                       "placed order": f"orders/order/{placed.pk}/change/"},
             "desktop": {"draft order": f"orders/order/{draft.pk}/change/"}}
    too_wide = {}  # page: how many pixels it scrolls sideways
    for size, urls in pages.items():
        with admin_page(live_server, staff, size) as (page, _):
            for name, url in urls.items():
                page.goto(f"{live_server.url}/admin/{url}")
                if sideways(page) > 0:
                    too_wide[f"{name} ({size})"] = sideways(page)
    assert too_wide == {}, too_wide
