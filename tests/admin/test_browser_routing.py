"""A design's routing set up in a real Chromium, on a desktop and a phone: partners found by typing their
name, a second stage, a template category; the design page then reads it back in words."""

import pytest

from designs.models import Design
from tests.admin.test_browser_admin_flows import SIZES, shot, sideways
from tests.factories import CategoryFactory, DesignFactory
from tests.portal.browser import admin_page, pick


@pytest.mark.browser
@SIZES
def test_setting_up_a_routing_by_name(live_server, staff, partner_a, partner_b, size):
    design = DesignFactory(name="Linen shirt", routing=None)
    cutting = CategoryFactory(name="Cutting", steps=2)
    path = f"/admin/designs/design/{design.pk}/change/"
    with admin_page(live_server, staff, size, next_path=path) as (page, expect):
        page.locator("#edit-routing").click()
        expect(page.locator("h1")).to_have_text("Routing of Linen shirt")
        rows = page.locator("#routing-form tbody tr")
        expect(rows).to_have_count(2)
        # The partner picker's box is named by its row for a screen reader, not by what it shows alone.
        expect(page.get_by_role("combobox", name="Partner, row 2", exact=False)).to_have_count(1)
        pick(page, rows.nth(0).locator("select[name$=-partner]"), partner_a.name)
        rows.nth(0).locator("input[name$=-role]").fill("cutting")
        rows.nth(0).locator("input[name$=-rate]").fill("2.50")
        pick(page, rows.nth(1).locator("select[name$=-partner]"), partner_b.name)
        rows.nth(1).locator("input[name$=-role]").fill("stitching")
        rows.nth(1).locator("input[name$=-stage]").fill("2")
        page.select_option("select[name=templates-category]", label="Cutting")
        assert sideways(page) <= 0, sideways(page)  # the rows scroll inside their box, not the page
        shot(page, "routing-edit", size)
        page.locator("input[type=submit][value='Save routing']").click()
        expect(page.locator(".messagelist")).to_contain_text("The routing of Linen shirt is saved.")
        words = page.locator("#routing-in-words")
        expect(words).to_contain_text(f"{partner_a.name}")
        expect(words).to_contain_text("Templates: Every template of “Cutting”.")
        shot(page, "routing-in-words", size)
    assert Design.objects.get(pk=design.pk).routing == {
        "assignments": [
            {"partner": partner_a.pk, "role": "cutting", "share": 1, "stage": 1, "rate": "2.50",
             "rate_type": "per_unit"},
            {"partner": partner_b.pk, "role": "stitching", "share": 1, "stage": 2}],
        "template_category": cutting.pk}
