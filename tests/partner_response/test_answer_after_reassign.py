"""Partner A's request on its run racing staff pulling the run back and sending it to B (PostgreSQL).

The partner API checks scope (``runs_for_partner``) before calling the service; the service must ask again, under
the run's lock, whose run it is. Staff's reassignment is committed, from another connection, between the two
steps of A's request (the hook runs it exactly there).
"""

import pytest

from production import services
from production.models import ProductionRun
from tests.concurrency import meanwhile
from tests.factories import DispatchedRunFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("action", ["start", "accept"])
def test_a_partner_cannot_start_or_accept_a_run_that_staff_just_gave_to_another_partner(
        require_postgres, monkeypatch, api_a, partner_a, partner_b, staff, action):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    meanwhile(monkeypatch, services, f"run_{action}", lambda: services.run_reassign(
        run=ProductionRun(pk=run.pk), partner_id=partner_b.pk, dispatch=True, actor=staff, note="A is slow"))

    response = api_a.post(f"/api/partners/production-runs/{run.pk}/{action}", {}, format="json")

    run.refresh_from_db()
    started = run.activities.filter(verb__in=["started", "accepted"]).values_list("verb", "actor__username")
    print(response.status_code, run.partner_id, run.status, run.accepted_at, list(started))
    assert run.partner_id == partner_b.pk  # staff's reassignment stands
    assert (run.status, run.accepted_at) == ("sent_to_partner", None), (
        f"A's {action} (answered {response.status_code}) acted on the run now sent to B: {list(started)}")
