"""The partner hub in a real Chromium (Playwright), against a live server.

One scenario end to end: staff allocate a design to partners A (cutting) and B
(stitching) and dispatch both; B finishes through the services; A logs in in
the browser, works through its run, and the parent run completes with the sums.
"""

import re

import pytest

from production import services
from production.models import RunStatus
from tasks.selectors import TemplateSelection
from tests.factories import PASSWORD, CategoryFactory, DesignFactory, DispatchedRunFactory
from tests.portal.browser import ARTIFACTS, DESKTOP, PHONE, chromium_browser, login, require_chromium, watch_csp


def _arrange(partner_a, partner_b, user_b):
    """Parent of 5 split A cutting 3 / B stitching 2, both dispatched; B's child finished."""
    design = DesignFactory(name="Linen overshirt", specs={"fabric": "washed linen", "sizes": ["S", "M"]})
    parent, children = services.run_create_allocated(design=design, quantity=5, assignments=[
        services.Assignment(partner_id=partner_a.pk, role="cutting", quantity=3),
        services.Assignment(partner_id=partner_b.pk, role="stitching", quantity=2),
    ])
    run_a, run_b = children
    services.dispatch_start(run=run_a, selection=TemplateSelection(category_id=CategoryFactory(steps=2).pk))
    services.dispatch_start(run=run_b, selection=TemplateSelection(category_id=CategoryFactory(steps=1).pk))
    for task in run_b.tasks.all():
        services.task_complete(task=task, actor=user_b)
    services.run_complete(run=run_b, actor=user_b, produced_quantity=2)
    return parent, run_a, run_b


@pytest.mark.browser
def test_partner_works_through_a_run_in_the_browser(live_server, partner_a, partner_b, user_a, user_b):
    require_chromium()
    parent, run_a, run_b = _arrange(partner_a, partner_b, user_b)
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as chromium:
        _work_through_run_a(chromium, live_server.url, user_a.email, run_a, run_b)

    run_a.refresh_from_db()
    parent.refresh_from_db()
    assert (run_a.status, run_a.produced_quantity, run_a.rejected_quantity) == ("completed", 2, 1)
    assert parent.status == RunStatus.COMPLETED
    assert (parent.produced_quantity, parent.rejected_quantity) == (4, 1)


@pytest.mark.browser
def test_logging_in_shows_that_it_is_under_way(live_server, user_a):
    require_chromium()
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=PHONE).new_page()
        held = []  # the log-in request, held back so the page can be seen while it waits
        page.route("**/portal/login/", lambda route: held.append(route) if route.request.method == "POST"
                   else route.continue_())
        page.goto(f"{live_server.url}/portal/login/")
        page.fill("input[name=username]", user_a.email)
        page.fill("input[name=password]", PASSWORD)
        button = page.locator("form.stacked button[type=submit]")
        expect(button).to_have_text("Log in", use_inner_text=True)
        button.click()
        expect(button).to_be_disabled()
        expect(button).to_have_text("Logging in…", use_inner_text=True)
        assert len(held) == 1  # pressed once, sent once
        held[0].continue_()
        page.wait_for_url(f"{live_server.url}/portal/")
        expect(page.get_by_role("heading", name="Production runs")).to_be_visible()


