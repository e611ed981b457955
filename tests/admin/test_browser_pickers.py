"""Pickers that search as staff type, in a real Chromium: an order line's variant picker offers only the
line's product's variants; the run list's partner filter reloads the list filtered by the partner picked."""

import re

import pytest

from tests.factories import ProductFactory, VariantFactory
from tests.portal.browser import ARTIFACTS, admin_page, pick


@pytest.mark.browser
def test_the_variant_picker_follows_the_lines_product(live_server, staff):
    jacket, shirt = ProductFactory(title="Denim jacket"), ProductFactory(title="Linen shirt")
    for product, prefix in ((jacket, "JKT"), (shirt, "SHT")):
        for size in ("S", "M"):
            VariantFactory(product=product, sku=f"{prefix}-{size}", title=size)
    with admin_page(live_server, staff, next_path="/admin/orders/order/add/") as (page, expect):
        line = page.locator("tr.form-row").first
        pick(page, line.locator("select[name$=-product]"), "Linen shirt")
        line.locator("td.field-variant .select2-selection").click()
        options = page.locator(".select2-results__option")
        expect(options).to_have_count(2)
        expect(options.first).to_contain_text("SHT-")
        expect(page.locator(".select2-results")).not_to_contain_text("JKT-")
        page.screenshot(path=str(ARTIFACTS / "admin-order-line-variants.png"))


@pytest.mark.browser
def test_the_run_list_filters_by_a_partner_found_by_typing(live_server, staff, allocated, partner_a):
    _, (child_a, child_b) = allocated
    with admin_page(live_server, staff, next_path="/admin/production/productionrun/") as (page, expect):
        expect(page.locator("#result_list tbody tr")).to_have_count(3)  # the parent and its two children
        pick(page, page.locator("#filter-partner"), partner_a.name)
        expect(page).to_have_url(re.compile(rf"partner__id__exact={partner_a.pk}"))
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list")).to_contain_text(f"{child_a.pk}")
        page.screenshot(path=str(ARTIFACTS / "admin-run-list-partner-filter.png"))
        page.locator("#filter-partner + .select2 .select2-selection__clear").click()  # back to every partner
        expect(page.locator("#result_list tbody tr")).to_have_count(3)
