"""Overlapping ladder checks and a decline racing a staff reassignment (PostgreSQL, real threads)."""

from datetime import timedelta

from django.utils import timezone
import pytest
import time_machine

from config.errors import DomainError
from partners.models import Notification
from production.models import ProductionRun, ProductionRunActivity
from production.services import reminders_check, run_decline, run_reassign
from tasks.models import Task
from tests.concurrency import race
from tests.factories import DispatchedRunFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_eight_checks_at_once_send_one_reminder_per_due_run(require_postgres, partner_a, partner_b, staff):
    runs = [DispatchedRunFactory(partner=p, actor=staff) for p in (partner_a, partner_a, partner_b)]
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        outcomes = race(*[reminders_check] * THREADS)
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert sum(o["reminded"] for o in outcomes) == len(runs)
    for run in runs:
        run.refresh_from_db()
        assert run.reminder_count == 1
        assert Notification.objects.filter(key__startswith=f"run-reminder:{run.pk}:").count() == 1
        assert ProductionRunActivity.objects.filter(run=run, verb="reminded").count() == 1


def test_a_decline_racing_a_reassignment_one_wins_and_the_tasks_agree(require_postgres, partner_a, partner_b, staff):
    for _ in range(5):  # a few rounds: either side may win, the invariants hold both ways
        run = DispatchedRunFactory(partner=partner_a, actor=staff)
        outcomes = race(
            lambda run=run: run_decline(run=ProductionRun(pk=run.pk), partner=partner_a, reason="capacity"),
            lambda run=run: run_reassign(run=ProductionRun(pk=run.pk), partner_id=partner_b.pk, dispatch=True,
                                         actor=staff),
        )
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        assert all(isinstance(e, DomainError) and e.status_code == 409 for e in errors), outcomes
        run.refresh_from_db()
        tasks = Task.objects.filter(production_run=run)
        if len(errors) == 1 and isinstance(outcomes[1], DomainError):  # the decline won, then the reassign lost
            assert (run.status, run.partner_id) == ("awaiting_reassignment", None)
            assert not tasks.filter(status__in=Task.OPEN).exists()
        else:  # the reassignment won (before or after the decline): B holds the run and only B's tasks are open
            assert run.partner_id == partner_b.pk and run.status == "sent_to_partner"
            assert set(tasks.filter(status__in=Task.OPEN).values_list("partner_id", flat=True)) == {partner_b.pk}
        assert not tasks.filter(partner=partner_a, status__in=Task.OPEN).exists()