def _work_through_run_a(chromium, base_url, email, run_a, run_b):
    from playwright.sync_api import expect

    # Phone first: the hub and the run page must be usable on a small screen.
    phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    refused = watch_csp(page)
    login(page, base_url, email)
    expect(page.get_by_role("heading", name="Production runs")).to_be_visible()
    runs = page.locator("#runs > li")
    expect(runs).to_have_count(1)
    expect(runs.first).to_contain_text(f"Run #{run_a.pk} · Linen overshirt")
    expect(runs.first).to_contain_text("cutting")
    expect(page.locator("main")).not_to_contain_text(f"Run #{run_b.pk}")
    expect(page.locator("main")).not_to_contain_text("stitching")
    page.screenshot(path=str(ARTIFACTS / "portal-hub-phone.png"), full_page=True)

    # The whole card opens the run, not only its 19 px link: a tap on its far corner.
    card = runs.first.bounding_box()
    page.touchscreen.tap(card["x"] + card["width"] - 8, card["y"] + card["height"] - 8)
    page.wait_for_url(f"**/portal/runs/{run_a.pk}/")
    expect(page.locator("#run-status")).to_contain_text("Sent")
    expect(page.locator("main")).to_contain_text("washed linen")

    tasks = page.locator("li.task")
    expect(tasks).to_have_count(2)
    # htmx (served from our static files) swaps the page in place: a value set on window survives the action.
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__stillHere = true")
    tasks.nth(0).get_by_role("button", name=re.compile("^Start")).click()
    expect(page.locator(".messages")).to_contain_text("started")
    expect(page.locator("#run-status")).to_contain_text("In progress")
    assert page.evaluate("window.__stillHere === true"), "the action reloaded the whole page"
    for i in range(2):
        page.locator("li.task").nth(i).get_by_role("button", name=re.compile("^Complete")).click()
        expect(page.locator(".messages")).to_contain_text("completed")
    expect(page.locator("#progress-text")).to_have_text("2 / 2 tasks done")
    page.screenshot(path=str(ARTIFACTS / "portal-run-phone.png"), full_page=True)

    form = page.locator("#complete-run")
    # A form error (400) is shown in place too: bypass the browser's own min=0 check to reach the server's.
    form.get_by_label("Good pieces").evaluate("el => el.removeAttribute('min')")
    form.get_by_label("Good pieces").fill("-1")
    form.get_by_role("button", name="Complete run").click()
    expect(page.locator("#complete-run")).to_contain_text("Good pieces cannot be below 0.")
    form = page.locator("#complete-run")
    # The page comes back on the field with the error, not at the top: on a phone the form is in view.
    expect(form.get_by_label("Good pieces")).to_be_focused()
    expect(form.get_by_label("Good pieces")).to_be_in_viewport()
    form.get_by_label("Good pieces").fill("2")
    form.get_by_label("Rejected pieces").fill("1")
    form.get_by_label("Notes").fill("One panel mis-cut")
    form.get_by_role("button", name="Complete run").click()
    expect(page.locator(".messages")).to_contain_text("Run completed.")
    expect(page.locator("#run-status [data-status]")).to_have_attribute("data-status", "completed")
    expect(page.locator("#run-status")).to_contain_text("Completed")
    assert refused == [], refused  # nothing blocked by the Content-Security-Policy
    phone.close()

    # Desktop: the hub screenshot kept as the CI artifact.
    desktop = chromium.new_context(viewport=DESKTOP)
    page = desktop.new_page()
    refused = watch_csp(page)
    login(page, base_url, email)
    expect(page.locator("#runs > li").first).to_contain_text("Completed")
    page.screenshot(path=str(ARTIFACTS / "portal-hub.png"), full_page=True)
    assert refused == [], refused  # nothing blocked by the Content-Security-Policy
    desktop.close()


@pytest.mark.browser
def test_back_after_logging_out_shows_nothing_of_the_partners(live_server, partner_a, user_a, staff):
    """On a shared workshop phone, Back after "Log out" showed the Payments page again, amounts and all: htmx kept
    boosted pages in the tab's storage, and the browser its own copy."""
    require_chromium()
    from production.models import Payable

    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    Payable.objects.create(run=run, partner=partner_a, kind="completion", currency="EUR", amount="230.40",
                           rate="7.68", rate_type="per_unit", units=30)
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=PHONE).new_page()
        login(page, live_server.url, user_a.email)
        page.get_by_role("link", name="Payments").click()
        expect(page.locator("main")).to_contain_text("230.40")
        with page.expect_navigation():
            page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        page.go_back()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("230.40")
        assert page.evaluate("localStorage.getItem('htmx-history-cache')") in (None, "[]")
