"""Partner identity and the one scoping helper every partner-facing query uses."""

from django.db.models import QuerySet

from partners.models import Notification, Partner, PartnerMembership


def partner_for_user(user) -> Partner | None:
    """The active partner a user works for, or None (staff, anonymous, no membership)."""
    if not getattr(user, "is_authenticated", False):
        return None
    # One query for membership and partner, cached on the user object for the request.
    if not hasattr(user, "_partner_cache"):
        membership = PartnerMembership.objects.select_related("partner").filter(user_id=user.pk).first()
        user._partner_cache = membership.partner if membership and membership.partner.is_active else None
    return user._partner_cache


def is_partner_user(user) -> bool:
    return partner_for_user(user) is not None


def is_partner_owner(user, partner: Partner) -> bool:
    """Whether ``user`` owns ``partner``: owners change the partner's own settings in the portal."""
    return PartnerMembership.objects.filter(user_id=user.pk, partner=partner,
                                            role=PartnerMembership.Role.OWNER).exists()


def scope_to_partner(queryset: QuerySet, partner: Partner, *, field: str = "partner") -> QuerySet:
    """Restrict ``queryset`` to the objects of ``partner``.

    Every partner API view and portal page fetches through a selector built on
    this, so an id outside the caller's scope is simply not found (404).
    """
    return queryset.filter(**{field: partner})


def partner_users_emails(partner: Partner) -> list[str]:
    return list(
        partner.memberships.filter(user__is_active=True).exclude(user__email="").values_list("user__email", flat=True)
    )


def notifications_for_partner(partner: Partner) -> QuerySet:
    return scope_to_partner(Notification.objects.all(), partner)
