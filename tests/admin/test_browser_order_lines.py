"""An order line's variant picker in a real Chromium: once the line's product is chosen, only its variants."""

import pytest

from tests.factories import PASSWORD, ProductFactory, VariantFactory
from tests.portal.browser import ARTIFACTS, DESKTOP, chromium_browser, pick, require_chromium, watch_csp


@pytest.mark.browser
def test_the_variant_picker_follows_the_lines_product(live_server, staff):
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    jacket, shirt = ProductFactory(title="Denim jacket"), ProductFactory(title="Linen shirt")
    for product, prefix in ((jacket, "JKT"), (shirt, "SHT")):
        for size in ("S", "M"):
            VariantFactory(product=product, sku=f"{prefix}-{size}", title=size)
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=DESKTOP).new_page()
        refused = watch_csp(page)
        page.goto(f"{live_server.url}/admin/login/?next=/admin/orders/order/add/")
        page.fill("input[name=username]", staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        line = page.locator("tr.form-row").first
        pick(page, line.locator("select[name$=-product]"), "Linen shirt")
        line.locator("td.field-variant .select2-selection").click()
        options = page.locator(".select2-results__option")
        expect(options).to_have_count(2)
        expect(options.first).to_contain_text("SHT-")
        expect(page.locator(".select2-results")).not_to_contain_text("JKT-")
        page.screenshot(path=str(ARTIFACTS / "admin-order-line-variants.png"))
    assert refused == []
