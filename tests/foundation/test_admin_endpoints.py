"""The first staff endpoints: partners, designs, products, task templates (docs/api.md: Admin API)."""

from django.contrib.auth import get_user_model
import pytest

from designs.models import Design, DesignPartner
from orders.models import Product, ProductVariant
from partners.models import Partner, PartnerMembership
from tasks.models import TaskTemplate, TaskTemplateCategory
from tests.factories import CategoryFactory, DesignFactory, PartnerFactory, VariantFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

OWNER = {"email": "Owner@Stitch.example", "password": "a-long-enough-pass-42", "first_name": "Ola"}


def test_create_partner_with_owner_who_can_log_in(staff_api, anon_api):
    response = staff_api.post("/api/admin/partners/", {
        "name": "Stitch & Co", "email": "hello@stitch.example", "handle": "stitch", "roles": ["stitching"],
        "owner": OWNER,
    }, format="json")
    assert response.status_code == 201, response.data
    assert {k: response.data[k] for k in ("name", "handle", "email", "roles", "is_active")} == {
        "name": "Stitch & Co", "handle": "stitch", "email": "hello@stitch.example", "roles": ["stitching"],
        "is_active": True,
    }
    membership = PartnerMembership.objects.get(partner_id=response.data["id"])
    assert membership.role == "owner" and membership.user.email == "owner@stitch.example"
    login = anon_api.post("/api/auth/token/", {"username": "owner@stitch.example", "password": OWNER["password"]},
                          format="json")
    assert login.status_code == 200
    assert staff_api.get(f"/api/admin/partners/{response.data['id']}/").data["handle"] == "stitch"
    assert staff_api.get("/api/admin/partners/").data["count"] == 1


def test_handle_is_generated_when_missing(staff_api):
    response = staff_api.post("/api/admin/partners/", {"name": "Dye Works", "email": "d@dye.example", "owner": OWNER},
                              format="json")
    assert response.status_code == 201
    assert response.data["handle"] == "dye-works"


@pytest.mark.parametrize("problem", ["duplicate_handle", "duplicate_owner_email", "missing_owner", "weak_password",
                                     "bad_email", "long_owner_email", "long_email"])
def test_invalid_partner_is_400_and_writes_nothing(staff_api, problem):
    PartnerFactory(handle="taken")
    User.objects.create_user(username="owner@stitch.example", email="owner@stitch.example", password="x")
    body = {"name": "New", "email": "new@example.com", "handle": "fresh",
            "owner": {"email": "new-owner@example.com", "password": "a-long-enough-pass-42"}}
    if problem == "duplicate_handle":
        body["handle"] = "taken"
    elif problem == "duplicate_owner_email":
        body["owner"]["email"] = "OWNER@stitch.example"
    elif problem == "missing_owner":
        del body["owner"]
    elif problem == "weak_password":
        body["owner"]["password"] = "123"
    elif problem == "long_owner_email":  # the login is kept as the username: 150 characters (was a 500)
        body["owner"]["email"] = "o" * 141 + "@x.example"
    elif problem == "long_email":  # the column holds 254 (was a 500)
        body["email"] = "p" * 245 + "@x.example"
    else:
        body["email"] = "not-an-email"
    partners, users = Partner.objects.count(), User.objects.count()
    response = staff_api.post("/api/admin/partners/", body, format="json")
    assert response.status_code == 400
    assert response.data  # a message names the problem
    assert (Partner.objects.count(), User.objects.count()) == (partners, users)


def test_a_partner_email_too_long_for_its_column_is_a_400(staff_api, partner_a):
    response = staff_api.patch(f"/api/admin/partners/{partner_a.pk}/", {"email": "p" * 245 + "@x.example"},
                               format="json")
    assert response.status_code == 400 and "email" in response.data
    before = partner_a.email
    partner_a.refresh_from_db()
    assert partner_a.email == before


def test_a_login_email_too_long_for_the_username_is_refused_by_the_service(partner_a):
    """The rule for every way in (the admin's forms included): said, not a database error."""
    from config.errors import InvalidInput
    from partners.services import partner_user_create

    with pytest.raises(InvalidInput, match="at most 150 characters"):
        partner_user_create(partner=partner_a, email="u" * 141 + "@x.example", password="a-long-enough-pass-42")
    assert not User.objects.filter(email__startswith="uuuu").exists()


def test_design_create_filter_and_patch(staff_api):
    response = staff_api.post("/api/admin/designs/", {"name": "Linen shirt", "code": "LS-1", "status": "approved",
                                                      "specs": {"fabric": "linen"}}, format="json")
    assert response.status_code == 201
    assert response.data["routing"] is None
    DesignFactory(status="conceptual")
    listed = staff_api.get("/api/admin/designs/?status=approved").data
    assert [d["code"] for d in listed["results"]] == ["LS-1"]
    patched = staff_api.patch(f"/api/admin/designs/{response.data['id']}/", {"status": "commerce_ready"}, format="json")
    assert patched.status_code == 200 and patched.data["status"] == "commerce_ready"


