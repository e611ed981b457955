"""Editing a design's routing as a table (partners by name, stages, shares, rates, templates), not as JSON."""

from django.contrib.auth.models import Permission
from django.urls import reverse
import pytest

from designs.models import Design
from tests.admin.conftest import messages_of
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory, StaffFactory, TemplateFactory

pytestmark = pytest.mark.django_db


def _url(design) -> str:
    return reverse("admin:production_design_routing", args=[design.pk])


def _rows(*rows, extra=0, templates=None) -> dict:
    """The page's POST: ``rows`` as dicts of the row's fields, ``extra`` untouched empty rows after them."""
    data = {"rows-TOTAL_FORMS": str(len(rows) + extra), "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"rows-{i}-{name}": value for name, value in
                     {"stage": 1, "share": 1, "rate_type": "per_unit", **row}.items()})
    for i in range(len(rows), len(rows) + extra):
        data.update({f"rows-{i}-stage": 1, f"rows-{i}-share": 1, f"rows-{i}-rate_type": "per_unit"})
    data.update(templates or {})
    return data


def _form_as_posted(response) -> dict:
    """What the browser posts for the page as it was rendered, unchanged (its forms' values)."""
    formset, templates = response.context["formset"], response.context["templates"]
    data = {f"rows-{key}": value for key, value in formset.management_form.initial.items()}
    for form in [*formset.forms, templates]:
        for field in form:
            value = field.value()
            if value in (None, "", []) or value is False:
                continue
            data[field.html_name] = [str(v.pk if hasattr(v, "pk") else v) for v in value] \
                if isinstance(value, list) else str(value)
    return data


def test_the_page_starts_from_the_routing_and_saving_it_unchanged_keeps_it(staff_client, partner_a, partner_b):
    stitching = CategoryFactory(name="Stitching", steps=2)
    routing = {"assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 2, "stage": 1, "rate": "2.50", "rate_type": "per_unit"},
        {"partner": partner_b.pk, "role": "cutting", "share": 0.5, "stage": 1},
        {"partner": partner_b.pk, "role": "stitching", "share": 100, "stage": 2}],
        "template_category": stitching.pk}
    design = DesignFactory(routing=routing)
    page = staff_client.get(_url(design))
    html = page.content.decode()
    assert page.status_code == 200
    # Partners are shown by name in their pickers, never as ids to type.
    assert f'<option value="{partner_a.pk}" selected>{partner_a.choice_label}</option>' in html
    assert 'value="100"' in html and "1E+2" not in html  # a share of 100 reads as 100
    assert f'<option value="{stitching.pk}" selected>Stitching</option>' in html
    assert 'aria-label="Share, row 3"' in html and 'aria-label="Delete, row 1"' in html  # named for screen readers

    response = staff_client.post(_url(design), _form_as_posted(page))
    assert response.status_code == 302, response.context and response.context["formset"].errors
    design.refresh_from_db()
    assert design.routing == routing
    assert messages_of(response) == [f"The routing of {design.name} is saved."]


def test_a_rows_own_templates_are_kept_shown_and_changed(staff_client, partner_a, partner_b):
    stitching = CategoryFactory(name="Stitching", steps=2)
    cut = TemplateFactory(name="Cut")
    routing = {"assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 1, "stage": 1, "template_ids": [cut.pk]},
        {"partner": partner_b.pk, "role": "stitching", "share": 1, "stage": 2, "template_category": stitching.pk}]}
    design = DesignFactory(routing=routing)
    page = staff_client.get(_url(design))
    html = page.content.decode()
    assert f'<option value="ids:{cut.pk}" selected>These templates: Cut</option>' in html
    assert f'<option value="category:{stitching.pk}" selected>Stitching</option>' in html

    response = staff_client.post(_url(design), _form_as_posted(page))  # saved unchanged: kept
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.routing == routing

    cut.is_active = False
    cut.save()
    warned = staff_client.get(_url(design)).content.decode()
    assert f'<option value="ids:{cut.pk}" selected>These templates: Cut (inactive)</option>' in warned
    assert "A row names a template that is inactive or deleted" in warned

    posted = {**_form_as_posted(page), "rows-0-templates": f"category:{stitching.pk}", "rows-1-templates": ""}
    assert staff_client.post(_url(design), posted).status_code == 302
    design.refresh_from_db()
    assert [{k: v for k, v in a.items() if k.startswith("template")} for a in design.routing["assignments"]] == [
        {"template_category": stitching.pk}, {}]


def test_rows_by_name_become_the_routing_the_api_reads(staff_client, partner_a, partner_b):
    sewing = CategoryFactory(name="Sewing")
    stitch = TemplateFactory(name="Sew seams", category=sewing, sequence=2)
    cut = TemplateFactory(name="Cut panels", category=sewing, sequence=1)
    design = DesignFactory()
    response = staff_client.post(_url(design), _rows(
        {"partner": partner_a.pk, "role": "cutting", "share": "1.5", "rate": "3.00", "rate_type": "total"},
        {"partner": partner_b.pk, "role": "stitching", "stage": 2},
        extra=2, templates={"templates-templates": [stitch.pk, cut.pk]}))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.routing == {
        "assignments": [
            {"partner": partner_a.pk, "role": "cutting", "share": 1.5, "stage": 1, "rate": "3.00",
             "rate_type": "total"},
            {"partner": partner_b.pk, "role": "stitching", "share": 1, "stage": 2}],
        "template_ids": [cut.pk, stitch.pk]}  # in the order of their steps
    page = staff_client.get(reverse("admin:designs_design_change", args=[design.pk])).content.decode()
    assert f"<td>2</td><td>{partner_b.name}</td><td>Stitching</td><td>100%</td>" in page
    assert f'href="{_url(design)}" id="edit-routing">Edit routing</a>' in page


