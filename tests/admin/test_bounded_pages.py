"""Admin pages bounded in the size of the catalogue: with 2,000 partners, 2,000 designs and 2,000 runs waiting
for templates, every page takes the same queries and about the same bytes as with 10 of each. Partners and
designs are searched for as staff type (the page holds the chosen one only), the waiting runs come 50 to a page.
"""

from django.urls import reverse
import pytest

from designs.models import Design
from partners.models import Partner
from production import services
from production.models import DispatchState, ProductionRun, RunStatus
from tests.factories import DesignFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _catalogue(n: int, design, runs: int):
    Partner.objects.bulk_create(Partner(name=f"Workshop {i}", handle=f"workshop-{n}-{i}", email=f"w{i}@example.com",
                                        roles=["cutting"]) for i in range(n))
    Design.objects.bulk_create(Design(name=f"Design {i}") for i in range(n))
    partner = Partner.objects.first()
    ProductionRun.objects.bulk_create(
        ProductionRun(design=design, partner=partner, quantity=1, role="cutting", status=RunStatus.APPROVED,
                      dispatch_state=DispatchState.AWAITING_TEMPLATES, snapshot={}) for _ in range(runs))


def _measure(client, urls) -> dict[str, tuple[int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sizes = {}
    for name, url in urls.items():
        client.get(url)  # the session and content types warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        sizes[name] = (len(queries), len(response.content))
    return sizes


def test_pages_take_the_same_queries_and_bytes_for_10_and_2000_partners(staff_client, staff):
    design = DesignFactory(name="Linen shirt")
    pending = services.run_create(design=design, quantity=4, actor=staff)
    PartnerFactory(name="Atelier Aurora")
    _catalogue(10, design, runs=110)  # lists full from the start (100 rows): then only the catalogue grows
    urls = {
        "run list": reverse("admin:production_productionrun_changelist"),
        "run add": reverse("admin:production_productionrun_add"),
        "allocate": reverse("admin:production_productionrun_allocate", args=[pending.pk]),
        "confirm templates": reverse("admin:production_productionrun_confirm_templates"),
        "payables": reverse("admin:production_payable_changelist"),
        "tasks": reverse("admin:tasks_task_changelist"),
        "partner users": reverse("admin:partners_partnermembership_changelist"),
        "add partner user": reverse("admin:partners_partnermembership_add"),
        "notifications": reverse("admin:partners_notification_changelist"),
    }
    small = _measure(staff_client, urls)
    _catalogue(1990, design, runs=1890)
    large = _measure(staff_client, urls)
    assert Partner.objects.count() > 2000 and ProductionRun.objects.filter(
        dispatch_state=DispatchState.AWAITING_TEMPLATES).count() == 2000
    for name in urls:
        (queries_small, bytes_small), (queries_large, bytes_large) = small[name], large[name]
        assert queries_large == queries_small, name
        assert bytes_large < bytes_small + 2_000, (name, bytes_small, bytes_large)  # a few longer numbers


def test_the_partner_search_names_roles_and_offers_only_active_partners_where_work_is_given(staff_client):
    PartnerFactory(name="Atelier Aurora", roles=["cutting", "stitching"])
    PartnerFactory(name="Atelier Closed", is_active=False, roles=[])
    url = reverse("admin:autocomplete")
    params = {"app_label": "production", "model_name": "productionrun", "field_name": "partner", "term": "atelier"}
    allocate = staff_client.get(url, {**params, "active": "1"}).json()["results"]
    assert [r["text"] for r in allocate] == ["Atelier Aurora (cutting, stitching)"]
    every = staff_client.get(url, params).json()["results"]  # the run list's filter finds past partners too
    assert [r["text"] for r in every] == ["Atelier Aurora (cutting, stitching)", "Atelier Closed"]


def test_the_run_list_filters_by_a_partner_picked_by_search(staff_client, allocated, partner_a):
    parent, (child_a, _) = allocated
    page = staff_client.get(reverse("admin:production_productionrun_changelist"),
                            {"partner__id__exact": partner_a.pk})
    html = page.content.decode()
    assert list(page.context["cl"].result_list) == [child_a]
    assert f'<option value="{partner_a.pk}" selected>{partner_a.choice_label}</option>' in html
    assert 'data-pick="?partner__id__exact=__pick__' in html and "config/autocomplete_filter.js" in html
    nonsense = staff_client.get(reverse("admin:production_productionrun_changelist"), {"partner__id__exact": "x"})
    assert nonsense.status_code in (200, 302)  # Django's own answer to a bad lookup, never a 500
