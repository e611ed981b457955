"""Money on its pages: rates on Allocate and the run page, the Payables list (totals per partner, approve, pay with
a reference, CSV of what is on screen), the admin home's counts, and the partner's Payments page."""

import csv
from decimal import Decimal
import io

from django.test import Client
import pytest

from production import services
from production.models import Payable, ProductionRun
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _completed(staff, partner, *, quantity=4, rate="2.50", produced=None, role="making"):
    _, (child,) = services.run_create_allocated(
        design=DesignFactory(name="Wool coat"), quantity=quantity, actor=staff,
        assignments=[services.Assignment(partner_id=partner.pk, quantity=quantity, role=role, rate=Decimal(rate))])
    child = services.dispatch_start(run=child, actor=staff, selection=TemplateSelection(
        category_id=CategoryFactory(steps=1).pk))
    services.task_complete(task=child.tasks.get(), actor=staff)
    produced = quantity if produced is None else produced
    return services.run_complete(run=child, actor=staff, produced_quantity=produced,
                                 rejected_quantity=quantity - produced)


def test_allocate_takes_a_rate_per_row(staff_client, staff, partner_a, partner_b):
    run = services.run_create(design=DesignFactory(), quantity=5, actor=staff)
    response = staff_client.post(f"/admin/production/productionrun/{run.pk}/allocate/", {
        "rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "1", "rows-MAX_NUM_FORMS": "1000",
        "rows-0-partner": partner_a.pk, "rows-0-role": "cutting", "rows-0-quantity": "5", "rows-0-stage": "1",
        "rows-0-rate": "1.20", "rows-0-rate_type": "per_unit",
        "rows-1-partner": partner_b.pk, "rows-1-role": "stitching", "rows-1-quantity": "5", "rows-1-stage": "2",
        "rows-1-rate": "40", "rows-1-rate_type": "total",
    })
    assert response.status_code == 302, _messages(response) if response.context else response
    rates = list(ProductionRun.objects.filter(parent_run=run).order_by("stage").values_list("rate", "rate_type"))
    assert rates == [(Decimal("1.20"), "per_unit"), (Decimal("40.00"), "total")]
    fresh = services.run_create(design=DesignFactory(), quantity=2, actor=staff)
    page = staff_client.get(f"/admin/production/productionrun/{fresh.pk}/allocate/")
    assert b"Rate (EUR)" in page.content and b'name="rows-0-rate"' in page.content
    # Its own rate would pay nobody (a split takes each row's): the page offers none, and the address refuses.
    assert b"Change rate" not in staff_client.get(f"/admin/production/productionrun/{fresh.pk}/change/").content
    refused = staff_client.post(f"/admin/production/productionrun/{fresh.pk}/rate/", {"rate": "3", "rate_type": "total"})
    assert refused.status_code == 302 and ProductionRun.objects.get(pk=fresh.pk).rate is None
    assert _messages(staff_client.get(refused.url)) == [
        f"{fresh} has no partner: the runs it is split into take their rates from Allocate."]


def test_change_rate_page_until_accepted(staff_client, staff, partner_a):
    _, (child,) = services.run_create_allocated(design=DesignFactory(), quantity=3, actor=staff, assignments=[
        services.Assignment(partner_id=partner_a.pk, quantity=3, rate=Decimal("1.00"))])
    page = staff_client.get(f"/admin/production/productionrun/{child.pk}/change/")
    assert b"Change rate" in page.content
    bad = staff_client.post(f"/admin/production/productionrun/{child.pk}/rate/", {"rate": "-2", "rate_type": "total"})
    assert bad.status_code == 200 and ProductionRun.objects.get(pk=child.pk).rate == Decimal("1.00")
    done = staff_client.post(f"/admin/production/productionrun/{child.pk}/rate/",
                             {"rate": "1.35", "rate_type": "per_unit"}, follow=True)
    assert any("the rate is now 1.35 EUR per good piece" in m for m in _messages(done))
    services.dispatch_start(run=ProductionRun.objects.get(pk=child.pk), actor=staff,
                            selection=TemplateSelection(category_id=CategoryFactory(steps=1).pk))
    services.run_accept(run=ProductionRun.objects.get(pk=child.pk))
    assert b"Change rate" not in staff_client.get(f"/admin/production/productionrun/{child.pk}/change/").content


