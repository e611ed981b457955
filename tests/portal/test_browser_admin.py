"""Staff pages in a real Chromium under the Content-Security-Policy: the allocate page's running total, the
run list, the API docs. Nothing may be refused by the policy (a script inline, a resource from elsewhere)."""

import re

import pytest

from production import services
from tests.factories import PASSWORD, DesignFactory
from tests.portal.browser import ARTIFACTS, DESKTOP, chromium_browser, pick, require_chromium, watch_csp


@pytest.mark.browser
def test_admin_pages_and_api_docs_run_under_the_content_security_policy(live_server, staff, partner_a):
    require_chromium()
    run = services.run_create(design=DesignFactory(name="Wool coat"), quantity=5, actor=staff)
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        refused = watch_csp(page)
        response = page.goto(f"{base}/admin/login/")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.fill("input[name=username]", staff.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        expect(page.locator("#operations-module")).to_be_visible()

        page.goto(f"{base}/admin/production/productionrun/{run.pk}/allocate/")
        pick(page, page.locator("select[name=rows-0-partner]"), partner_a.name)
        page.fill("input[name=rows-0-quantity]", "3")
        total = page.locator('fieldset[data-stage="1"] .stage-sum')
        expect(total).to_have_text("3")  # the running total's script ran
        page.fill("input[name=rows-1-quantity]", "2")
        expect(total).to_have_text("5")
        page.click("#add-stage")  # a second stage: its own rows and its own running total; stage 1 kept as typed
        expect(page.locator('fieldset[data-stage="1"] .stage-sum')).to_have_text("5")
        stage2 = page.locator('fieldset[data-stage="2"]')
        pick(page, stage2.locator("select[name$=-partner]").first, partner_a.name)
        stage2.locator("input[name$=-quantity]").first.fill("4")
        expect(stage2.locator(".stage-sum")).to_have_text("4")
        expect(stage2.locator(".stage-total")).to_have_class(re.compile(r"\bmismatch\b"))
        stage2.locator("input[name$=-quantity]").first.fill("5")
        expect(stage2.locator(".stage-total")).to_have_class(re.compile(r"\bmatch\b"))
        page.screenshot(path=str(ARTIFACTS / "admin-allocate.png"), full_page=True)

        page.goto(f"{base}/admin/production/productionrun/")
        expect(page.locator("#result_list")).to_be_visible()
        page.goto(f"{base}/api/docs/")
        expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=15000)  # Swagger UI started
        assert refused == [], refused
        context.close()
