"""Playwright with Debian's Chromium (``--no-sandbox --disable-gpu``), for the portal's real-browser tests."""

from contextlib import contextmanager
import os
from pathlib import Path

from django.conf import settings
import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def require_chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def chromium_browser():
    """A headless Chromium. Used as a block, not a fixture: the test's ORM calls stay outside it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def login(page, base_url, email):
    page.goto(f"{base_url}/portal/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/portal/")


def staff_login(page, base_url, staff, next_path="/admin/"):
    """Log in to the admin as ``staff`` (then at ``next_path``)."""
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


def pick(page, select, text: str):
    """Choose in a picker that searches as one types (the admin's select2): open it, type, take the match."""
    select.locator("xpath=following-sibling::span[contains(@class, 'select2')][1]").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def watch_csp(page) -> list[str]:
    """Collect what the page's Content-Security-Policy refused (Chromium reports it on the console)."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


@contextmanager
def admin_page(live_server, staff, size="desktop", next_path="/admin/"):
    """A staff member's admin page at ``size``; no ORM calls inside (Playwright runs an event loop)."""
    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        phone = size == "phone"
        context = chromium.new_context(viewport=PHONE if phone else DESKTOP, device_scale_factor=2 if phone else 1,
                                       is_mobile=phone, has_touch=phone)
        page = context.new_page()
        refused = watch_csp(page)
        staff_login(page, live_server.url, staff, next_path)
        expect(page.locator("#user-tools")).to_be_visible()
        yield page, expect
        assert refused == [], refused
