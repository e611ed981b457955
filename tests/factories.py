"""Factories for the fixed actors and the domain. State is arranged through services."""

from django.contrib.auth import get_user_model
import factory

from designs.models import Design
from orders.models import Product, ProductVariant
from partners.models import Partner, PartnerMembership
from tasks.models import TaskTemplate, TaskTemplateCategory

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
    class Meta:
        model = TaskTemplateCategory

    name = factory.Sequence(lambda n: f"Category {n}")


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskTemplate

    name = factory.Sequence(lambda n: f"Step {n}")
    category = factory.SubFactory(CategoryFactory)
    sequence = factory.Sequence(lambda n: n)