def test_payables_list_totals_approve_pay_and_export(staff_client, staff, partner_a, partner_b):
    a1 = _completed(staff, partner_a, quantity=4, rate="2.50")  # 10.00
    _completed(staff, partner_a, quantity=2, rate="0.10")  # 0.20
    _completed(staff, partner_b, quantity=5, rate="3.00", produced=4)  # 12.00
    listing = staff_client.get("/admin/production/payable/")
    html = listing.content.decode()
    assert 'id="partner-totals"' in html and "Export CSV" in html
    totals = {row["partner__name"]: row for row in listing.context["totals"]}
    assert (totals["Atelier A"]["open"], totals["Bottega B"]["open"]) == (Decimal("10.20"), Decimal("12.00"))

    ids = list(Payable.objects.filter(partner=partner_a).values_list("pk", flat=True))
    approved = staff_client.post("/admin/production/payable/", {"action": "approve_selected",
                                                                "_selected_action": ids}, follow=True)
    assert any("Approved 2 payables" in m for m in _messages(approved))
    paying = staff_client.post("/admin/production/payable/", {"action": "pay_selected", "_selected_action": ids})
    assert paying.status_code == 302 and "/pay/?ids=" in paying.url
    assert b"10.20 EUR" in staff_client.get(paying.url).content
    paid = staff_client.post(paying.url, {"reference": "SEPA-0042"}, follow=True)
    assert any("Marked paid" in m for m in _messages(paid))
    assert set(Payable.objects.filter(partner=partner_a).values_list("status", "reference")) == {("paid", "SEPA-0042")}
    assert Payable.objects.get(partner=partner_b).status == "open"

    export = staff_client.get(f"/admin/production/payable/export/?partner__id__exact={partner_a.pk}")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert sorted((int(r["run"]), r["amount"], r["status"]) for r in rows) == sorted(
        (p.run_id, f"{p.amount:.2f}", "paid") for p in Payable.objects.filter(partner=partner_a))
    assert a1.pk in {int(r["run"]) for r in rows}

    home = staff_client.get("/admin/").content.decode()
    assert "1 to approve · 0 to pay" in home


def test_payments_page_shows_the_partners_own(partner_a, partner_b, user_a, staff):
    _completed(staff, partner_a, quantity=4, rate="2.50")
    mine = _completed(staff, partner_a, quantity=2, rate="1.00")
    _completed(staff, partner_b, quantity=3, rate="9.99")
    payable = Payable.objects.get(run=mine)
    services.payables_approve(ids=[payable.pk], actor=staff)
    portal = Client()
    portal.force_login(user_a)
    page = portal.get("/portal/payments/")
    html = page.content.decode()
    assert page.status_code == 200 and "9.99" not in html and "29.97" not in html
    assert [(label, amount) for label, _, amount in page.context["totals"]] == [
        ("Open", Decimal("10.00")), ("Approved", Decimal("2.00")), ("Paid", 0)]
    assert html.count("data-payable=") == 2 and "Payments" in html
    # Staff's reason for an adjustment is the partner's to read, here as in the API (docs/api.md).
    services.payable_adjust(payable=Payable.objects.filter(partner=partner_a, status="open").get(), amount="9.00",
                            reason="One piece late: 1.00 less, as agreed", actor=staff)
    assert "One piece late: 1.00 less, as agreed" in portal.get("/portal/payments/").content.decode()


def test_a_payables_page_is_read_only(staff_client, staff, partner_a):
    _completed(staff, partner_a, quantity=2, rate="1.00")
    payable = Payable.objects.get()
    page = staff_client.get(f"/admin/production/payable/{payable.pk}/change/")
    assert page.status_code == 200 and b"2.00 EUR" in page.content and b'name="_save"' not in page.content
    staff_client.post(f"/admin/production/payable/{payable.pk}/change/", {"reference": "sneaky"})
    payable.refresh_from_db()
    assert (payable.reference, payable.status) == ("", "open")


def test_a_partner_link_rate_is_set_on_the_design_page(staff_client, partner_a):
    from designs.models import DesignPartner

    design = DesignFactory(name="Wool coat", code="WC-77")
    form = {"name": design.name, "code": design.code, "status": design.status, "specs": "{}", "routing": "",
            "partner_links-TOTAL_FORMS": "1", "partner_links-INITIAL_FORMS": "0", "partner_links-0-partner": partner_a.pk,
            "partner_links-0-role": "cutting", "partner_links-0-rate": "1.75", "partner_links-0-rate_type": "per_unit"}
    assert staff_client.post(f"/admin/designs/design/{design.pk}/change/", form).status_code == 302
    link = DesignPartner.objects.get(design=design)
    assert (link.role, link.rate, link.rate_type) == ("cutting", Decimal("1.75"), "per_unit")
    _, (child,) = services.run_create_allocated(design=design, quantity=2, assignments=[
        services.Assignment(partner_id=partner_a.pk, quantity=2, role="cutting")])
    assert child.rate == Decimal("1.75")  # the link's rate, the default of its runs
