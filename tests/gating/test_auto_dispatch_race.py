"""The auto-dispatch job racing a staff approval of the same run (PostgreSQL row locks)."""

import pytest

from config.errors import InvalidTransition
from production.models import ActivityVerb, ProductionRun, ProductionRunActivity
from production.services import Assignment, policy_update, run_approve, run_auto_dispatch
from tasks.models import Task
from tests.concurrency import race
from tests.factories import CategoryFactory, TemplateFactory
from tests.gating.helpers import make_design, pending_run, routing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 3  # each round is a fresh run; the winner may differ from round to round


def test_job_racing_staff_approval_approves_once(require_postgres, staff, partner_a, partner_b):
    policy_update(auto_dispatch=True)
    category = CategoryFactory()
    TemplateFactory.create_batch(2, category=category)
    design = make_design(routing=routing((partner_a, "cutting", 1), (partner_b, "stitching", 1), category=category))
    # Staff allocate differently from the routing, so the children tell who won.
    by_staff = [Assignment(partner_id=partner_b.pk, role="finishing", quantity=6)]

    for _ in range(ROUNDS):
        run = pending_run(design, 6)
        job, approval = race(
            lambda run=run: run_auto_dispatch(run_id=run.pk),
            lambda run=run: run_approve(run=ProductionRun(pk=run.pk), actor=staff, assignments=by_staff),
        )

        run.refresh_from_db()
        assert run.status == "approved"
        assert ProductionRunActivity.objects.filter(run=run, verb="approved").count() == 1
        assert not ProductionRunActivity.objects.filter(run=run, verb=ActivityVerb.AUTO_DISPATCH_SKIPPED).exists()
        children = list(run.children.order_by("id").values_list("partner_id", "role", "quantity", "status"))
        if isinstance(approval, InvalidTransition):  # the job won; staff got a 409
            assert isinstance(job, ProductionRun), job
            assert children == [(partner_a.pk, "cutting", 3, "sent_to_partner"),
                                (partner_b.pk, "stitching", 3, "sent_to_partner")]
            assert Task.objects.filter(production_run__parent_run=run).count() == 4
        else:  # staff won; the job found nothing to do
            assert isinstance(approval, tuple), approval
            assert isinstance(job, ProductionRun), job
            assert children == [(partner_b.pk, "finishing", 6, "approved")]
            assert not Task.objects.filter(production_run__parent_run=run).exists()
