"""The partner runs list counts progress with correlated subqueries (flat as history grows): its JSON must be
byte for byte what the straightforward reference gives, a join with GROUP BY feeding the same serializer."""

from datetime import UTC, date, datetime

from django.db.models import Count, Q
from django.test import Client, override_settings
import pytest
from rest_framework.renderers import JSONRenderer
import time_machine

from designs.materials import bill_line, design_set_bill_of_materials, material_create
from partners.auth import token_create
from production import services
from production.api.serializers import PartnerRunOutput
from production.selectors import runs_for_partner
from tasks.selectors import TemplateSelection
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


def test_every_state_that_changes_a_field_reads_as_the_serializer_says(api_a, partner_a, user_a, staff):
    """The list writes its rows without the serializer (``production.api.partner_list``): each field that depends
    on the run's state is exercised here, and the page must still be the serializer's, byte for byte."""
    category = CategoryFactory(steps=1)
    design = DesignFactory(specs={"fabric": "wool", "gsm": 320, "sizes": ["S", "M"], "line": "a\u2028b"})
    zip_, button = material_create(name="Zip", unit="pcs"), material_create(name="Button", unit="pcs")
    design_set_bill_of_materials(design=design, lines=[bill_line(material=zip_, quantity_per_piece="1"),
                                                       bill_line(material=button, quantity_per_piece="4")])
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC), tick=False):
        short, late, accepted, on_time = (
            DispatchedRunFactory(partner=partner_a, design=design, category=category) for _ in range(4))
        for run in (short, late, on_time):
            services.run_set_due_date(run=run, due_date=date(2026, 3, 5), actor=staff)
        services.run_set_rate(run=accepted, rate="12.50", rate_type="total", actor=staff)
        services.run_accept(run=accepted, actor=user_a)
        for run in (short, on_time):
            services.task_complete(task=run.tasks.get(), actor=user_a)
        services.run_complete(run=on_time, actor=user_a, produced_quantity=on_time.quantity)
        sample = services.sample_send(design=design, partner=partner_a, quantity=1, actor=staff,
                                      selection=TemplateSelection(category_id=category.pk))
        services.task_complete(task=sample.tasks.get(), actor=user_a)
        services.run_complete(run=sample, actor=user_a, produced_quantity=1)
        services.run_review(run=sample, decision="redo", notes="Tighter seams", actor=staff)
    with time_machine.travel(datetime(2026, 3, 9, 16, 0, tzinfo=UTC), tick=False):
        services.run_complete(run=short, actor=user_a, produced_quantity=1, rejected_quantity=1,
                              rejection_reason="sizing_error", shortfall_reason="Fabric ran out")
        response = api_a.get("/api/partners/production-runs/?limit=20")
        reference = _reference(partner_a, 20)
    results = response.json()["results"]
    states = {run["id"]: run for run in results}
    assert states[short.pk]["shortfall_quantity"] == short.quantity - 2
    assert states[short.pk]["completed_late"] is True and states[on_time.pk]["completed_late"] is False
    assert states[late.pk]["is_late"] is True and states[accepted.pk]["rate"] == "12.50"
    assert states[sample.pk]["review"]["decision"] == "redo" and states[sample.pk]["review"]["reviewed_at"]
    assert any(run["redo_of"] == sample.pk for run in results)  # the next round, sent at once
    assert states[accepted.pk]["accepted_at"]
    # A run's materials by name (Button before Zip), not in the order they were planned.
    assert [m["material_name"] for m in states[accepted.pk]["materials"]] == ["Button", "Zip"]
    page = response.content
    assert page[page.index(b'"results":') + len(b'"results":'):-1] == reference
