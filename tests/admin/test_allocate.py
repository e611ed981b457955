"""The Allocate page: rows of partner, role, quantity; run_approve decides, nothing is written on refusal."""

from decimal import Decimal

from django.urls import reverse
import pytest

from designs.models import DesignPartner
from production import services
from production.models import ProductionRun, ProductionRunActivity
from tests.admin.conftest import messages_of, run_url
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(staff):
    return services.run_create(design=DesignFactory(), quantity=5, actor=staff)


def _url(run):
    return reverse("admin:production_productionrun_allocate", args=[run.pk])


def _rows(*rows, total_forms=None):
    """Form data for rows of (partner, role, quantity) or (partner, role, quantity, stage, category)."""
    data = {"rows-TOTAL_FORMS": str(total_forms or len(rows)), "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "1", "rows-MAX_NUM_FORMS": "1000"}
    for i, (partner, role, quantity, *more) in enumerate(rows):
        stage, category = (*more, None)[:2] if more else (1, None)
        data.update({f"rows-{i}-partner": partner.pk if partner else "", f"rows-{i}-role": role,
                     f"rows-{i}-quantity": quantity, f"rows-{i}-stage": stage,
                     f"rows-{i}-template_category": category.pk if category else ""})
    return data


def test_page_offers_active_partners_only_and_the_run_quantity(staff_client, pending, partner_a):
    inactive = PartnerFactory(name="Closed Workshop", is_active=False)
    response = staff_client.get(_url(pending))
    assert response.status_code == 200
    page = response.content.decode()
    # The partner is searched for as staff type, among active partners (tests/admin/test_bounded_pages.py).
    assert page.count('data-ajax--url="/admin/autocomplete/?active=1"') == 3
    assert partner_a.name not in page and inactive.name not in page  # none listed: the page stays small
    assert "of 5" in page
    refused = staff_client.post(_url(pending), _rows((inactive, "cutting", 5)))
    assert refused.context["formset"].forms[0].errors["partner"] == [
        "Select a valid choice. That choice is not one of the available choices."]
    assert len(response.context["formset"].forms) == 3  # one required row and two blank ones, no JavaScript needed
    # A cell's field is named by its column and row for a screen reader (the header is not its label).
    assert 'aria-label="Quantity, row 2"' in page and 'aria-label="Rate type, row 3"' in page
    assert "Due: Empty: the run&#x27;s due date, else the partner&#x27;s lead time from sending." in page


def test_good_allocation_approves_the_parent_into_children(staff_client, staff, pending, partner_a, partner_b):
    response = staff_client.post(_url(pending), {
        **_rows((partner_a, "cutting", 3), (partner_b, "stitching", 2), (None, "", ""), total_forms=3),
        "note": "Split for speed",
    })
    assert response.status_code == 302 and response.url == run_url(pending)
    pending.refresh_from_db()
    assert pending.status == "approved"
    children = ProductionRun.objects.filter(parent_run=pending).order_by("id")
    assert [(c.partner_id, c.role, c.quantity, c.status) for c in children] == [
        (partner_a.pk, "cutting", 3, "approved"), (partner_b.pk, "stitching", 2, "approved"),
    ]
    approved = pending.activities.get(verb="approved")
    assert (approved.actor, approved.note) == (staff, "Split for speed")


def test_a_run_given_out_without_a_rate_is_said_at_once(staff_client, pending, partner_a, partner_b):
    """The only word of it came after completion, on the cost panel: the run had been made unpaid."""
    data = _rows((partner_a, "cutting", 3), (partner_b, "stitching", 2))
    data["rows-0-rate"] = "2.50"
    response = staff_client.post(_url(pending), data)
    assert response.status_code == 302
    unpriced = ProductionRun.objects.get(parent_run=pending, partner=partner_b)
    assert messages_of(response)[1] == (
        f"No rate is agreed for {unpriced} ({partner_b.name}): it will not be paid through the ledger. Set one with "
        "“Change rate…” on its page before the partner accepts, or on the design's partner link for next time.")


def test_runs_given_out_without_rates_are_named_together(staff_client, pending, partner_a, partner_b):
    response = staff_client.post(_url(pending), _rows((partner_a, "cutting", 3), (partner_b, "stitching", 2)))
    a, b = ProductionRun.objects.filter(parent_run=pending).order_by("id")
    assert messages_of(response)[1].startswith(
        f"No rate is agreed for {a} ({partner_a.name}), {b} ({partner_b.name}): they will not be paid through the "
        "ledger. Set one with “Change rate…” on their pages")


def test_bad_total_is_refused_with_the_service_message_and_writes_nothing(staff_client, pending, partner_a, partner_b):
    activities = ProductionRunActivity.objects.count()
    response = staff_client.post(_url(pending), _rows((partner_a, "cutting", 3), (partner_b, "stitching", 3)))
    assert response.status_code == 200
    assert messages_of(response) == ["Assignment quantities add up to 6, but the run's quantity is 5."]
    assert '<span class="stage-sum">6</span>' in response.content.decode()  # the typed total, without JavaScript
    pending.refresh_from_db()
    assert pending.status == "pending_review"
    assert not ProductionRun.objects.filter(parent_run=pending).exists()
    assert ProductionRunActivity.objects.count() == activities


def test_same_partner_and_role_twice_is_refused(staff_client, pending, partner_a):
    response = staff_client.post(_url(pending), _rows((partner_a, "cutting", 3), (partner_a, "cutting", 2)))
    assert "appears twice" in messages_of(response)[0]
    assert not ProductionRun.objects.filter(parent_run=pending).exists()


def test_rows_with_errors_are_shown_next_to_the_fields(staff_client, pending, partner_a):
    response = staff_client.post(_url(pending), _rows((partner_a, "cutting", 0)))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "quantity": ["Ensure this value is greater than or equal to 1."]}
    empty = staff_client.post(_url(pending), _rows((None, "", ""), total_forms=1))
    assert empty.context["formset"].non_form_errors() == [
        "Fill in at least one row: a partner, a role and a quantity."]
    assert "Please submit" not in empty.content.decode()
    assert not ProductionRun.objects.filter(parent_run=pending).exists()


