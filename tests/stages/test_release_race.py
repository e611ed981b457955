"""The release runs exactly once when the last two children of a stage complete at the same moment (PostgreSQL)."""

import pytest

from production import services
from production.assignments import Assignment
from production.models import ProductionRun, ProductionRunActivity
from tasks.models import Task
from tasks.selectors import TemplateSelection
from tests.concurrency import race
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("require_postgres")
@pytest.mark.parametrize("attempt", range(3))
def test_two_cutters_finishing_together_release_stitching_once(attempt, django_capture_on_commit_callbacks):
    cutting, stitching = CategoryFactory(steps=1), CategoryFactory(steps=2)
    cutters, stitchers = [PartnerFactory() for _ in range(2)], [PartnerFactory() for _ in range(2)]
    named = TemplateSelection(category_id=stitching.pk)
    root, children = services.run_create_allocated(design=DesignFactory(), quantity=10, assignments=[
        Assignment(partner_id=cutters[0].pk, role="cutting", quantity=6),
        Assignment(partner_id=cutters[1].pk, role="cutting", quantity=4),
        Assignment(partner_id=stitchers[0].pk, role="stitching", quantity=5, stage=2, selection=named),
        Assignment(partner_id=stitchers[1].pk, role="stitching", quantity=5, stage=2, selection=named),
    ])
    cuts = []
    for child in children[:2]:
        run = services.dispatch_start(run=child, selection=TemplateSelection(category_id=cutting.pk))
        services.task_complete(task=run.tasks.get())
        cuts.append(run)

    outcomes = race(*(lambda run=run: services.run_complete(run=run, produced_quantity=run.quantity - 1,
                                                            rejected_quantity=1) for run in cuts))
    assert all(isinstance(o, ProductionRun) for o in outcomes), outcomes

    stitches = list(ProductionRun.objects.filter(parent_run=root, stage=2).order_by("id"))
    assert [(s.quantity, s.status) for s in stitches] == [(4, "sent_to_partner"), (4, "sent_to_partner")]
    for stitch in stitches:
        assert ProductionRunActivity.objects.filter(run=stitch, verb="released").count() == 1
        assert ProductionRunActivity.objects.filter(run=stitch, verb="dispatched").count() == 1
        assert Task.objects.filter(production_run=stitch).count() == 2
