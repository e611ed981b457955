"""Due dates on the pages: the partner's hub and run page mark late runs; admin lists, filters and finds them."""

from datetime import date, timedelta

import pytest

from production.services import run_set_due_date
from tests.factories import DispatchedRunFactory
from tests.portal.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_partner_sees_due_dates_and_late_runs(user_a, partner_a, staff):
    late = DispatchedRunFactory(partner=partner_a, actor=staff)
    run_set_due_date(run=late, due_date=date.today() - timedelta(days=2), actor=staff)
    ahead = DispatchedRunFactory(partner=partner_a, actor=staff)
    run_set_due_date(run=ahead, due_date=date.today() + timedelta(days=9), actor=staff)
    portal = logged_in(user_a)
    hub = portal.get("/portal/").content.decode()
    late_card = hub[hub.index(f'data-run="{late.pk}"'):hub.index(f'data-run="{late.pk}"') + 1500]
    ahead_card = hub[hub.index(f'data-run="{ahead.pk}"'):hub.index(f'data-run="{ahead.pk}"') + 1500]
    assert '<span class="badge late">Late</span>' in late_card.split("</li>")[0]
    assert "badge late" not in ahead_card.split("</li>")[0] and "due " in ahead_card.split("</li>")[0]
    page = portal.get(f"/portal/runs/{late.pk}/").content.decode()
    assert 'id="due-date"' in page and '<span class="badge late">Late</span>' in page


def test_admin_lists_the_due_date_filters_late_and_finds_by_role(staff_client, staff, partner_a):
    late = DispatchedRunFactory(partner=partner_a, actor=staff, role="embroidery")
    run_set_due_date(run=late, due_date=date.today() - timedelta(days=1), actor=staff)
    soon = DispatchedRunFactory(partner=partner_a, actor=staff)
    run_set_due_date(run=soon, due_date=date.today() + timedelta(days=1), actor=staff)
    listing = staff_client.get("/admin/production/productionrun/?due=late")
    assert [run.pk for run in listing.context["cl"].result_list] == [late.pk]
    assert "· late</strong>" in listing.content.decode()
    assert [r.pk for r in staff_client.get("/admin/production/productionrun/?due=soon").context["cl"].result_list] == [
        soon.pk]
    found = staff_client.get("/admin/production/productionrun/?q=embroidery").context["cl"].result_list
    assert [run.pk for run in found] == [late.pk]
    page = staff_client.get(f"/admin/production/productionrun/{late.pk}/change/").content.decode()
    assert "· late</strong>" in page


def test_allocate_takes_a_due_date_per_row(staff_client, staff, partner_a, partner_b):
    from production.models import ProductionRun
    from production.services import run_create
    from tests.factories import DesignFactory

    run = run_create(design=DesignFactory(), quantity=4, actor=staff)
    response = staff_client.post(f"/admin/production/productionrun/{run.pk}/allocate/", {
        "rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "1", "rows-MAX_NUM_FORMS": "1000",
        "rows-0-partner": partner_a.pk, "rows-0-role": "cutting", "rows-0-quantity": "4", "rows-0-stage": "1",
        "rows-0-due_date": "2026-12-18",
        "rows-1-partner": partner_b.pk, "rows-1-role": "stitching", "rows-1-quantity": "4", "rows-1-stage": "2",
    })
    assert response.status_code == 302
    assert dict(ProductionRun.objects.filter(parent_run=run).values_list("role", "due_date")) == {
        "cutting": date(2026, 12, 18), "stitching": None}


def test_admin_exports_the_run_list_as_filtered(staff_client, staff, partner_a):
    import csv
    import io

    late = DispatchedRunFactory(partner=partner_a, actor=staff, role="embroidery")
    run_set_due_date(run=late, due_date=date.today() - timedelta(days=1), actor=staff)
    DispatchedRunFactory(partner=partner_a, actor=staff)
    listing = staff_client.get("/admin/production/productionrun/?due=late&q=embroidery")
    export_url = listing.context["export_url"]
    assert 'id="export-runs"' in listing.content.decode()
    response = staff_client.get(export_url)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(int(r["id"]), r["role"], r["is_late"]) for r in rows] == [(late.pk, "embroidery", "true")]


def test_staff_move_a_due_date_from_the_run_page_until_it_is_finished(staff_client, staff, partner_a):
    from production import services
    from production.models import ActivityVerb, ProductionRun

    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    url = f"/admin/production/productionrun/{run.pk}/due-date/"
    assert "Change due date…" in staff_client.get(f"/admin/production/productionrun/{run.pk}/change/").content.decode()
    assert staff_client.post(url, {"due_date": "31-31-2026"}).status_code == 200  # the form says what is wrong
    assert ProductionRun.objects.get(pk=run.pk).due_date == run.due_date  # as sent (the partner's lead time)
    before = ProductionRun.objects.get(pk=run.pk).due_date
    staff_client.post(url, {"due_date": "2026-12-24"})
    assert ProductionRun.objects.get(pk=run.pk).due_date == date(2026, 12, 24)
    assert run.activities.filter(verb=ActivityVerb.DUE_DATE_CHANGED).get().note == (
        f"Due 24 Dec 2026 (was {before:%-d %b %Y}).")  # the timeline says it in words
    staff_client.post(url, {"due_date": ""})
    run = ProductionRun.objects.get(pk=run.pk)
    assert run.due_date is None
    assert [a.actor for a in run.activities.filter(verb=ActivityVerb.DUE_DATE_CHANGED)] == [staff, staff]
    services.run_cancel(run=run, actor=staff, reason="Not wanted")
    assert "Change due date…" not in staff_client.get(
        f"/admin/production/productionrun/{run.pk}/change/").content.decode()
    staff_client.post(url, {"due_date": "2026-12-30"})
    assert ProductionRun.objects.get(pk=run.pk).due_date is None  # its lateness is history
