"""The partner runs list counts progress with correlated subqueries (flat as history grows): its JSON must be
byte for byte what the straightforward reference gives, a join with GROUP BY feeding the same serializer."""

from django.db.models import Count, Q
import pytest
from rest_framework.renderers import JSONRenderer

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
    design, category = DesignFactory(), CategoryFactory(steps=3)
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
