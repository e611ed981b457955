"""A staff correction of a run's output racing staff paying (or voiding, adjusting) its payable (PostgreSQL).

Before the fix, paying locked the payable, then (its activity's foreign key) the run; a correction locks the run,
then its payables: 3 to 5 of 15 rounds deadlocked.
"""

import pytest

from production import services
from production.models import Payable, ProductionRun
from tests.concurrency import race
from tests.money.test_payables_race import _in_progress

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 15


def test_correcting_a_run_while_its_payable_is_paid_never_deadlocks(require_postgres, staff):
    failures = []
    for i in range(ROUNDS):
        _, (run,) = _in_progress(staff, 10, 1, "2.00")
        services.run_complete(run=ProductionRun(pk=run.pk), actor=staff)
        payable = Payable.objects.get(run=run)
        services.payable_approve(payable=payable, actor=staff)
        outcomes = race(
            lambda run_id=run.pk: services.run_correct_output(run=ProductionRun(pk=run_id), actor=staff,
                                                              produced_quantity=8, rejected_quantity=2,
                                                              reason="recount"),
            lambda payable_id=payable.pk, i=i: services.payable_pay(payable=Payable(pk=payable_id),
                                                                    reference=f"T-{i}", actor=staff),
        )
        failures += [repr(o) for o in outcomes if isinstance(o, BaseException)]
    print(f"{len(failures)} failed calls in {ROUNDS} rounds: {failures[:2]}")
    assert not failures
