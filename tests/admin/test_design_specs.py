"""A design's specs are edited in admin as lines of "name: value", keeping every JSON value as it was."""

from django import forms
from django.urls import reverse
import pytest

from designs.models import Design
from designs.specs import specs_as_lines, specs_from_lines
from tests.admin.test_designs_admin import _design_form
from tests.factories import DesignFactory


@pytest.mark.parametrize("specs", [
    {},
    {"fabric": "denim", "weight_gsm": 320, "price": 12.5, "washable": True, "lining": None},
    {"sizes": ["S", "M", "L"], "trims": {"buttons": 4, "zip": "YKK"}},
    # Text that would read back as something else unless quoted:
    {"code": "42", "flag": "true", "empty": "", "padded": "  wide ", "quote": '"as said"', "two": "line\nbreak"},
    # Names that cannot stand bare before a colon:
    {"time: cut": "2h", "": "nameless", " spaced ": 1, '"quoted"': "x"},
    {"fabric": "coton, 5 % élasthanne", "note": "{not json"},
    # Characters Python also ends a line at, in text, in a list and in a name:
    {"line": "a\u2028b", "ff": "a\x0cb", "nel": "x\x85y", "gs": "a\x1db", "list": ["a\u2029b"], "key\u2028x": 1,
     "cr": "a\rb", "é": "é"},
])
def test_lines_give_back_the_same_specs(specs):
    assert specs_from_lines(specs_as_lines(specs)) == specs
    # as a browser posts a textarea: its lines end with \r\n
    assert specs_from_lines(specs_as_lines(specs).replace("\n", "\r\n")) == specs


def test_lines_read_as_people_write_them():
    assert specs_as_lines({"fabric": "denim", "weight_gsm": 320, "sizes": ["S", "M"]}) == (
        'fabric: denim\nweight_gsm: 320\nsizes: ["S", "M"]')
    assert specs_from_lines("fabric: denim\n\n  weight_gsm : 320  \nsizes: [\"S\", \"M\"]\nnote: ready: soon") == {
        "fabric": "denim", "weight_gsm": 320, "sizes": ["S", "M"], "note": "ready: soon"}


@pytest.mark.parametrize("text, message", [
    ("fabric denim", "Line 1 needs a name, a colon and a value, such as “fabric: denim”."),
    ("fabric: denim\n: cotton", "Line 2 needs a name, a colon and a value, such as “fabric: denim”."),
    ("fabric: denim\nfabric: linen", "Line 2: “fabric” is already given above."),
    ('"fabric: denim', "Line 1: the quoted name is not closed."),
    ('"fabric" denim', "Line 1 needs a name, a colon and a value, such as “fabric: denim”."),
])
def test_a_line_that_cannot_be_read_is_named(text, message):
    with pytest.raises(forms.ValidationError) as caught:
        specs_from_lines(text)
    assert caught.value.messages == [message]


@pytest.mark.django_db
def test_the_design_form_shows_lines_and_saves_them(staff_client):
    design = DesignFactory(specs={"fabric": "denim", "weight_gsm": 320})
    url = reverse("admin:designs_design_change", args=[design.pk])
    page = staff_client.get(url).content.decode()
    assert ">\nfabric: denim\nweight_gsm: 320</textarea>" in page  # a textarea starts with a line break
    response = staff_client.post(url, _design_form(design, specs="fabric: linen\nweight_gsm: 180\ncolours: [\"sand\"]"))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.specs == {"fabric": "linen", "weight_gsm": 180, "colours": ["sand"]}


@pytest.mark.django_db
def test_a_pasted_json_object_is_still_taken_and_a_bad_line_writes_nothing(staff_client):
    design = DesignFactory(specs={"fabric": "denim"})
    url = reverse("admin:designs_design_change", args=[design.pk])
    assert staff_client.post(url, _design_form(design, specs='{"fabric": "wool", "gsm": 300}')).status_code == 302
    assert Design.objects.get(pk=design.pk).specs == {"fabric": "wool", "gsm": 300}
    response = staff_client.post(url, _design_form(design, specs="fabric wool"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["specs"] == [
        "Line 1 needs a name, a colon and a value, such as “fabric: denim”."]
    assert Design.objects.get(pk=design.pk).specs == {"fabric": "wool", "gsm": 300}
