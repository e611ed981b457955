"""A run sent to partner A with two pending tasks, and the URLs of the partner's answers."""

import pytest

from tests.factories import CategoryFactory, DispatchedRunFactory


@pytest.fixture
def category(db):
    return CategoryFactory(name="Cutting", steps=2)


@pytest.fixture
def sent(partner_a, category, staff):
    """Partner A's run of 3, sent with two pending tasks, not answered."""
    return DispatchedRunFactory(partner=partner_a, category=category, actor=staff)


def partner_url(run, action: str = "") -> str:
    return f"/api/partners/production-runs/{run.pk}/{action}"


def staff_url(run, action: str = "") -> str:
    return f"/api/admin/production-runs/{run.pk}/{action}"


def park(run):
    """Park a sent run as the reminder ladder leaves a run nobody answered (the ladder itself is tested in
    test_ladder.py): it waits for reassignment. The run, as parked."""
    from django.db import transaction

    from production.models import ActivityVerb, AlertKind, DeclineReason, ProductionRun
    from production.services.partner_response import hand_back_locked

    with transaction.atomic():
        locked = ProductionRun.objects.select_for_update(of=("self",)).select_related("partner", "design").get(
            pk=run.pk)
        hand_back_locked(locked, actor=None, reason=DeclineReason.NO_RESPONSE, notes="", verb=ActivityVerb.PARKED,
                         alert=AlertKind.PARKED, message="parked")
    return locked
