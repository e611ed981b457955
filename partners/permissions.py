from rest_framework.permissions import BasePermission

from partners.models import PartnerMembership
from partners.selectors import partner_for_user


class IsStaff(BasePermission):
    """The brand's operations staff (401 without credentials, 403 for anyone else)."""

    message = "This endpoint is for staff users."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class IsPartnerUser(BasePermission):
    """A user who belongs to an active partner. Sets ``request.partner``."""

    message = "This endpoint is for partner users."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        partner = partner_for_user(request.user)
        if partner is None:
            if PartnerMembership.objects.filter(user=request.user, partner__is_active=False).exists():
                # Told apart from a user who is no partner's: the same words and code as its token login gets.
                self.message, self.code = "Your workshop's account is deactivated.", "partner_inactive"
            return False
        request.partner = partner
        return True