def test_role_offers_what_the_design_and_the_categories_know(staff_client, pending, partner_a):
    DesignPartner.objects.create(design=pending.design, partner=partner_a, role="pressing")
    CategoryFactory(name="Cutting")
    response = staff_client.get(_url(pending))
    page = response.content.decode()
    assert response.context["role_suggestions"] == ["cutting", "pressing"]
    assert '<option value="pressing">' in page and 'list="role-suggestions"' in page


def test_rows_are_prefilled_from_the_design_routing(staff_client, staff, partner_a, partner_b):
    design = DesignFactory(routing={"assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 1, "rate": "20.00", "rate_type": "total"},
        {"partner": partner_b.pk, "role": "stitching", "share": 1}]})
    run = services.run_create(design=design, quantity=7, actor=staff)
    formset = staff_client.get(_url(run)).context["formset"]
    assert [form.initial for form in formset.forms[:2]] == [
        {"partner": partner_a.pk, "role": "cutting", "quantity": 4, "stage": 1, "template_category": None,
         "rate": Decimal("20.00"), "rate_type": "total"},
        {"partner": partner_b.pk, "role": "stitching", "quantity": 3, "stage": 1, "template_category": None,
         "rate": None, "rate_type": "per_unit"},
    ]
    assert not messages_of(staff_client.get(_url(run)))


