"""A design's routing through PATCH /api/admin/designs/{id}/ (docs/api.md: Designs)."""

import pytest

from designs.models import Design
from tests.factories import CategoryFactory, DesignFactory

pytestmark = pytest.mark.django_db


def _patch(staff_api, design, routing):
    return staff_api.patch(f"/api/admin/designs/{design.pk}/", {"routing": routing}, format="json")


def test_valid_routing_is_saved(staff_api, partner_a, partner_b):
    design = DesignFactory()
    category = CategoryFactory()
    routing = {
        "assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 2},
                        {"partner": partner_b.pk, "role": "stitching", "share": 0.5}],
        "template_category": category.pk,
    }
    response = _patch(staff_api, design, routing)
    assert response.status_code == 200, response.data
    assert response.data["routing"] == routing
    design.refresh_from_db()
    assert design.routing == routing
    assert staff_api.get(f"/api/admin/designs/{design.pk}/").data["routing"] == routing


def test_routing_can_be_cleared(staff_api, partner_a):
    design = DesignFactory()
    assert _patch(staff_api, design, {"assignments": [{"partner": partner_a.pk, "share": 1}]}).status_code == 200
    response = _patch(staff_api, design, None)
    assert response.status_code == 200
    assert Design.objects.get(pk=design.pk).routing is None


@pytest.mark.parametrize("bad", [
    "share-zero", "share-negative", "share-not-a-number", "share-as-text", "share-tiny-text", "share-huge",
    "no-share", "unknown-partner",
    "category-and-ids", "not-an-object", "unknown-key", "same-partner-role-twice",
])
def test_invalid_routing_is_refused_and_nothing_changes(staff_api, partner_a, bad):
    design = DesignFactory()
    kept = {"assignments": [{"partner": partner_a.pk, "role": "", "share": 1}]}
    assert _patch(staff_api, design, kept).status_code == 200
    one = {"partner": partner_a.pk, "role": "cutting", "share": 1}
    routing = {
        "share-zero": {"assignments": [{**one, "share": 0}]},
        "share-negative": {"assignments": [{**one, "share": -1}]},
        "share-not-a-number": {"assignments": [{**one, "share": "a lot"}]},
        "share-as-text": {"assignments": [{**one, "share": "2"}]},
        # Exact arithmetic on this would take forever: refused as text before any arithmetic.
        "share-tiny-text": {"assignments": [{**one, "share": "1e-999999999"}]},
        "share-huge": {"assignments": [{**one, "share": 10**12}]},
        "no-share": {"assignments": [{"partner": partner_a.pk}]},
        "unknown-partner": {"assignments": [{**one, "partner": 987654321}]},
        "category-and-ids": {"assignments": [one], "template_category": CategoryFactory().pk, "template_ids": [1]},
        "not-an-object": [one],
        "unknown-key": {"assignments": [one], "partners": [partner_a.pk]},
        "same-partner-role-twice": {"assignments": [one, one]},
    }[bad]

    response = _patch(staff_api, design, routing)

    assert response.status_code == 400, response.data
    assert "routing" in response.data
    assert Design.objects.get(pk=design.pk).routing == kept
