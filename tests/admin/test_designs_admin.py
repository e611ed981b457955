"""Designs in admin: saved through designs.services, routing validated, and runs created from a design."""

from decimal import Decimal
import json

from django.urls import reverse
import pytest

from designs.models import Design, DesignPartner
from designs.services import design_link_partner, design_partner_set_rate
from production import services
from production.models import ProductionRun
from tests.admin.conftest import run_url
from tests.factories import CategoryFactory, DesignFactory

pytestmark = pytest.mark.django_db


def _create_run_url(design):
    return f"{reverse('admin:production_productionrun_add')}?design={design.pk}"


def _design_form(design, **changes):
    data = {"name": design.name, "code": design.code, "status": design.status, "specs": "{}", "routing": "null",
            "partner_links-TOTAL_FORMS": "0", "partner_links-INITIAL_FORMS": "0",
            "partner_links-MIN_NUM_FORMS": "0", "partner_links-MAX_NUM_FORMS": "1000"}
    data.update(changes)
    return data


@pytest.mark.parametrize("run_type", ["production", "sample"])
def test_create_run_from_a_design_page(staff_client, staff, run_type):
    design = DesignFactory()
    assert staff_client.get(_create_run_url(design)).status_code == 200
    response = staff_client.post(_create_run_url(design), {"quantity": "4", "run_type": run_type, "note": "Restock"})
    run = ProductionRun.objects.get()
    assert response.status_code == 302 and response.url == run_url(run)
    assert (run.design, run.quantity, run.run_type, run.status, run.parent_run_id) == (
        design, 4, run_type, "pending_review", None)
    assert run.snapshot["name"] == design.name
    created = run.activities.get()
    assert (created.verb, created.actor, created.note) == ("created", staff, "Restock")


def test_create_run_refuses_a_bad_quantity(staff_client):
    design = DesignFactory()
    response = staff_client.post(_create_run_url(design), {"quantity": "0", "run_type": "production"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"quantity": ["Ensure this value is greater than or equal to 1."]}
    assert not ProductionRun.objects.exists()


def test_add_production_run_page_creates_through_the_service(staff_client):
    design = DesignFactory()
    response = staff_client.post(reverse("admin:production_productionrun_add"),
                                 {"design": design.pk, "quantity": "2", "run_type": "sample"})
    run = ProductionRun.objects.get()
    assert response.url == run_url(run)
    assert (run.run_type, run.metadata["source"]) == ("sample", "manual")


def test_design_page_links_create_run_and_lists_its_runs(staff_client, staff):
    design = DesignFactory()
    run = services.run_create(design=design, quantity=2, actor=staff)
    page = staff_client.get(reverse("admin:designs_design_change", args=[design.pk])).content.decode()
    assert _create_run_url(design) in page
    assert run_url(run) in page


def test_invalid_routing_is_a_form_error_with_the_domain_message(staff_client):
    design = DesignFactory()
    url = reverse("admin:designs_design_change", args=[design.pk])
    response = staff_client.post(url, _design_form(design, routing='{"assignments": [{"partner": 1}]}'))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["routing"] == [
        "routing.assignments[0] needs a partner and a share."]
    unknown = staff_client.post(url, _design_form(design, routing='{"assignments": [{"partner": 999999, "share": 1}]}'))
    assert unknown.context["adminform"].form.errors["routing"] == ["Unknown partner ids in routing: [999999]."]
    design.refresh_from_db()
    assert design.routing is None


def test_valid_routing_is_saved(staff_client, partner_a):
    design = DesignFactory()
    routing = json.dumps({"assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 1}]})
    response = staff_client.post(reverse("admin:designs_design_change", args=[design.pk]),
                                 _design_form(design, routing=routing, status="commerce_ready"))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.status == "commerce_ready"
    assert design.routing == {"assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 1}]}


def test_design_created_in_admin_with_a_partner_link(staff_client, partner_a):
    response = staff_client.post(reverse("admin:designs_design_add"), {
        **_design_form(Design(name="Wool coat", code="WC-1", status="conceptual"), specs=""),
        "partner_links-TOTAL_FORMS": "1", "partner_links-0-partner": partner_a.pk, "partner_links-0-role": "cutting",
    })
    assert response.status_code == 302
    design = Design.objects.get(code="WC-1")
    assert design.specs == {}
    assert list(DesignPartner.objects.values_list("design_id", "partner_id", "role")) == [
        (design.pk, partner_a.pk, "cutting")]


def test_duplicate_design_code_is_a_form_error(staff_client):
    DesignFactory(code="TAKEN")
    response = staff_client.post(reverse("admin:designs_design_add"),
                                 _design_form(Design(name="Copy", code="TAKEN", status="conceptual")))
    assert response.status_code == 200
    assert Design.objects.filter(code="TAKEN").count() == 1


def test_the_routing_is_read_in_words_on_the_design_page(staff_client, partner_a, partner_b):
    cutting = CategoryFactory(name="Cutting")
    design = DesignFactory(routing={"template_category": cutting.pk, "assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 1, "rate": "2.50"},
        {"partner": partner_b.pk, "role": "cutting", "share": 3},
        {"partner": partner_b.pk, "role": "stitching", "share": 1, "stage": 2}]})
    link, _ = design_link_partner(design=design, partner=partner_b, role="cutting")
    design_partner_set_rate(link=link, rate=Decimal("1.75"), rate_type="per_unit")
    page = staff_client.get(reverse("admin:designs_design_change", args=[design.pk])).content.decode()
    words = page[page.index('id="routing-in-words"'):]
    # Without a rate of its own, a line says what its runs will take: the link's rate, or none.
    rows = [(partner_a.name, "Cutting", "25%", "2.50 EUR · per good piece"),
            (partner_b.name, "Cutting", "75%", "1.75 EUR · per good piece (agreed for the design and role)"),
            (partner_b.name, "Stitching", "100%", "No rate agreed for the design and role: no payable")]
    for stage, (name, role, share, rate) in zip((1, 1, 2), rows, strict=True):
        assert f"<td>{stage}</td><td>{name}</td><td>{role}</td><td>{share}</td><td>{rate}</td>" in words
    assert "Templates: Every template of “Cutting”." in words


def test_a_routing_that_no_longer_parses_says_why_instead_of_failing(staff_client):
    design = DesignFactory()
    Design.objects.filter(pk=design.pk).update(routing={"assignments": "everyone"})  # written around the form
    response = staff_client.get(reverse("admin:designs_design_change", args=[design.pk]))
    assert response.status_code == 200
    assert "This routing can no longer be used: routing.assignments must be a list." in response.content.decode()


def test_a_design_sold_as_a_product_is_not_deleted(staff_client):
    """Deleted, it took its history and left its products without a design: their orders made no runs."""
    from tests.factories import ProductFactory, VariantFactory
    product = ProductFactory()
    variant_design = VariantFactory(product=ProductFactory(design=None), design=DesignFactory()).design
    for design in (product.design, variant_design):
        page = staff_client.get(reverse("admin:designs_design_delete", args=[design.pk]))
        assert page.status_code == 200
        assert "would require deleting the following protected related objects" in page.content.decode()
        staff_client.post(reverse("admin:designs_design_delete", args=[design.pk]), {"post": "yes"})
        assert Design.objects.filter(pk=design.pk).exists()
    product.refresh_from_db()
    assert product.design is not None
    unused = DesignFactory()
    staff_client.post(reverse("admin:designs_design_delete", args=[unused.pk]), {"post": "yes"})
    assert not Design.objects.filter(pk=unused.pk).exists()  # a design made by mistake still can be
