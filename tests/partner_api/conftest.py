import pytest

from production.services import dispatch_start
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, TemplateFactory


@pytest.fixture
def category(db):
    category = CategoryFactory(name="Cutting")
    for i, name in enumerate(["Mark", "Cut", "Bundle"], start=1):
        TemplateFactory(name=name, category=category, sequence=i)
    return category


@pytest.fixture
def dispatched(staff, allocated, category):
    """The allocated run (tests/conftest.py) with both children dispatched: (parent, run of A, run of B)."""
    parent, children = allocated
    run_a, run_b = (dispatch_start(run=child, actor=staff, selection=TemplateSelection(category_id=category.pk))
                    for child in children)
    return parent, run_a, run_b