def test_rows_prefilled_from_a_routing_that_names_templates_one_by_one_say_what_the_page_cannot_keep(
        staff_client, staff, partner_a):
    stitching = CategoryFactory(name="Stitching", steps=1)
    design = DesignFactory(routing={"assignments": [
        {"partner": partner_a.pk, "role": "cutting", "share": 1, "template_ids": [stitching.templates.first().pk]},
        {"partner": partner_a.pk, "role": "stitching", "share": 1, "stage": 2, "template_category": stitching.pk}]})
    run = services.run_create(design=design, quantity=2, actor=staff)
    response = staff_client.get(_url(run))
    assert [f.initial.get("template_category") for f in response.context["formset"].forms[:2]] == [None, stitching.pk]
    assert "one by one" in messages_of(response)[0]


def test_an_approved_run_cannot_be_allocated_again(staff_client, allocated):
    parent, _ = allocated
    response = staff_client.get(_url(parent), follow=True)
    assert "only a run pending review can be allocated" in messages_of(response)[0]
    assert ProductionRun.objects.filter(parent_run=parent).count() == 2


def test_two_stages_with_templates_named_for_the_later_one(staff_client, pending, partner_a, partner_b):
    stitching = CategoryFactory(name="Stitching", steps=2)
    page = staff_client.get(_url(pending) + "?stages=2").content.decode()
    assert "Stage 2" in page and 'name="rows-3-stage" value="2"' in page  # three blank rows per stage
    response = staff_client.post(_url(pending), _rows(
        (partner_a, "cutting", 5, 1), (None, "", "", 1), (partner_a, "stitching", 3, 2, stitching),
        (partner_b, "stitching", 2, 2, stitching), (None, "", "", 2),
    ))
    assert response.status_code == 302, messages_of(response)
    children = ProductionRun.objects.filter(parent_run=pending).order_by("id")
    assert [(c.partner_id, c.role, c.stage, c.quantity, c.planned_templates) for c in children] == [
        (partner_a.pk, "cutting", 1, 5, None),
        (partner_a.pk, "stitching", 2, 3, {"template_category": stitching.pk}),
        (partner_b.pk, "stitching", 2, 2, {"template_category": stitching.pk}),
    ]
    assert children[1].depends_on == [children[0].pk]
    page = staff_client.get(run_url(children[1])).content.decode()  # said in words, not as stored JSON
    assert "Category “Stitching”" in page and f">Run #{children[0].pk}</a>" in page


def test_a_stage_that_does_not_add_up_is_named(staff_client, pending, partner_a, partner_b):
    response = staff_client.post(_url(pending), _rows((partner_a, "cutting", 5, 1), (partner_b, "stitching", 4, 2)))
    assert messages_of(response) == ["Stage 2's quantities add up to 4, but the run's quantity is 5."]
    page = response.content.decode()
    assert '<span class="stage-sum">5</span>' in page and '<span class="stage-sum">4</span>' in page
    assert not ProductionRun.objects.filter(parent_run=pending).exists()


def test_adding_a_stage_keeps_what_was_typed_and_writes_nothing(staff_client, pending, partner_a):
    response = staff_client.post(_url(pending), {**_rows((partner_a, "cutting", 5, 1)), "add_stage": "1"})
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [stage for stage, _, _ in sections] == [1, 2]
    first = sections[0][1][0]
    assert (first["partner"].value(), first["role"].value(), first["quantity"].value()) == (str(partner_a.pk), "cutting", "5")
    assert len(sections[1][1]) == 3 and not sections[1][1][0].errors  # blank rows, no errors shown yet
    assert not ProductionRun.objects.filter(parent_run=pending).exists()


@pytest.mark.parametrize("stage", ["²", "9" * 5000, "-1", " 2"])
def test_odd_stage_numbers_typed_into_the_page_are_not_a_crash(staff_client, pending, partner_a, stage):
    data = {**_rows((partner_a, "cutting", 5, 1)), "rows-0-stage": stage}
    assert staff_client.post(_url(pending), {**data, "add_stage": "1"}).status_code == 200
    assert staff_client.post(_url(pending), data).status_code == 200  # the form's own error, not a 500
    assert staff_client.get(_url(pending) + f"?stages={stage}&rows={stage}").status_code == 200
