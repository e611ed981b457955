import pytest

from production.services import Assignment, dispatch_start, run_create_allocated
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, TemplateFactory


@pytest.fixture
def category(db):
    category = CategoryFactory(name="Cutting")
    for i, name in enumerate(["Mark", "Cut", "Bundle"], start=1):
        TemplateFactory(name=name, category=category, sequence=i)
    return category


@pytest.fixture
def allocated(staff, partner_a, partner_b, category):
    """A design run of 5 split into cutting 3 (partner A) and stitching 2 (partner B), both dispatched."""
    design = DesignFactory(name="Linen shirt")
    parent, children = run_create_allocated(design=design, quantity=5, actor=staff, assignments=[
        Assignment(partner_id=partner_a.pk, role="cutting", quantity=3),
        Assignment(partner_id=partner_b.pk, role="stitching", quantity=2),
    ])
    run_a, run_b = children
    for child in children:
        dispatch_start(run=child, actor=staff, selection=TemplateSelection(category_id=category.pk))
    return parent, run_a, run_b
