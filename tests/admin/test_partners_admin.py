"""Partners and partner users in admin, written through partners.services."""

from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
import pytest

from partners.models import Partner, PartnerMembership
from partners.selectors import partner_for_user
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def _partner_form(**overrides) -> dict:
    return {"name": "Loom House", "handle": "loom-house", "email": "Hello@Loom.Example ", "roles": '["weaving"]',
            "is_active": "on", "owner_email": "Maria@Loom.Example", "owner_password": PASSWORD,
            "owner_first_name": "Maria", "owner_last_name": "", **overrides}


def _can_log_in(email: str) -> bool:
    # The portal's backend: axes needs a request.
    return authenticate(RequestFactory().post("/portal/login/"), username=email, password=PASSWORD) is not None


def test_a_partner_is_created_with_its_owner_through_the_service(staff_client):
    response = staff_client.post(reverse("admin:partners_partner_add"), _partner_form())
    assert response.status_code == 302, response.context["errors"] if response.context else response
    partner = Partner.objects.get(handle="loom-house")
    # partner_create's effects: the email normalised, and an owner who can log in with hers.
    assert (partner.email, partner.roles) == ("hello@loom.example", ["weaving"])
    owner = PartnerMembership.objects.get(partner=partner)
    assert (owner.role, owner.user.username) == ("owner", "maria@loom.example")
    assert partner_for_user(owner.user) == partner
    assert _can_log_in("maria@loom.example")


def test_a_refused_owner_comes_back_as_a_message_and_writes_nothing(staff_client):
    MembershipFactory(user__username="maria@loom.example", user__email="maria@loom.example")
    before = Partner.objects.count()
    response = staff_client.post(reverse("admin:partners_partner_add"), _partner_form(), follow=True)
    assert "A user with the email maria@loom.example already exists." in response.content.decode()
    assert Partner.objects.count() == before


def test_changing_a_partner_goes_through_partner_update(staff_client, partner_a):
    url = reverse("admin:partners_partner_change", args=[partner_a.pk])
    response = staff_client.post(url, {"name": partner_a.name, "handle": partner_a.handle,
                                       "email": "  Orders@Atelier-A.Example", "roles": '["stitching", "cutting"]',
                                       "is_active": "on", "memberships-TOTAL_FORMS": "0",
                                       "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert (partner_a.email, partner_a.roles) == ("orders@atelier-a.example", ["cutting", "stitching"])


def test_partner_roles_are_written_and_shown_as_words(staff_client):
    """The box took only JSON ("Enter a valid JSON." for "cutting, stitching", as its help text wrote them)."""
    response = staff_client.post(reverse("admin:partners_partner_add"),
                                 _partner_form(roles=" stitching, cutting ,, "))
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner = Partner.objects.get(handle="loom-house")
    assert partner.roles == ["cutting", "stitching"]
    page = staff_client.get(reverse("admin:partners_partner_change", args=[partner.pk])).content.decode()
    assert 'value="cutting, stitching"' in page
    listed = staff_client.get(reverse("admin:partners_partner_changelist")).content.decode()
    assert "cutting, stitching" in listed and "[&quot;cutting&quot;" not in listed


def test_a_refused_partner_page_does_not_send_the_owners_password_back(staff_client):
    response = staff_client.post(reverse("admin:partners_partner_add"), _partner_form(email="not an address"))
    assert response.status_code == 200 and "email" in response.context["adminform"].form.errors
    assert PASSWORD not in response.content.decode()


def test_partner_roles_must_be_a_list_of_words(staff_client):
    response = staff_client.post(reverse("admin:partners_partner_add"), _partner_form(roles='{"a": 1}'))
    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors
    assert not Partner.objects.exists()


def test_a_partner_user_is_added_with_a_login(staff_client, partner_a):
    response = staff_client.post(reverse("admin:partners_partnermembership_add"), {
        "partner": partner_a.pk, "email": "Jo@Atelier-A.Example", "password": PASSWORD, "role": "member",
        "first_name": "Jo", "last_name": "",
    })
    assert response.status_code == 302, response.context["errors"] if response.context else response
    membership = PartnerMembership.objects.get(user__username="jo@atelier-a.example")
    assert (membership.partner, membership.role) == (partner_a, "member")
    assert _can_log_in("jo@atelier-a.example")


def test_a_partner_users_role_changes_and_removal_ends_the_login(staff_client, user_a):
    membership = user_a.partner_membership
    change = reverse("admin:partners_partnermembership_change", args=[membership.pk])
    assert staff_client.post(change, {"role": "admin"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"

    delete = reverse("admin:partners_partnermembership_delete", args=[membership.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    user_a.refresh_from_db()
    assert not PartnerMembership.objects.filter(pk=membership.pk).exists()
    assert not user_a.is_active  # partner_user_remove: the person can no longer log in
