"""The material catalogue and a design's bill of materials through the staff API."""

import pytest

from designs.models import BillOfMaterialsLine, Material
from tests.factories import DesignFactory
from tests.materials.conftest import add_material

pytestmark = pytest.mark.django_db


def test_materials_are_added_listed_and_changed(staff_api, api_a):
    wool = add_material(staff_api, "Wool melton", "m", "12.50")
    add_material(staff_api, "Buttons", "pcs")
    listed = staff_api.get("/api/admin/materials/").json()["results"]
    assert [(m["name"], m["unit"], m["unit_label"], m["unit_cost"]) for m in listed] == [
        ("Buttons", "pcs", "pieces", None), ("Wool melton", "m", "metres", "12.50")]
    assert {m["currency"] for m in listed} == {"EUR"}  # wherever money is (API.md)
    changed = staff_api.patch(f"/api/admin/materials/{wool}/", {"unit_cost": "13.00"}, format="json")
    assert changed.status_code == 200 and changed.json()["unit_cost"] == "13.00" and changed.json()["unit"] == "m"
    assert staff_api.get(f"/api/admin/materials/{wool}/").json()["unit_cost"] == "13.00"
    assert api_a.get("/api/admin/materials/").status_code == 403  # a partner user is not staff


@pytest.mark.parametrize("body, field", [
    ({"name": "WOOL MELTON", "unit": "m"}, "name"),  # the name is taken, in any case
    ({"name": "Silk", "unit": "yard"}, "unit"),
    ({"name": "Silk", "unit": "m", "unit_cost": "-1.00"}, "unit_cost"),
    ({"name": "Silk", "unit": "m", "unit_cost": "1.005"}, "unit_cost"),
    ({"name": "  ", "unit": "m"}, "name"),
    ({"name": "Silk", "unit": "m", "colour": "red"}, "colour"),
])
def test_bad_materials_are_refused(staff_api, body, field):
    add_material(staff_api, "Wool melton", "m")
    response = staff_api.post("/api/admin/materials/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Material.objects.count() == 1


def test_a_bill_of_materials_is_replaced_whole(staff_api):
    design = DesignFactory()
    wool, thread = add_material(staff_api, "Wool", "m"), add_material(staff_api, "Thread", "cone")
    url = f"/api/admin/designs/{design.pk}/materials/"
    first = staff_api.put(url, [{"material": wool, "quantity_per_piece": 2.5, "role": "cutting"},
                                {"material": thread, "quantity_per_piece": "0.125"}], format="json")
    assert first.status_code == 200, first.json()
    assert [(line["material_name"], line["quantity_per_piece"], line["unit"], line["role"]) for line in first.json()] == [
        ("Thread", "0.125", "cone", ""), ("Wool", "2.500", "m", "cutting")]
    assert staff_api.get(url).json() == first.json()
    second = staff_api.put(url, [{"material": wool, "quantity_per_piece": "3"}], format="json")
    assert [(line["material"], line["quantity_per_piece"]) for line in second.json()] == [(wool, "3.000")]
    assert staff_api.put(url, [], format="json").json() == []
    assert not BillOfMaterialsLine.objects.exists()


@pytest.mark.parametrize("lines, field, message", [
    (lambda w: [{"material": w, "quantity_per_piece": "1"}, {"material": w, "quantity_per_piece": "2"}],
     "material", "is listed twice for the first stage"),
    (lambda w: [{"material": 999_999, "quantity_per_piece": "1"}], "material", "Unknown materials: [999999]"),
    (lambda w: [{"material": w, "quantity_per_piece": "1"}, {"material": w, "quantity_per_piece": "0"}],
     "quantity_per_piece", "Line 2: Quantity per piece must be above 0"),
    (lambda w: [{"material": w, "quantity_per_piece": "0.0001"}], "quantity_per_piece", "at most 3 decimal places"),
    (lambda w: [{"material": w, "quantity_per_piece": "100000"}], "quantity_per_piece", "at most 99999.999"),
    (lambda w: {"material": w, "quantity_per_piece": "1"}, "non_field_errors", "as a list of lines"),
])
def test_a_bad_bill_is_refused_and_the_old_one_stays(staff_api, lines, field, message):
    design = DesignFactory()
    wool = add_material(staff_api, "Wool", "m")
    url = f"/api/admin/designs/{design.pk}/materials/"
    staff_api.put(url, [{"material": wool, "quantity_per_piece": "2", "role": "cutting"}], format="json")
    response = staff_api.put(url, lines(wool), format="json")
    assert response.status_code == 400 and message in response.json()[field][0], response.json()
    assert [line["quantity_per_piece"] for line in staff_api.get(url).json()] == ["2.000"]
    assert staff_api.get("/api/admin/designs/999999/materials/").status_code == 404
