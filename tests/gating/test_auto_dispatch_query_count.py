"""The routing job's statements, pinned: the job holds the run's lock from its plan to its dispatches, so it locks
once, and each child costs the same few statements whatever the templates (``make bench``, part 9)."""

import pytest

from production.services import run_auto_dispatch
from tests.factories import PartnerFactory
from tests.gating.helpers import make_design, pending_run, routing

pytestmark = pytest.mark.django_db

# One child (one routing assignment, a category of two templates):
#   SAVEPOINT (the job's atomic block, inside the test's transaction)
#   SELECT ... FOR UPDATE the run, its design joined
#   SELECT the production policy
#   SELECT the routing's partners                  (the plan's checks)
#   SELECT the category's active templates          (the plan's checks)
#   SAVEPOINT (approval and dispatches: all or nothing)
#   SELECT the partners                             (the approval's checks)
#   UPDATE the run (approved)
#   SELECT the design's partner link, per assignment; the first time (here): SAVEPOINT, INSERT, RELEASE
#   INSERT the children                             (one bulk insert)
#   INSERT the "approved" activity, INSERT the "allocated" activities (one bulk insert)
#   then per child dispatched:
#     SELECT whether it has children                (the dispatch guard)
#     SELECT the templates
#     INSERT "dispatch started", INSERT the tasks (one bulk insert), UPDATE the child (sent)
#     SELECT the design's bill of materials lines, INSERT "dispatched"
#   RELEASE SAVEPOINT, RELEASE SAVEPOINT
# The partners' notifications are queued on commit, so they cost nothing here.
ONE_CHILD = 24
PER_MORE_CHILD = 11  # its design link (4), then its dispatch (7)


@pytest.mark.parametrize("assignments", [1, 2, 3])
def test_the_job_costs_a_fixed_number_of_statements_per_child(policy_on, partner_a, partner_b, cutting, assignments,
                                                              django_assert_num_queries):
    partners = [partner_a, partner_b, PartnerFactory(name="Atelier C", handle="atelier-c")][:assignments]
    design = make_design(routing=routing(*((p, f"role {i}", 1) for i, p in enumerate(partners)), category=cutting))
    run = pending_run(design, 6)

    with django_assert_num_queries(ONE_CHILD + PER_MORE_CHILD * (assignments - 1)):
        run_auto_dispatch(run_id=run.pk)

    templates = list(cutting.templates.order_by("sequence").values_list("pk", flat=True))
    assert [(c.status, c.dispatch_state, c.template_ids, c.sent_at is not None, c.tasks.count())
            for c in run.children.order_by("id")] == [("sent_to_partner", "completed", templates, True, 2)] * assignments
    assert list(run.activities.values_list("verb", flat=True)) == ["created", "approved"]
