"""Factories for the fixed actors and the domain.

Plain rows (users, partners, designs, products, templates) are built directly;
runs and tasks, whose state belongs to the services, are arranged through
them, exactly as the product makes them (snapshot, activity rows, locks).
"""

from django.contrib.auth import get_user_model
import factory

from designs.models import Design
from orders.models import Product, ProductVariant
from partners.models import Partner, PartnerMembership
from production import services
from production.assignments import Assignment
from production.models import ProductionRun
from tasks.models import Task, TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection

User = get_user_model()
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.LazyAttribute(lambda u: u.username)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.Sequence(lambda n: f"staff{n}@brand.example")
    is_staff = True
    is_superuser = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Workshop {n}")
    handle = factory.Sequence(lambda n: f"workshop-{n}")
    email = factory.Sequence(lambda n: f"workshop{n}@partners.example")
    roles = factory.LazyFunction(lambda: ["cutting", "stitching"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = PartnerMembership.Role.OWNER


class DesignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Design

    name = factory.Sequence(lambda n: f"Design {n}")
    code = factory.Sequence(lambda n: f"D-{n:04d}")
    status = Design.Status.APPROVED
    specs = factory.LazyFunction(lambda: {"fabric": "linen", "sizes": ["S", "M", "L"]})


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"Product {n}")
    design = factory.SubFactory(DesignFactory)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    title = "M"
    design = None


class CategoryFactory(factory.django.DjangoModelFactory):
    """``CategoryFactory(steps=3)``: with active templates "<name> step 1" .. "<name> step 3", in that sequence."""

    class Meta:
        model = TaskTemplateCategory
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Category {n}")

    @factory.post_generation
    def steps(category, create, extracted, **kwargs):
        for i in range(extracted or 0):
            TemplateFactory(category=category, name=f"{category.name} step {i + 1}", sequence=i + 1)


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskTemplate

    name = factory.Sequence(lambda n: f"Step {n}")
    category = factory.SubFactory(CategoryFactory)
    sequence = factory.Sequence(lambda n: n)


# --- runs and tasks, made by the services ------------------------------------------------------

class RunFactory(factory.Factory):
    """A root run waiting for review, made by ``run_create``."""

    class Meta:
        model = ProductionRun

    design = factory.SubFactory(DesignFactory)
    quantity = 5
    run_type = ProductionRun.RunType.PRODUCTION
    actor = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.run_create(**kwargs)


class AllocatedRunFactory(RunFactory):
    """A root run approved into ``approved`` child runs, one per ``(partner, role, quantity)`` in ``assignments``.

    The run's quantity is their sum; its children are ``run.children.order_by("id")``.
    """

    assignments = factory.LazyFunction(lambda: [(PartnerFactory(), "cutting", 3), (PartnerFactory(), "stitching", 2)])
    quantity = factory.LazyAttribute(lambda o: sum(q for _, _, q in o.assignments))

    @classmethod
    def _create(cls, model_class, assignments, **kwargs):
        parent, _ = services.run_create_allocated(
            assignments=[Assignment(partner_id=p.pk, role=role, quantity=q) for p, role, q in assignments], **kwargs)
        return parent


class DispatchedRunFactory(factory.Factory):
    """``partner``'s run of a one-child allocation, sent with one pending task per template of ``category``."""

    class Meta:
        model = ProductionRun

    partner = factory.SubFactory(PartnerFactory)
    design = factory.SubFactory(DesignFactory)
    quantity = 3
    role = "cutting"
    category = factory.SubFactory(CategoryFactory, steps=2)
    actor = None

    @classmethod
    def _create(cls, model_class, partner, design, quantity, role, category, actor):
        _, (child,) = services.run_create_allocated(
            design=design, quantity=quantity, actor=actor,
            assignments=[Assignment(partner_id=partner.pk, role=role, quantity=quantity)],
        )
        return services.dispatch_start(run=child, actor=actor, selection=TemplateSelection(category_id=category.pk))


class TaskFactory(factory.Factory):
    """The first pending task of a dispatched run (tasks are made by dispatch, from templates)."""

    class Meta:
        model = Task

    run = factory.SubFactory(DispatchedRunFactory)

    @classmethod
    def _create(cls, model_class, run):
        return run.tasks.order_by("sequence", "id").first()