def test_a_partner_twice_in_a_role_is_named_on_its_row_and_nothing_is_saved(staff_client, partner_a):
    design = DesignFactory(routing=None)
    response = staff_client.post(_url(design), _rows(
        {"partner": partner_a.pk, "role": "cutting"}, {"partner": partner_a.pk, "role": "cutting", "share": 3}))
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["partner"] == [
        f"{partner_a.name} is already in stage 1 as “cutting”: give the row another role, "
        "or add its share to the other row."]
    assert 'class="row-error"' in response.content.decode()
    design.refresh_from_db()
    assert design.routing is None


def test_a_skipped_stage_is_refused_in_words(staff_client, partner_a):
    design = DesignFactory(routing=None)
    response = staff_client.post(_url(design), _rows({"partner": partner_a.pk, "stage": 3}))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "Stages run 1, 2, 3… without a gap: no row is in stage 1."]
    design.refresh_from_db()
    assert design.routing is None


@pytest.mark.parametrize("row, field, message", [
    ({"share": "0"}, "share", "A share is a weight above 0."),
    ({"share": "lots"}, "share", "Enter a number."),
    ({"stage": "0"}, "stage", "Ensure this value is greater than or equal to 1."),
    ({"rate": "-1"}, "rate", "Ensure this value is greater than or equal to 0."),
    ({"partner": "999999"}, "partner", "Select a valid choice. That choice is not one of the available choices."),
])
def test_bad_rows_say_why_and_write_nothing(staff_client, partner_a, row, field, message):
    design = DesignFactory(routing=None)
    response = staff_client.post(_url(design), _rows({"partner": partner_a.pk, **row}))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [message]
    design.refresh_from_db()
    assert design.routing is None


def test_removing_every_row_leaves_the_design_without_a_routing(staff_client, partner_a):
    design = DesignFactory(routing={"assignments": [{"partner": partner_a.pk, "role": "", "share": 1}]})
    response = staff_client.post(_url(design), _rows({"partner": partner_a.pk, "DELETE": "on"}))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.routing is None
    assert messages_of(response) == [f"{design.name} has no routing now: its runs are allocated by hand."]


def test_a_category_and_templates_together_are_refused(staff_client, partner_a):
    category = CategoryFactory(steps=1)
    design = DesignFactory(routing=None)
    response = staff_client.post(_url(design), _rows({"partner": partner_a.pk}, templates={
        "templates-category": category.pk, "templates-templates": [category.templates.get().pk]}))
    assert response.context["templates"].non_field_errors() == [
        "Choose a template category or some templates, not both."]
    design.refresh_from_db()
    assert design.routing is None


def test_an_inactive_partner_in_the_routing_is_pointed_out(staff_client):
    gone = PartnerFactory(name="Closed Atelier", is_active=False)
    design = DesignFactory(routing={"assignments": [{"partner": gone.pk, "role": "", "share": 1}]})
    html = staff_client.get(_url(design)).content.decode()
    assert "Closed Atelier is no longer active: pick another partner for" in html


def test_a_design_without_routing_offers_to_set_one_up(staff_client):
    design = DesignFactory(routing=None)
    page = staff_client.get(reverse("admin:designs_design_change", args=[design.pk])).content.decode()
    assert "No routing: this design's runs are allocated by hand." in page
    assert f'href="{_url(design)}" id="edit-routing">Set up a routing</a>' in page


def test_staff_who_may_not_change_designs_cannot_edit_a_routing(client, partner_a):
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_design", "change_productionrun"]))
    client.force_login(clerk)
    design = DesignFactory(routing=None)
    assert client.get(_url(design)).status_code == 403
    assert client.post(_url(design), _rows({"partner": partner_a.pk})).status_code == 403
    assert Design.objects.get(pk=design.pk).routing is None


def test_a_routing_written_by_an_integration_saves_unchanged(staff_client, partner_a, partner_b):
    routing = {"assignments": [{"partner": partner_a.pk, "role": "", "share": 0.3333333333333333, "stage": 1},
                               {"partner": partner_b.pk, "role": "", "share": 1e-05, "stage": 1}]}
    design = DesignFactory(routing=routing)
    page = staff_client.get(_url(design))
    assert staff_client.post(_url(design), _form_as_posted(page)).status_code == 302
    design.refresh_from_db()
    assert design.routing == routing


def test_templates_the_page_cannot_offer_are_named_before_saving_drops_them(staff_client, partner_a):
    kept = TemplateFactory(name="Cut panels")
    retired = TemplateFactory(name="Hand-finish hems", is_active=False)
    design = DesignFactory(routing={"assignments": [{"partner": partner_a.pk, "role": "", "share": 1}],
                                    "template_ids": [kept.pk, retired.pk, 999999]})
    html = staff_client.get(_url(design)).content.decode()
    assert ("Not offered below, so saving drops them: Hand-finish hems, a deleted template (#999999) "
            "(no longer active).") in html
    gone = DesignFactory(routing={"assignments": [{"partner": partner_a.pk, "role": "", "share": 1}],
                                  "template_category": 999999})
    assert "The routing&#x27;s template category was deleted" in staff_client.get(_url(gone)).content.decode()
