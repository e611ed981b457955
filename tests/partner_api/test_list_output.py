"""The partner runs list counts progress with correlated subqueries (flat as history grows): its JSON must be
byte for byte what the straightforward reference gives, a join with GROUP BY feeding the same serializer."""

from datetime import date

from django.db.models import Count, Q
from django.test import Client, override_settings
import pytest
from rest_framework.renderers import JSONRenderer

from designs.materials import bill_line, design_set_bill_of_materials, material_create
from partners.auth import token_create
from production import services
from production.api.serializers import PartnerRunOutput
from production.selectors import runs_for_partner
from tests.factories import CategoryFactory, DesignFactory, DispatchedRunFactory

pytestmark = pytest.mark.django_db


def _reference(partner, limit):
    """The rows as the list used to count them: every task joined, counted per run."""
    runs = runs_for_partner(partner).annotate(
        tasks_total=Count("tasks", filter=~Q(tasks__status="cancelled"), distinct=True),
        tasks_completed=Count("tasks", filter=Q(tasks__status="completed"), distinct=True),
        tasks_started=Count("tasks", filter=Q(tasks__started_at__isnull=False), distinct=True),
    ).prefetch_related("materials").order_by("-sent_at", "-id")[:limit]
    return JSONRenderer().render(PartnerRunOutput(runs, many=True).data)


def test_the_list_says_exactly_what_the_reference_says(api_a, partner_a, partner_b, user_a, staff):
    design, category = DesignFactory(specs={"fabric": "linen", "note": "é ✂"}), CategoryFactory(steps=3)
    design_set_bill_of_materials(design=design, lines=[
        bill_line(material=material_create(name="Linen", unit="m"), quantity_per_piece="1.25")])
    done, started, untouched, cancelled = (
        DispatchedRunFactory(partner=partner_a, design=design, category=category) for _ in range(4))
    DispatchedRunFactory(partner=partner_b, design=design, category=category)  # another partner's: not listed
    for task in done.tasks.all():
        services.task_complete(task=task, actor=user_a)
    services.run_complete(run=done, actor=user_a, produced_quantity=3)
    first, second, _ = started.tasks.order_by("sequence")
    services.task_complete(task=first, actor=user_a)
    services.task_start(task=second, actor=user_a)
    services.run_cancel(run=cancelled, actor=staff, reason="Fabric recalled")

    response = api_a.get("/api/partners/production-runs/?limit=10")
    listed = {run["id"]: run["progress"] for run in response.json()["results"]}
    assert listed == {
        done.pk: {"tasks_total": 3, "tasks_completed": 3},
        started.pk: {"tasks_total": 3, "tasks_completed": 1},
        untouched.pk: {"tasks_total": 3, "tasks_completed": 0},
        cancelled.pk: {"tasks_total": 0, "tasks_completed": 0},
    }
    page = response.content
    results = page[page.index(b'"results":') + len(b'"results":'):-1]
    assert results == _reference(partner_a, 10)
    services.run_set_due_date(run=untouched, due_date=date(2026, 1, 5), actor=staff)

    # The bench's bare view (the ceiling the list is measured against) answers the very same bytes.
    token = token_create(user_a)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    with override_settings(ROOT_URLCONF="bench.urls"):
        api, bare = client.get("/api/partners/production-runs/"), client.get("/bench/bare-runs/")
    assert api.status_code == bare.status_code == 200
    assert b'"materials":[{' in api.content and b'"due_date":"2026-01-05"' in api.content
    assert bare.content == api.content
