"""Partners can be created in admin, with memberships of existing users."""

from django.urls import reverse
import pytest

from partners.models import Partner
from partners.selectors import partner_for_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_partner_with_a_member_from_admin(staff_client):
    user = UserFactory(username="maria@loom.example")
    response = staff_client.post(reverse("admin:partners_partner_add"), {
        "name": "Loom House", "handle": "loom-house", "email": "hello@loom.example", "roles": '["weaving"]',
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1", "memberships-0-user": user.pk, "memberships-0-role": "owner",
    })
    assert response.status_code == 302
    partner = Partner.objects.get(handle="loom-house")
    assert partner.roles == ["weaving"]
    assert partner_for_user(user) == partner


def test_partner_roles_must_be_a_list_of_words(staff_client):
    response = staff_client.post(reverse("admin:partners_partner_add"), {
        "name": "Odd", "handle": "odd", "email": "odd@example.com", "roles": '{"a": 1}',
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors
    assert not Partner.objects.exists()