@pytest.mark.parametrize("body", [
    {},
    {"name": ""},
    {"name": "X", "status": "bogus"},
    {"name": "X", "specs": ["not", "an", "object"]},
    {"name": "X", "specs": {"bad": "nul\u0000byte"}},
    {"name": "X", "code": "DUP"},
])
def test_invalid_design_is_400_and_writes_nothing(staff_api, body):
    DesignFactory(code="DUP")
    response = staff_api.post("/api/admin/designs/", body, format="json")
    assert response.status_code == 400
    assert Design.objects.count() == 1


def test_invalid_status_filter_is_400(staff_api):
    assert staff_api.get("/api/admin/designs/?status=nope").status_code == 400


def test_link_partner_to_design_is_idempotent(staff_api, partner_a):
    design = DesignFactory()
    url = f"/api/admin/designs/{design.pk}/partners/"
    first = staff_api.post(url, {"partner": partner_a.pk, "role": "cutting"}, format="json")
    second = staff_api.post(url, {"partner": partner_a.pk, "role": "cutting"}, format="json")
    assert first.status_code == 201 and second.status_code == 200
    assert first.data["id"] == second.data["id"]
    assert DesignPartner.objects.count() == 1
    assert staff_api.post(url, {"partner": 999999}, format="json").status_code == 400
    assert staff_api.post("/api/admin/designs/999999/partners/", {"partner": partner_a.pk}, format="json").status_code == 404


def test_product_with_variants_where_variant_design_wins(staff_api):
    shirt, special = DesignFactory(), DesignFactory()
    response = staff_api.post("/api/admin/products/", {
        "title": "Shirt", "design": shirt.pk,
        "variants": [{"sku": "SH-M", "title": "M"}, {"sku": "SH-L-RED", "design": special.pk}],
    }, format="json")
    assert response.status_code == 201, response.data
    assert response.data["design"] == shirt.pk
    assert [(v["sku"], v["design"]) for v in response.data["variants"]] == [("SH-M", None), ("SH-L-RED", special.pk)]


@pytest.mark.parametrize("body", [
    {"title": "X", "design": 999999},
    {"title": "X", "variants": [{"sku": "TAKEN"}]},
    {"title": "X", "variants": [{"sku": "A"}, {"sku": "A"}]},
    {"title": "X", "variants": [{"sku": "B", "design": 999999}]},
    {"variants": []},
])
def test_invalid_product_is_400_and_writes_nothing(staff_api, body):
    VariantFactory(sku="TAKEN")
    products, variants = Product.objects.count(), ProductVariant.objects.count()
    response = staff_api.post("/api/admin/products/", body, format="json")
    assert response.status_code == 400
    assert (Product.objects.count(), ProductVariant.objects.count()) == (products, variants)


def test_template_categories_and_templates(staff_api):
    category = staff_api.post("/api/admin/task-template-categories/", {"name": "Cutting"}, format="json")
    assert category.status_code == 201
    cat_id = category.data["id"]
    created = staff_api.post("/api/admin/task-templates/", {"name": "Cut", "category": cat_id, "sequence": 2,
                                                             "estimated_minutes": 30}, format="json")
    assert created.status_code == 201
    assert created.data["category"] == cat_id and created.data["sequence"] == 2
    staff_api.post("/api/admin/task-templates/", {"name": "Mark", "category": None}, format="json")
    assert [t["name"] for t in staff_api.get(f"/api/admin/task-templates/?category={cat_id}").data["results"]] == ["Cut"]
    tid = created.data["id"]
    assert staff_api.patch(f"/api/admin/task-templates/{tid}/", {"sequence": 5}, format="json").data["sequence"] == 5
    assert staff_api.delete(f"/api/admin/task-templates/{tid}/").status_code == 204
    assert not TaskTemplate.objects.filter(pk=tid).exists()


def test_duplicate_template_name_in_one_category_is_400(staff_api):
    category = CategoryFactory()
    TaskTemplate.objects.create(name="Cut", category=category)
    response = staff_api.post("/api/admin/task-templates/", {"name": "Cut", "category": category.pk}, format="json")
    assert response.status_code == 400
    assert "already exists" in str(response.data["name"])
    assert TaskTemplate.objects.count() == 1
    elsewhere = staff_api.post("/api/admin/task-templates/", {"name": "Cut", "category": CategoryFactory().pk},
                               format="json")
    assert elsewhere.status_code == 201


@pytest.mark.parametrize("body", [
    {"name": "Cut"},  # category is required (null allowed, absent not)
    {"name": "Cut", "category": 999999},
    {"name": "Cut", "category": None, "sequence": -1},
    {"name": "Cut", "category": None, "sequence": 10**20},
    {"name": "C\u0000ut", "category": None},
])
def test_invalid_template_is_400(staff_api, body):
    assert staff_api.post("/api/admin/task-templates/", body, format="json").status_code == 400
    assert TaskTemplate.objects.count() == 0


def test_duplicate_category_is_400(staff_api):
    TaskTemplateCategory.objects.create(name="Cutting")
    assert staff_api.post("/api/admin/task-template-categories/", {"name": "Cutting"}, format="json").status_code == 400


def test_huge_ids_in_paths_and_filters_are_404_or_400_not_500(staff_api):
    assert staff_api.get(f"/api/admin/designs/{10**30}/").status_code == 404
    assert staff_api.get(f"/api/admin/production-runs/?design={10**30}").status_code == 400
    assert staff_api.get("/api/admin/production-runs/?design=abc").status_code == 400
