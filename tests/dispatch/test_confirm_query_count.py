"""dispatch_confirm costs a constant number of queries, however many templates it uses."""

import pytest

from production.models import ProductionRun
from production.services import dispatch_confirm
from tasks.models import Task
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, TemplateFactory

pytestmark = pytest.mark.django_db

# Queries of one confirm:
#   SAVEPOINT (the service's atomic block inside the test's transaction)
#   SELECT ... FOR UPDATE the parent run, then the run, with their partners joined (lock_family: one
#     statement, locking the parent first; the partner's auto-accept is read)
#   SELECT the active templates, in order     (one query, whatever their number; by category too: the
#                                               category itself is read only when it has none)
#   INSERT the tasks                          (one bulk insert)
#   UPDATE the run                            (status, dispatch_state, template_ids)
#   SELECT the design's bill of materials lines for the run (none here: no plan to write)
#   INSERT the "dispatched" activity
#   RELEASE SAVEPOINT
# The notification job is queued on commit, so it costs nothing here.
QUERIES = {"category": 8, "names": 8, "ids": 8}


def _selection(kind, category, templates):
    if kind == "category":
        return TemplateSelection(category_id=category.pk)
    if kind == "names":
        return TemplateSelection(names=tuple(t.name for t in templates))
    return TemplateSelection(ids=tuple(t.pk for t in templates))


@pytest.mark.parametrize("kind", ["category", "names", "ids"])
@pytest.mark.parametrize("count", [3, 30])
def test_confirm_query_count_does_not_grow_with_templates(staff, awaiting, kind, count, django_assert_num_queries):
    category = CategoryFactory()
    templates = TemplateFactory.create_batch(count, category=category)
    run = ProductionRun.objects.get(pk=awaiting)
    selection = _selection(kind, category, templates)

    with django_assert_num_queries(QUERIES[kind]):
        dispatch_confirm(run=run, actor=staff, selection=selection)

    assert Task.objects.filter(production_run=run).count() == count
