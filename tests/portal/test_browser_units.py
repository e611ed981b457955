"""Every unit accounted for, in a real Chromium: the partner's complete form counts pieces as they are typed and
asks why pieces are missing only when some are; staff see the ledger picture of the run."""

import re

import pytest

from production import services
from production.models import Alert, ProductionRun
from tests.factories import CategoryFactory, DesignFactory, DispatchedRunFactory
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


def _complete_with_a_shortfall(chromium, base_url, email, run):
    from playwright.sync_api import expect

    phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    refused = watch_csp(page)
    login(page, base_url, email)
    page.goto(f"{base_url}/portal/runs/{run.pk}/")
    form = page.locator("#complete-run")
    shortfall = page.locator("[data-field=shortfall_reason]")
    expect(page.locator("[data-tally]")).to_be_visible()  # shown by the script that counts
    expect(page.locator("[data-tally] [data-missing]")).to_have_text("0")
    expect(shortfall).to_be_hidden()  # nothing missing: no question asked
    form.get_by_label("Good pieces").fill("7")
    form.get_by_label("Rejected pieces").fill("2")
    expect(page.locator("[data-tally] [data-good]")).to_have_text("7")
    expect(page.locator("[data-tally] [data-rejected]")).to_have_text("2")
    expect(page.locator("[data-tally] [data-missing]")).to_have_text("1")
    expect(page.locator("[data-tally]")).to_have_class(re.compile(r"\bshort\b"))  # drawn as a warning
    expect(shortfall).to_be_visible()
    form.get_by_label("Why rejected").select_option("fabric_flaw")
    form.get_by_role("button", name="Complete run").click()
    # The server refuses (a missing piece needs a reason): the form comes back as typed, the reason asked.
    expect(page.locator("[data-field=shortfall_reason]")).to_contain_text("say why they are missing")
    expect(page.locator("#complete-run").get_by_label("Good pieces")).to_have_value("7")
    expect(page.locator("#complete-run").get_by_label("Why rejected")).to_have_value("fabric_flaw")
    expect(page.locator("[data-tally] [data-missing]")).to_have_text("1")  # counted again for the values as typed
    expect(page.locator("[data-tally]")).to_have_class(re.compile(r"\bshort\b"))
    page.screenshot(path=str(ARTIFACTS / "portal-complete-shortfall-phone.png"), full_page=True)
    page.locator("#complete-run").get_by_label("Why are pieces missing?").fill("One piece fell off the truck")
    page.locator("#complete-run").get_by_role("button", name="Complete run").click()
    expect(page.locator(".messages")).to_contain_text("Run completed.")
    expect(page.locator("#missing")).to_contain_text("1 · One piece fell off the truck")
    assert refused == [], refused
    phone.close()


def _staff_sees_the_ledger(chromium, base_url, staff, root, child):
    from playwright.sync_api import expect

    desktop = chromium.new_context(viewport=DESKTOP)
    page = desktop.new_page()
    refused = watch_csp(page)
    staff_login(page, base_url, staff)
    page.goto(f"{base_url}/admin/production/productionrun/{root.pk}/change/")
    ledger = page.locator("#run-ledger")
    expect(ledger).to_contain_text("every piece accounted for")
    bar = ledger.locator(".ledger-row[data-stage='1'] svg")
    expect(bar.locator("rect.seg-produced")).to_have_attribute("data-units", "7")
    expect(bar.locator("rect.seg-rejected")).to_have_attribute("data-units", "2")
    expect(bar.locator("rect.seg-shortfall")).to_have_attribute("data-units", "1")
    assert bar.bounding_box()["width"] > 300  # drawn as wide as the page allows, not collapsed
    page.screenshot(path=str(ARTIFACTS / "admin-ledger.png"), full_page=True)
    page.get_by_role("link", name="Remake 3 missing…").click()
    expect(page.locator("input[name=quantity]")).to_have_value("3")
    # Correcting the child: the same counting as the partner's form, under admin's CSP.
    page.goto(f"{base_url}/admin/production/productionrun/{child.pk}/correct/")
    expect(page.locator("[data-tally] [data-missing]")).to_have_text("1")  # as reported: 7 + 2 of 10
    page.locator("input[name=produced_quantity]").fill("8")
    expect(page.locator("[data-tally] [data-missing]")).to_have_text("0")
    expect(page.locator("[data-field=shortfall_reason]")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "admin-correct-output.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/admin/production/productionrun/{root.pk}/change/")
    expect(page.locator("#run-ledger")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "admin-ledger-phone.png"), full_page=True)
    assert refused == [], refused
    desktop.close()


@pytest.mark.browser
def test_partner_completes_with_a_shortfall_and_staff_see_where_the_pieces_went(live_server, partner_a, user_a, staff):
    require_chromium()
    run = DispatchedRunFactory(partner=partner_a, quantity=10, design=DesignFactory(name="Wool coat"),
                               category=CategoryFactory(steps=1), actor=staff)
    services.task_complete(task=run.tasks.get())
    root = ProductionRun.objects.get(pk=run.parent_run_id)
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as chromium:  # no ORM calls in here: Playwright runs an event loop
        _complete_with_a_shortfall(chromium, live_server.url, user_a.email, run)
        _staff_sees_the_ledger(chromium, live_server.url, staff, root, run)

    run = ProductionRun.objects.get(pk=run.pk)
    assert (run.produced_quantity, run.rejected_quantity, run.shortfall_quantity) == (7, 2, 1)
    assert (run.rejection_reason, run.shortfall_reason) == ("fabric_flaw", "One piece fell off the truck")
    assert sorted(Alert.objects.values_list("kind", flat=True)) == ["rejects", "shortfall"]
