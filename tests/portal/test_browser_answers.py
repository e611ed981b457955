"""Accepting and declining in a real Chromium: the partner's answer reaches the staff queue in the same request."""

import pytest

from production.models import Alert, ProductionRun
from tests.factories import CategoryFactory, DesignFactory, DispatchedRunFactory
from tests.portal.browser import ARTIFACTS, DESKTOP, PHONE, chromium_browser, login, require_chromium, watch_csp


def _answer_in_the_browser(chromium, base_url, email, keep, drop):
    from playwright.sync_api import expect

    phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    refused = watch_csp(page)
    login(page, base_url, email)
    expect(page.locator("#runs > li")).to_have_count(2)
    expect(page.locator(f"#runs > li[data-run='{keep.pk}']")).to_contain_text("Needs your answer")

    page.click(f"text=Run #{keep.pk} · Wool coat")
    page.get_by_role("button", name="Accept run").click()
    expect(page.locator(".messages")).to_contain_text(f"Run #{keep.pk} accepted.")
    expect(page.locator("#accepted")).to_contain_text("Accepted")
    expect(page.get_by_role("button", name="Accept run")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "portal-accepted-phone.png"), full_page=True)

    page.goto(f"{base_url}/portal/runs/{drop.pk}/")
    page.locator("#answer summary").click()
    form = page.locator("#decline-run")
    form.get_by_label("Other").check()
    form.get_by_role("button", name="Decline run").click()
    # The server's refusal (notes are needed for "other") comes back in place, the form still open.
    expect(page.locator("#decline-run")).to_contain_text("Say why in the notes")
    expect(page.locator("#decline-run").get_by_label("Notes")).to_be_focused()  # where the answer is missing
    page.screenshot(path=str(ARTIFACTS / "portal-decline-phone.png"), full_page=True)
    form = page.locator("#decline-run")
    form.get_by_label("Notes").fill("Our cutting table is booked until June")
    form.get_by_role("button", name="Decline run").click()
    expect(page.locator(".messages")).to_contain_text(f"Run #{drop.pk} declined.")
    expect(page.locator("#runs > li")).to_have_count(1)
    assert refused == [], refused  # nothing blocked by the Content-Security-Policy
    phone.close()

    desktop = chromium.new_context(viewport=DESKTOP)
    page = desktop.new_page()
    refused = watch_csp(page)
    login(page, base_url, email)
    page.goto(f"{base_url}/portal/runs/{keep.pk}/")
    expect(page.locator("#answer")).to_contain_text("Decline this run")  # accepted, not started: still possible
    page.screenshot(path=str(ARTIFACTS / "portal-run-answer.png"), full_page=True)
    assert refused == [], refused  # nothing blocked by the Content-Security-Policy
    desktop.close()


@pytest.mark.browser
def test_partner_accepts_one_run_and_declines_another_in_the_browser(live_server, partner_a, user_a, staff):
    require_chromium()
    category = CategoryFactory(steps=2)
    keep = DispatchedRunFactory(partner=partner_a, design=DesignFactory(name="Wool coat"), category=category)
    drop = DispatchedRunFactory(partner=partner_a, design=DesignFactory(name="Silk scarf"), category=category)
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as chromium:
        _answer_in_the_browser(chromium, live_server.url, user_a.email, keep, drop)

    keep.refresh_from_db()
    drop = ProductionRun.objects.get(pk=drop.pk)
    assert keep.accepted_at is not None and keep.status == "sent_to_partner"
    assert (drop.status, drop.decline_reason, drop.decline_notes) == (
        "awaiting_reassignment", "other", "Our cutting table is booked until June")
    assert list(Alert.objects.values_list("kind", "run_id")) == [("declined", drop.pk)]
