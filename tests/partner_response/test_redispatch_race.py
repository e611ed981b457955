"""Staff's "send back to the previous partner" batch racing a staff reassignment of one of its runs (PostgreSQL)."""

import threading

from django.db import connection, transaction
import pytest

from production.models import ActivityVerb, AlertKind, DeclineReason, ProductionRun
from production.services import partner_response, run_reassign
from production.services.partner_response import hand_back_locked
from tasks.models import Task
from tests.factories import DispatchedRunFactory, PartnerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _parked(run):
    with transaction.atomic():
        locked = ProductionRun.objects.select_for_update(of=("self",)).select_related("partner", "design").get(pk=run.pk)
        hand_back_locked(locked, actor=None, reason=DeclineReason.NO_RESPONSE, notes="", verb=ActivityVerb.PARKED,
                         alert=AlertKind.PARKED, message="parked")


def test_redispatch_does_not_take_back_a_run_staff_just_gave_to_another_partner(require_postgres, partner_a, staff):
    first, second = (DispatchedRunFactory(partner=partner_a, actor=staff) for _ in range(2))
    _parked(first)
    _parked(second)
    partner_c = PartnerFactory(name="Cucito C")

    real = partner_response.run_reassign

    def reassign_with_a_colleague_at_work(*, run, **kwargs):
        if run.pk == first.pk:
            # Meanwhile another staff member (another request, another connection) gives `second` to C.
            def colleague():
                try:
                    run_reassign(run=ProductionRun(pk=second.pk), partner_id=partner_c.pk, dispatch=True, actor=staff)
                finally:
                    connection.close()
            t = threading.Thread(target=colleague)
            t.start()
            t.join()
        return real(run=run, **kwargs)

    partner_response.run_reassign = reassign_with_a_colleague_at_work
    try:
        results = partner_response.runs_redispatch(run_ids=[first.pk, second.pk], dry_run=False, actor=staff)
    finally:
        partner_response.run_reassign = real

    second.refresh_from_db()
    print([(r.run, r.outcome) for r in results], second.partner_id, second.status)
    assert second.partner_id == partner_c.pk, (
        f"run {second.pk} was given to C by staff, then taken from C by the redispatch batch "
        f"(outcome {results[1].outcome!r}, now with partner {second.partner_id})")
    assert Task.objects.filter(production_run=second, partner=partner_c, status="pending").exists()


def test_redispatch_never_sends_a_run_back_to_a_partner_who_declined_it_meanwhile(require_postgres, partner_a, staff):
    first, second = (DispatchedRunFactory(partner=partner_a, actor=staff) for _ in range(2))
    _parked(first)
    _parked(second)

    real = partner_response.run_reassign

    def reassign_while_a_declines(*, run, **kwargs):
        if run.pk == first.pk:
            # Meanwhile staff give `second` back to A by hand, and A declines it (capacity).
            def elsewhere():
                try:
                    run_reassign(run=ProductionRun(pk=second.pk), partner_id=partner_a.pk, dispatch=True, actor=staff)
                    partner_response.run_decline(run=ProductionRun(pk=second.pk), partner=partner_a, reason="capacity")
                finally:
                    connection.close()
            t = threading.Thread(target=elsewhere)
            t.start()
            t.join()
        return real(run=run, **kwargs)

    partner_response.run_reassign = reassign_while_a_declines
    try:
        results = partner_response.runs_redispatch(run_ids=[first.pk, second.pk], dry_run=False, actor=staff)
    finally:
        partner_response.run_reassign = real

    second.refresh_from_db()
    print([(r.run, r.outcome) for r in results], second.partner_id, second.status, second.decline_reason)
    assert results[1].outcome == "declined", results
    assert (second.status, second.partner_id) == ("awaiting_reassignment", None)
