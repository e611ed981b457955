"""The run lists carry each run's materials in one query, however many runs and materials there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
import pytest

from designs.materials import bill_line, design_set_bill_of_materials, material_create
from tests.factories import CategoryFactory, DesignFactory, DispatchedRunFactory

pytestmark = pytest.mark.django_db


def _queries(client, path) -> tuple[int, list[dict]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["results"]


def test_lists_with_materials_take_the_same_queries_for_3_and_30_runs(api_a, staff_api, partner_a):
    design, category = DesignFactory(), CategoryFactory(steps=1)
    design_set_bill_of_materials(design=design, lines=[
        bill_line(material=material_create(name=f"Material {i}", unit="m"), quantity_per_piece="1.5")
        for i in range(3)])

    def make(n):
        DispatchedRunFactory.create_batch(n, partner=partner_a, design=design, quantity=2, role="", category=category)

    make(3)
    api_a.get("/api/partners/me/")  # the user is authenticated once per client: its partner is then known
    partner_small, runs = _queries(api_a, "/api/partners/production-runs/?limit=100")
    staff_small, _ = _queries(staff_api, "/api/admin/production-runs/?limit=100")
    assert [m["planned"] for m in runs[0]["materials"]] == ["3.000", "3.000", "3.000"]
    make(27)
    partner_large, runs = _queries(api_a, "/api/partners/production-runs/?limit=100")
    staff_large, _ = _queries(staff_api, "/api/admin/production-runs/?limit=100")
    assert len(runs) == 30 and all(len(run["materials"]) == 3 for run in runs)
    # Partner: the count, the page (design name and progress annotated), the materials prefetch.
    # Staff: the count, the page (design and partner joined), the children prefetch, the materials prefetch.
    assert (partner_small, staff_small) == (partner_large, staff_large) == (3, 4)
