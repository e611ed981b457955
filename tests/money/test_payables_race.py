"""Exactly one payable per completed run, under real concurrency on PostgreSQL, and the database's backstop."""

from decimal import Decimal

from django.db import IntegrityError, transaction
import pytest

from production import services
from production.models import Payable, PayableKind, ProductionRun
from tasks.selectors import TemplateSelection
from tests.concurrency import race
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory


def _in_progress(staff, quantity_each: int, partners: int, rate: str) -> tuple[ProductionRun, list[ProductionRun]]:
    category = CategoryFactory(steps=1)
    parent, children = services.run_create_allocated(
        design=DesignFactory(), quantity=quantity_each * partners, actor=staff,
        assignments=[services.Assignment(partner_id=PartnerFactory().pk, quantity=quantity_each, role="making",
                                         rate=Decimal(rate)) for _ in range(partners)])
    for child in children:
        child = services.dispatch_start(run=child, actor=staff, selection=TemplateSelection(category_id=category.pk))
        services.task_complete(task=child.tasks.get(), actor=staff)
    return parent, children


@pytest.mark.django_db(transaction=True)
def test_eight_completions_of_one_run_make_one_payable(require_postgres, staff):
    _, (run,) = _in_progress(staff, 10, 1, "2.50")
    outcomes = race(*[lambda: services.run_complete(run=ProductionRun(pk=run.pk), actor=staff,
                                                     produced_quantity=9, rejected_quantity=1)] * 8)
    completed = [o for o in outcomes if isinstance(o, ProductionRun)]
    assert len(completed) == 1, outcomes
    assert all(getattr(o, "code", None) == "invalid_transition" for o in outcomes if o not in completed), outcomes
    (payable,) = Payable.objects.all()
    assert (payable.run_id, payable.amount, payable.units) == (run.pk, Decimal("22.50"), 9)


@pytest.mark.django_db(transaction=True)
def test_eight_children_completing_at_once_make_eight_payables_and_none_for_the_parent(require_postgres, staff):
    parent, children = _in_progress(staff, 5, 8, "1.10")
    outcomes = race(*[(lambda pk=c.pk: services.run_complete(run=ProductionRun(pk=pk), actor=staff))
                      for c in children])
    assert all(isinstance(o, ProductionRun) for o in outcomes), outcomes
    assert sorted(Payable.objects.values_list("run_id", flat=True)) == sorted(c.pk for c in children)
    assert set(Payable.objects.values_list("amount", flat=True)) == {Decimal("5.50")}
    parent.refresh_from_db()
    assert parent.status == "completed" and parent.produced_quantity == 40 and not parent.payables.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_second_completion_payable(staff):
    _, (run,) = _in_progress(staff, 2, 1, "1.00")
    services.run_complete(run=run, actor=staff)
    first = Payable.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payable.objects.create(run=first.run, partner=first.partner, kind=PayableKind.COMPLETION, amount=1,
                               currency="EUR", rate=1, rate_type="per_unit", units=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payable.objects.filter(pk=first.pk).update(amount=-1)
