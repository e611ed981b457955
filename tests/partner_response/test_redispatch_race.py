"""Staff's "send back to the previous partner" batch racing a staff reassignment of one of its runs (PostgreSQL)."""

import pytest

from production.models import ProductionRun
from production.services import partner_response, run_reassign
from tasks.models import Task
from tests.concurrency import meanwhile
from tests.factories import DispatchedRunFactory, PartnerFactory
from tests.partner_response.conftest import park

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_redispatch_does_not_take_back_a_run_staff_just_gave_to_another_partner(require_postgres, monkeypatch, partner_a, staff):
    first, second = (DispatchedRunFactory(partner=partner_a, actor=staff) for _ in range(2))
    park(first)
    park(second)
    partner_c = PartnerFactory(name="Cucito C")

    # Meanwhile another staff member (another request, another connection) gives `second` to C.
    meanwhile(monkeypatch, partner_response, "run_reassign", lambda: run_reassign(
        run=ProductionRun(pk=second.pk), partner_id=partner_c.pk, dispatch=True, actor=staff),
        when=lambda run, **kwargs: run.pk == first.pk)
    results = partner_response.runs_redispatch(run_ids=[first.pk, second.pk], dry_run=False, actor=staff)

    second.refresh_from_db()
    print([(r.run, r.outcome) for r in results], second.partner_id, second.status)
    assert second.partner_id == partner_c.pk, (
        f"run {second.pk} was given to C by staff, then taken from C by the redispatch batch "
        f"(outcome {results[1].outcome!r}, now with partner {second.partner_id})")
    assert Task.objects.filter(production_run=second, partner=partner_c, status="pending").exists()


def test_redispatch_never_sends_a_run_back_to_a_partner_who_declined_it_meanwhile(require_postgres, monkeypatch, partner_a, staff):
    first, second = (DispatchedRunFactory(partner=partner_a, actor=staff) for _ in range(2))
    park(first)
    park(second)

    def a_declines_it_back():  # meanwhile staff give `second` back to A by hand, and A declines it (capacity)
        run_reassign(run=ProductionRun(pk=second.pk), partner_id=partner_a.pk, dispatch=True, actor=staff)
        partner_response.run_decline(run=ProductionRun(pk=second.pk), partner=partner_a, reason="capacity")

    meanwhile(monkeypatch, partner_response, "run_reassign", a_declines_it_back,
              when=lambda run, **kwargs: run.pk == first.pk)
    results = partner_response.runs_redispatch(run_ids=[first.pk, second.pk], dry_run=False, actor=staff)

    second.refresh_from_db()
    print([(r.run, r.outcome) for r in results], second.partner_id, second.status, second.decline_reason)
    assert results[1].outcome == "declined", results
    assert (second.status, second.partner_id) == ("awaiting_reassignment", None)
