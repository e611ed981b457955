"""Partner identity and the one scoping helper every partner-facing query uses."""

from django.db.models import QuerySet

from partners.models import Partner


def partner_for_user(user) -> Partner | None:
    """The active partner a user works for, or None (staff, anonymous, no membership)."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "partner_membership", None)
    if membership is None or not membership.partner.is_active:
        return None
    return membership.partner


def is_partner_user(user) -> bool:
    return partner_for_user(user) is not None


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
