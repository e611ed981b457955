"""The cockpit in a real Chromium: staff read the dashboard on a desktop and a phone and open the late runs from it;
the partner sees the late badge in its hub on a phone."""

from datetime import date, timedelta

import pytest

from tests.dates.test_reports import finish, sent
from tests.factories import PASSWORD
from tests.portal.browser import ARTIFACTS, DESKTOP, PHONE, chromium_browser, login, require_chromium, watch_csp


@pytest.mark.browser
def test_dashboard_opens_the_late_runs(live_server, staff, partner_a, partner_b, user_a):
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    late, _ = sent(staff, partner_a, due=date.today() - timedelta(days=2))
    sent(staff, partner_b, due=date.today() + timedelta(days=1))
    done, _ = sent(staff, partner_b, quantity=2, due=date.today() - timedelta(days=1))
    finish(done, staff, 2)
    base = live_server.url
    with chromium_browser() as chromium:  # no ORM calls in here: Playwright runs an event loop
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=DESKTOP).new_page()
        refused = watch_csp(page)
        page.goto(f"{base}/admin/login/")
        page.fill("input[name=username]", staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        dashboard = page.locator("#dashboard")
        expect(dashboard.locator("[data-count=late]")).to_have_text("1")
        expect(dashboard.locator("[data-count=due_soon]")).to_have_text("1")
        expect(dashboard.locator(".week").last).to_contain_text("100% late")
        on_time = dashboard.locator(f"tr[data-partner='{partner_b.name}'] .rate").first
        expect(on_time).to_have_attribute("aria-label", "0% on time")  # its one completed run finished late
        bar = dashboard.locator("tr[data-status=sent_to_partner] .hbar")
        assert bar.bounding_box()["width"] > 150  # drawn, not collapsed
        page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)
        dashboard.locator(".count-late a").click()
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list")).to_contain_text(f"{late.pk}")
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{base}/admin/production/productionrun/")
        created = page.locator("#result_list th.column-created_at").bounding_box()
        visible = page.locator("#changelist .results").bounding_box()  # the list scrolls inside this box
        assert created["x"] + created["width"] <= visible["x"] + visible["width"], (created, visible)
        page.screenshot(path=str(ARTIFACTS / "admin-run-list-1366.png"))
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/admin/")
        expect(page.locator("#dashboard [data-count=late]")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "admin-dashboard-phone.png"), full_page=True)
        page.locator("#dashboard").screenshot(path=str(ARTIFACTS / "admin-dashboard-phone-charts.png"))

        phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        portal = phone.new_page()
        refused += watch_csp(portal)
        login(portal, base, user_a.email)
        expect(portal.locator(f"li[data-run='{late.pk}'] .badge.late")).to_have_text("Late")
        portal.screenshot(path=str(ARTIFACTS / "portal-hub-late-phone.png"), full_page=True)
        portal.get_by_role("link", name="Designs").click()
        status = portal.locator("#designs td[data-label=Status]").first
        expect(status).to_have_text("Approved")
        box = status.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], box  # the whole status reads on a phone, not "Commer…"
        portal.screenshot(path=str(ARTIFACTS / "portal-designs-phone.png"), full_page=True)
        assert refused == [], refused
