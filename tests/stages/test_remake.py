"""Remake: a new root run for the units a finished run did not deliver, linked both ways."""

from datetime import date

import pytest

from production import services
from production.models import ProductionRun
from tests.factories import DispatchedRunFactory
from tests.stages.conftest import staff_url

pytestmark = pytest.mark.django_db


def _finish(run, **output):
    services.run_start(run=run)
    for task in run.tasks.all():
        services.task_complete(task=task)
    return services.run_complete(run=ProductionRun.objects.get(pk=run.pk), **output)


def test_remake_of_a_run_with_rejects_is_a_new_run_in_review(staff_api, partner_a, staff):
    child = DispatchedRunFactory(partner=partner_a, quantity=10, actor=staff)
    _finish(child, produced_quantity=8, rejected_quantity=2)
    root = child.parent_run
    root.due_date = date(2026, 12, 20)
    root.save(update_fields=["due_date"])
    response = staff_api.post(staff_url(root.pk, "remake"), {"note": "Customer still wants 10"}, format="json")
    assert response.status_code == 201, response.json()
    remake = response.json()
    assert (remake["quantity"], remake["status"], remake["remake_of"]) == (2, "pending_review", root.pk)
    assert remake["design"] == root.design_id and remake["order_line_item"] is None
    assert remake["metadata"]["source"] == "remake"
    assert remake["due_date"] == "2026-12-20"  # the order's promise: it had none, so it could never be late
    assert staff_api.get(staff_url(root.pk, "ledger")).json()["remakes"] == [remake["id"]]
    assert root.activities.get(verb="remake_created").data == {"remake": remake["id"], "quantity": 2}
    more = staff_api.post(staff_url(root.pk, "remake"), {"quantity": 5}, format="json")
    assert more.status_code == 201 and more.json()["quantity"] == 5


def test_nothing_to_remake_when_every_unit_was_delivered(staff_api, partner_a, staff):
    child = DispatchedRunFactory(partner=partner_a, quantity=4, actor=staff)
    _finish(child)
    response = staff_api.post(staff_url(child.parent_run_id, "remake"), {}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "nothing_to_remake"
    assert ProductionRun.objects.filter(remake_of__isnull=False).count() == 0


def test_only_finished_root_runs_are_remade(staff_api, partner_a, staff):
    child = DispatchedRunFactory(partner=partner_a, quantity=4, actor=staff)
    assert staff_api.post(staff_url(child.parent_run_id, "remake"), {}, format="json").status_code == 409  # open
    _finish(child, produced_quantity=2, rejected_quantity=2)
    assert staff_api.post(staff_url(child.pk, "remake"), {}, format="json").status_code == 409  # a child
    bad = staff_api.post(staff_url(child.parent_run_id, "remake"), {"quantity": 0}, format="json")
    assert bad.status_code == 400
    assert ProductionRun.objects.filter(remake_of__isnull=False).count() == 0


def test_a_cancelled_run_is_remade_for_everything(staff_api, staff):
    run = services.run_create(design=DispatchedRunFactory().design, quantity=6, actor=staff)
    services.run_cancel(run=run, actor=staff)
    response = staff_api.post(staff_url(run.pk, "remake"), {}, format="json")
    assert response.status_code == 201 and response.json()["quantity"] == 6
