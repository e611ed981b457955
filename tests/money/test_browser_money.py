"""Money in a real Chromium: staff approve and pay from the Payables list (owed per partner drawn as bars), on a
desktop and a phone; the partner reads what it is owed on its Payments page on a phone."""

import pytest

from production import services
from production.models import Payable
from tests.factories import DesignFactory
from tests.money.test_money_pages import _completed
from tests.portal.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    chromium_browser,
    login,
    require_chromium,
    staff_login,
    watch_csp,
)


@pytest.mark.browser
def test_staff_pay_and_the_partner_sees_it(live_server, staff, partner_a, partner_b, user_a):
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    _completed(staff, partner_a, quantity=4, rate="2.50")  # 10.00
    _completed(staff, partner_b, quantity=5, rate="3.00", produced=4)  # 12.00
    pending = services.run_create(design=DesignFactory(name="Linen shirt"), quantity=6, actor=staff)
    base = live_server.url
    with chromium_browser() as chromium:  # no ORM calls in here: Playwright runs an event loop
        from playwright.sync_api import expect

        desktop = chromium.new_context(viewport=DESKTOP)
        page = desktop.new_page()
        refused = watch_csp(page)
        staff_login(page, base, staff)
        page.goto(f"{base}/admin/production/productionrun/{pending.pk}/allocate/")
        expect(page.get_by_text("Rate (EUR)").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "admin-allocate-rates.png"), full_page=True)
        page.goto(f"{base}/admin/")
        expect(page.locator("#payables-waiting")).to_contain_text("2 to approve · 0 to pay")
        page.goto(f"{base}/admin/production/payable/")
        owed = page.locator("#partner-totals")
        expect(owed.locator("tr[data-partner='Atelier A'] td[data-status=open]")).to_have_text("10.00")
        expect(owed.locator("tr[data-partner='Bottega B'] td[data-status=open]")).to_have_text("12.00")
        bar = owed.locator("tr[data-partner='Bottega B'] .bar")
        assert bar.bounding_box()["width"] > 100  # drawn, not collapsed
        page.screenshot(path=str(ARTIFACTS / "admin-payables.png"), full_page=True)

        page.locator("#action-toggle").check()
        page.select_option("select[name=action]", "approve_selected")
        page.get_by_role("button", name="Go").click()
        expect(page.locator(".messagelist")).to_contain_text("Approved 2 payables")
        page.locator("tr", has_text="Atelier A").locator("input.action-select").check()
        page.select_option("select[name=action]", "pay_selected")
        page.get_by_role("button", name="Go").click()
        expect(page.locator("#content-main")).to_contain_text("10.00 EUR")
        page.fill("input[name=reference]", "SEPA-77")
        page.get_by_role("button", name="Mark paid").click()
        expect(page.locator(".messagelist")).to_contain_text("Marked paid")
        expect(owed.locator("tr[data-partner='Atelier A'] td[data-status=paid]")).to_have_text("10.00")
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/admin/production/productionrun/{pending.pk}/allocate/")
        page.screenshot(path=str(ARTIFACTS / "admin-allocate-rates-phone.png"), full_page=True)
        page.goto(f"{base}/admin/production/payable/")
        expect(page.locator("#partner-totals")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "admin-payables-phone.png"), full_page=True)

        phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        portal = phone.new_page()
        refused += watch_csp(portal)
        login(portal, base, user_a.email)
        portal.get_by_role("link", name="Payments").click()
        expect(portal.locator("#payment-totals [data-status=paid]")).to_contain_text("10.00 EUR")
        expect(portal.locator("#payables tbody tr")).to_have_count(1)
        expect(portal.locator("#payables")).to_contain_text("SEPA-77")
        assert "12.00" not in portal.locator("main").inner_text()  # never another partner's
        portal.screenshot(path=str(ARTIFACTS / "portal-payments-phone.png"), full_page=True)
        assert refused == [], refused

    assert set(Payable.objects.values_list("partner__name", "status", "reference")) == {
        ("Atelier A", "paid", "SEPA-77"), ("Bottega B", "approved", "")}
