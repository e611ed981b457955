"""No use is logged on a run once it is completed, however the log and the completion interleave (PostgreSQL)."""

from decimal import Decimal

import pytest

from designs.materials import bill_line, design_set_bill_of_materials, material_create
from production import services
from production.models import ActivityVerb, Consumption, ProductionRun
from tasks.selectors import TemplateSelection
from tests.concurrency import race
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory


@pytest.mark.django_db(transaction=True)
def test_logs_racing_the_completion_land_before_it_or_are_refused(require_postgres, staff):
    wool = material_create(name="Wool", unit="m", unit_cost=Decimal("10.00"))
    design = DesignFactory()
    design_set_bill_of_materials(design=design, lines=[bill_line(material=wool, quantity_per_piece="2")])
    _, (run,) = services.run_create_allocated(design=design, quantity=5, actor=staff, assignments=[
        services.Assignment(partner_id=PartnerFactory().pk, quantity=5)])
    run = services.dispatch_start(run=run, actor=staff, selection=TemplateSelection(
        category_id=CategoryFactory(steps=1).pk))
    services.task_complete(task=run.tasks.get(), actor=staff)  # starts the run

    def log():
        return services.consumption_log(run=ProductionRun(pk=run.pk), material_id=wool.pk, quantity="1.5",
                                        actor=staff)

    def complete():
        return services.run_complete(run=ProductionRun(pk=run.pk), actor=staff, produced_quantity=5)

    outcomes = race(*[log] * 7, complete)
    logged = [o for o in outcomes if isinstance(o, Consumption)]
    refused = [o for o in outcomes if getattr(o, "code", None) == "invalid_transition"]
    assert isinstance(outcomes[-1], ProductionRun) and len(logged) + len(refused) == 7, outcomes
    assert Consumption.objects.count() == len(logged)
    # Every use was written while the run was in progress: before the completion, in lock order.
    activities = ProductionRun.objects.get(pk=run.pk).activities
    completed_id = activities.get(verb=ActivityVerb.COMPLETED).pk
    assert all(pk < completed_id for pk in activities.filter(verb=ActivityVerb.MATERIAL_USED).values_list(
        "pk", flat=True))
    assert ProductionRun.objects.get(pk=run.pk).materials.get().consumed == Decimal("1.5") * len(logged)
