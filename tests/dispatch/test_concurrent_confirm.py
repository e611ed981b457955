"""Confirming a dispatch at the same moment from many places creates the tasks once (PostgreSQL)."""

from django.core import mail
from django_q.models import OrmQ
import pytest

from config.errors import InvalidTransition
from partners.models import Notification
from production.jobs import notify_partner_of_dispatch
from production.models import ProductionRun, ProductionRunActivity
from production.services import Assignment, dispatch_confirm, dispatch_start, run_create_allocated
from tasks.models import Task
from tasks.selectors import TemplateSelection
from tests.concurrency import race
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_concurrent_confirms_create_one_set_of_tasks(require_postgres, staff, partner_a, user_a):
    category = CategoryFactory()
    TemplateFactory.create_batch(4, category=category)
    _, (child,) = run_create_allocated(design=DesignFactory(), quantity=6, actor=staff,
                                       assignments=[Assignment(partner_id=partner_a.pk, quantity=6)])
    dispatch_start(run=child, actor=staff)
    selection = TemplateSelection(category_id=category.pk)

    outcomes = race(*[lambda: dispatch_confirm(run=ProductionRun(pk=child.pk), actor=staff, selection=selection)] * THREADS)

    sent = [o for o in outcomes if isinstance(o, ProductionRun)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert len(sent) == 1, outcomes
    assert len(refused) == THREADS - 1, outcomes
    assert {exc.code for exc in refused} == {"not_awaiting_templates"}

    child.refresh_from_db()
    assert (child.status, child.dispatch_state) == ("sent_to_partner", "completed")
    assert Task.objects.filter(production_run=child).count() == 4
    assert ProductionRunActivity.objects.filter(run=child, verb="dispatched").count() == 1
    # One notification job was queued, by the one confirm that committed.
    assert [q.func() for q in OrmQ.objects.all()] == ["production.jobs.notify_partner_of_dispatch"]

    notify_partner_of_dispatch(child.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user_a.email]
    assert Notification.objects.filter(partner=partner_a).count() == 1
