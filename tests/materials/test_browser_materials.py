"""Materials in a real Chromium: the partner logs fabric on a phone and sees it against plan; staff read the cost
per good piece on the run page and each workshop's use against plan on the report, on a desktop and a phone."""

from decimal import Decimal

import pytest

from designs.materials import bill_line, design_set_bill_of_materials, material_create
from production import services
from tasks.selectors import TemplateSelection
from tests.factories import PASSWORD, CategoryFactory, DesignFactory
from tests.portal.browser import ARTIFACTS, DESKTOP, PHONE, chromium_browser, login, require_chromium, watch_csp


@pytest.mark.browser
def test_fabric_logged_on_a_phone_and_read_against_plan(live_server, staff, partner_a, user_a):
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    wool = material_create(name="Wool melton", unit="m", unit_cost=Decimal("12.00"))
    coat = DesignFactory(name="Wool coat")
    design_set_bill_of_materials(design=coat, lines=[bill_line(material=wool, quantity_per_piece="2.5", role="cutting")])
    _, (run,) = services.run_create_allocated(design=coat, quantity=10, actor=staff, assignments=[
        services.Assignment(partner_id=partner_a.pk, quantity=10, role="cutting", rate=Decimal("1.50"))])
    run = services.dispatch_start(run=run, actor=staff, selection=TemplateSelection(
        category_id=CategoryFactory(steps=1).pk))
    services.run_start(run=run, actor=staff)
    base = live_server.url
    with chromium_browser() as chromium:  # no ORM calls in here: Playwright runs an event loop
        from playwright.sync_api import expect

        phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        portal = phone.new_page()
        refused = watch_csp(portal)
        login(portal, base, user_a.email)
        portal.goto(f"{base}/portal/runs/{run.pk}/")
        card = portal.locator("#materials")
        expect(card.locator("tr[data-material='Wool melton']")).to_contain_text("25 m")
        portal.fill("#log-material input[name=quantity]", "28.5")
        portal.get_by_label("Wasted").check()
        portal.fill("#log-material input[name=notes]", "Flaw in roll 2")
        portal.get_by_role("button", name="Log use").click()
        # More than the run's whole plan in one entry: asked again, what was typed kept.
        expect(portal.locator("#log-material")).to_contain_text("more than this run's whole plan of Wool melton")
        expect(portal.locator("#log-material input[name=quantity]")).to_have_value("28.5")
        portal.get_by_label("Yes, log this much").check()
        portal.get_by_role("button", name="Log use").click()
        expect(portal.locator(".messages")).to_contain_text("Logged 28.5 m of Wool melton (wasted).")
        expect(card.locator(".plan-bar.over")).to_have_attribute("aria-label", "114% of plan used")
        assert card.locator(".plan-bar").bounding_box()["width"] > 100  # drawn across the card on a phone
        portal.screenshot(path=str(ARTIFACTS / "portal-materials-phone.png"), full_page=True)
        assert refused == [], refused

    services.task_complete(task=run.tasks.get(), actor=staff)
    services.run_complete(run=run, actor=staff, produced_quantity=9, rejected_quantity=1,
                          rejection_reason="fabric_flaw")
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=DESKTOP).new_page()
        refused = watch_csp(page)
        page.goto(f"{base}/admin/login/")
        page.fill("input[name=username]", staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/production/productionrun/{run.pk}/change/")
        # 9 good at 1.50 = 13.50, 28.5 m at 12.00 = 342.00: 355.50 / 9 = 39.50 a coat.
        expect(page.locator("[data-cost=per-piece]")).to_have_text("39.50")
        expect(page.locator("#run-materials")).to_contain_text("Over plan")
        page.screenshot(path=str(ARTIFACTS / "admin-run-cost.png"), full_page=True)
        page.goto(f"{base}/admin/")
        page.get_by_role("link", name="Materials against plan").first.click()
        row = page.locator("#per-partner tr[data-partner='Atelier A'][data-material='Wool melton']")
        expect(row.locator(".plan-bar.over")).to_be_visible()
        expect(page.locator("#report-rows")).to_contain_text("Over plan")
        page.screenshot(path=str(ARTIFACTS / "admin-materials-report.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.reload()
        expect(row.locator(".plan-bar.over")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "admin-materials-report-phone.png"), full_page=True)
        assert refused == [], refused
