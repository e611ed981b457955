"""The portal by keyboard alone, in a real Chromium: a page swap keeps the user's place instead of sending the
focus back to the top of the page (production/static/production/portal.js)."""

import pytest

from production.services import task_complete
from tests.factories import CategoryFactory, DispatchedRunFactory
from tests.portal.browser import PHONE, chromium_browser, login, require_chromium, watch_csp


def _press(page, key: str) -> None:
    """Press a key once the last swap has settled: htmx sets up the swapped-in forms when it settles, and a key
    pressed before would submit the form natively, a whole page load without htmx (harmless for a person, but
    not what the test watches). The focus itself is back as soon as the page is swapped."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.keyboard.press(key)


@pytest.mark.browser
def test_working_through_the_tasks_by_keyboard_keeps_the_place(live_server, partner_a, user_a):
    require_chromium()
    run = DispatchedRunFactory(partner=partner_a, category=CategoryFactory(steps=2))
    first, second = run.tasks.order_by("sequence", "id")
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        refused = watch_csp(page)
        login(page, live_server.url, user_a.email)
        page.goto(f"{live_server.url}/portal/runs/{run.pk}/")
        page.get_by_role("button", name="Accept run").focus()
        _press(page, "Enter")
        # The accept button is gone: the focus lands on the message, which is read out where it is.
        expect(page.locator(".messages")).to_contain_text("accepted")
        expect(page.locator(".messages").locator("..")).to_be_focused()

        page.get_by_role("button", name=f"Start {first.title}").focus()
        _press(page, "Enter")
        # The same task's next action keeps the focus (its button keeps its id from Start to Complete).
        expect(page.locator(f"[data-task='{first.pk}'] [data-status]")).to_have_count(1)
        expect(page.get_by_role("button", name=f"Complete {first.title}")).to_be_focused()
        _press(page, "Enter")
        # That task is done: the focus moves on to the next open task, and the message is announced.
        expect(page.get_by_role("button", name=f"Start {second.title}")).to_be_focused()
        expect(page.locator("#announce")).to_contain_text("completed")
        _press(page, "Tab")
        expect(page.get_by_role("button", name=f"Complete {second.title}")).to_be_focused()
        _press(page, "Enter")
        # The last task done: on to the run's completion form.
        expect(page.locator("#complete-run").get_by_label("Good pieces")).to_be_focused()
        assert refused == [], refused
        context.close()


@pytest.mark.browser
def test_the_focused_button_is_scrolled_into_view_after_a_swap(live_server, partner_a, user_a):
    """htmx scrolls a boosted page to its top after the swap; a button far down the page kept the focus out of
    sight (a phone, a run of many tasks)."""
    require_chromium()
    run = DispatchedRunFactory(partner=partner_a, category=CategoryFactory(steps=8))
    tasks = list(run.tasks.order_by("sequence", "id"))
    for task in tasks[:6]:
        task_complete(task=task)
    near_the_end, last = tasks[6:]
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        login(page, live_server.url, user_a.email)
        page.goto(f"{live_server.url}/portal/runs/{run.pk}/")
        page.get_by_role("button", name=f"Start {near_the_end.title}").focus()
        _press(page, "Enter")
        complete = page.get_by_role("button", name=f"Complete {near_the_end.title}")
        expect(complete).to_be_focused()
        expect(complete).to_be_in_viewport()
        _press(page, "Enter")
        start_last = page.get_by_role("button", name=f"Start {last.title}")
        expect(start_last).to_be_focused()
        expect(start_last).to_be_in_viewport()
        context.close()


@pytest.mark.browser
def test_what_is_typed_while_the_last_task_saves_is_kept(live_server, partner_a, user_a):
    """On a slow connection, the run's counts typed while the last task was saving were wiped by the page the
    answer brought (the form is drawn again, empty)."""
    require_chromium()
    run = DispatchedRunFactory(partner=partner_a, category=CategoryFactory(steps=1))
    (task,) = run.tasks.all()
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=PHONE).new_page()
        login(page, live_server.url, user_a.email)
        page.goto(f"{live_server.url}/portal/runs/{run.pk}/")
        page.get_by_role("button", name=f"Start {task.title}").click()
        expect(page.get_by_role("button", name=f"Complete {task.title}")).to_be_visible()
        # Once the swap has settled: a click before htmx set up the new form submits it natively (see _press).
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
        held = []
        page.route(f"**/portal/tasks/{task.pk}/complete/", lambda route: held.append(route))
        page.get_by_role("button", name=f"Complete {task.title}").click()
        page.wait_for_function("() => document.querySelector('.htmx-request')")
        form = page.locator("#complete-run")
        form.get_by_label("Rejected pieces").fill("1")
        form.get_by_label("Notes").fill("One panel torn")
        held[0].continue_()
        expect(page.locator(".messages")).to_contain_text("completed")
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
        expect(form.get_by_label("Rejected pieces")).to_have_value("1")
        expect(form.get_by_label("Notes")).to_have_value("One panel torn")
        expect(form.get_by_label("Good pieces")).to_have_value("")  # untouched: the new page's own


@pytest.mark.browser
def test_what_is_typed_for_one_run_is_not_put_into_another_runs_page(live_server, partner_a, user_a):
    """Kept across a swap of the same page only: a boosted link from one run's page to another's would otherwise
    fill the second run's completion form with the first run's counts."""
    require_chromium()
    from production.services import run_start

    first, second = (DispatchedRunFactory(partner=partner_a, category=CategoryFactory(steps=1)) for _ in range(2))
    for run in (first, second):
        run_start(run=run)
    with chromium_browser() as chromium:
        from playwright.sync_api import expect

        page = chromium.new_context(viewport=PHONE).new_page()
        login(page, live_server.url, user_a.email)
        page.goto(f"{live_server.url}/portal/runs/{first.pk}/")
        page.locator("#complete-run").get_by_label("Rejected pieces").fill("2")
        page.evaluate("""(href) => {  // a link to the other run, boosted as every link of the hub is
            const link = Object.assign(document.createElement("a"), {href, id: "to-second", textContent: "next"});
            document.querySelector("main").append(link);
            htmx.process(link);
        }""", f"/portal/runs/{second.pk}/")
        page.click("#to-second")
        page.wait_for_url(f"**/portal/runs/{second.pk}/")
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
        expect(page.locator("h1")).to_contain_text(f"Run #{second.pk}")
        expect(page.locator("#complete-run").get_by_label("Rejected pieces")).to_have_value("")
