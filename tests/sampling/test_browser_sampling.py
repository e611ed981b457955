"""The sampling loop in a real Chromium, as the issue's "done when" tells it: staff send a new design for sampling
from its admin page, the partner completes the sample in the portal (on a phone), staff ask for a redo with notes,
the partner reads the notes at the top of the new run and completes it, staff approve; the design's page shows both
rounds with their notes."""

import re

import pytest

from designs.models import Design
from production.models import ProductionRun
from tests.factories import PASSWORD
from tests.portal.browser import ARTIFACTS, DESKTOP, PHONE, chromium_browser, login, pick, require_chromium, watch_csp

NOTES = "Collar 1 cm higher, please; topstitching at 3 mm."


def _admin(chromium, base_url, staff):
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    return page


def _partner_completes(page, base_url, run_id: int):
    from playwright.sync_api import expect

    page.goto(f"{base_url}/portal/runs/{run_id}/")
    for name in ("Complete Sampling step 1", "Complete Sampling step 2"):
        page.get_by_role("button", name=name).click()
    page.locator("#complete-run").get_by_role("button", name="Complete run").click()
    expect(page.locator(".messages")).to_contain_text("Run completed.")


def _review(page, base_url, run_id: int, decision: str, notes: str = "") -> int:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/admin/production/productionrun/{run_id}/change/")
    page.get_by_role("link", name="Review sample…").click()
    page.get_by_role("radio", name=decision).check()
    page.locator("textarea[name=notes]").fill(notes)
    page.screenshot(path=str(ARTIFACTS / f"admin-review-{run_id}.png"), full_page=True)
    page.get_by_role("button", name="Review sample").click()
    expect(page.locator(".messagelist")).to_contain_text("reviewed")
    return int(re.search(r"/productionrun/(\d+)/change/", page.url).group(1))


@pytest.mark.browser
def test_a_design_sampled_redone_and_approved_in_the_browser(live_server, staff, partner_a, user_a, jacket, sampling):
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    with chromium_browser() as chromium:  # no ORM calls in here: Playwright runs an event loop
        from playwright.sync_api import expect

        admin = _admin(chromium, base, staff)
        refused = watch_csp(admin)
        admin.goto(f"{base}/admin/designs/design/{jacket.pk}/change/")
        admin.get_by_role("link", name="Send for sampling").first.click()
        pick(admin, admin.locator("select[name=partner]"), partner_a.name)
        admin.locator("input[name=quantity]").fill("1")
        admin.locator("select[name=category]").select_option(str(sampling.pk))
        admin.get_by_role("button", name="Send for sampling").click()
        expect(admin.locator(".messagelist")).to_contain_text("sent to Atelier A")
        first = int(re.search(r"/productionrun/(\d+)/change/", admin.url).group(1))

        phone = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        portal = phone.new_page()
        refused += watch_csp(portal)
        login(portal, base, user_a.email)
        _partner_completes(portal, base, first)

        second = _review(admin, base, first, "Ask for a redo", NOTES)
        assert second != first
        expect(admin.locator(".previous-round")).to_contain_text(NOTES)
        admin.screenshot(path=str(ARTIFACTS / "admin-redo-run.png"), full_page=True)

        portal.goto(f"{base}/portal/runs/{second}/")
        notes = portal.locator("#previous-round")
        expect(notes).to_contain_text("What to change in this round")
        expect(notes).to_contain_text(NOTES)
        assert notes.bounding_box()["y"] < portal.get_by_role("heading", name="Tasks").bounding_box()["y"]
        assert notes.bounding_box()["y"] < PHONE["height"]  # seen without scrolling, on a phone
        portal.screenshot(path=str(ARTIFACTS / "portal-redo-notes-phone.png"), full_page=True)
        _partner_completes(portal, base, second)

        assert _review(admin, base, second, "Approve the sample", "Perfect") == second
        admin.goto(f"{base}/admin/designs/design/{jacket.pk}/change/")
        rounds = admin.locator("#sampling-rounds")
        expect(rounds.locator("tbody tr")).to_have_count(2)
        expect(rounds.locator("tbody tr").nth(0)).to_contain_text(NOTES)
        expect(rounds.locator("tbody tr").nth(0)).to_contain_text("Redo requested")
        expect(rounds.locator("tbody tr").nth(1)).to_contain_text("Approved")
        expect(rounds.locator("tbody tr").nth(1)).to_contain_text("Perfect")
        admin.screenshot(path=str(ARTIFACTS / "admin-sampling-rounds.png"), full_page=True)
        admin.set_viewport_size(PHONE)
        admin.goto(f"{base}/admin/designs/design/{jacket.pk}/change/")
        expect(rounds).to_be_visible()
        admin.screenshot(path=str(ARTIFACTS / "admin-sampling-rounds-phone.png"), full_page=True)
        assert refused == [], refused

    jacket.refresh_from_db()
    assert jacket.status == Design.Status.APPROVED
    assert list(ProductionRun.objects.filter(design=jacket).order_by("id").values_list(
        "id", "redo_of", "review_decision", "status")) == [
        (first, None, "redo", "completed"), (second, first, "approve", "completed")]
