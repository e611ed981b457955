"""Two overlapping requests editing one partner (or one design): the second must not undo the first (PostgreSQL).

Each "request" runs in its own thread with its own connection and reads the row at its start, as the views do
(``request.partner`` in the portal, ``get_object`` in the API, ``get_object_or_404`` in the routing editor).
"""

import threading

from django.db import connection
import pytest

from designs.models import Design
from designs.services import design_update
from partners.models import Partner
from partners.services import partner_update
from production import services
from production.models import ProductionRun
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _overlap(first_reads, second, first_writes):
    """Request 1 reads its row; request 2 runs to the end; request 1 writes. Each in its own thread/connection."""
    read, done, errors = threading.Event(), threading.Event(), []

    def one():
        try:
            obj = first_reads()
            read.set()
            done.wait(30)
            first_writes(obj)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    def two():
        try:
            read.wait(30)
            second()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_owner_switching_auto_accept_does_not_reactivate_a_partner_staff_deactivated(require_postgres, partner_a):
    _overlap(
        first_reads=lambda: Partner.objects.get(pk=partner_a.pk),  # the portal's request.partner
        second=lambda: partner_update(partner=Partner.objects.get(pk=partner_a.pk), is_active=False),  # staff PATCH
        first_writes=lambda partner: partner_update(partner=partner, auto_accept=True),  # owner's settings form
    )
    partner_a.refresh_from_db()
    assert partner_a.auto_accept is True
    assert partner_a.is_active is False, "staff deactivated the partner; the owner's settings save re-activated it"


def test_a_routing_edit_does_not_undo_a_sample_review(require_postgres, partner_a, staff):
    design = DesignFactory(status=Design.Status.IN_DEVELOPMENT)
    sample = services.sample_send(design=design, partner=partner_a, quantity=2, actor=staff,
                                  selection=TemplateSelection(category_id=CategoryFactory(steps=1).pk))
    services.task_complete(task=sample.tasks.get(), actor=staff)
    services.run_complete(run=ProductionRun(pk=sample.pk), actor=staff)
    assert Design.objects.get(pk=design.pk).status == Design.Status.SAMPLE_PRODUCTION

    _overlap(
        first_reads=lambda: Design.objects.get(pk=design.pk),  # the routing editor's get_object_or_404
        second=lambda: services.run_review(run=ProductionRun(pk=sample.pk), decision="approve", actor=staff,
                                           design_status=Design.Status.COMMERCE_READY),
        first_writes=lambda d: design_update(design=d, actor=staff, routing=None),
    )
    design.refresh_from_db()
    assert design.status == Design.Status.COMMERCE_READY, (
        f"the review made the design commerce_ready; the routing save put it back to {design.status}")
