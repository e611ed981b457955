from django.shortcuts import redirect

from partners.selectors import is_partner_user


class KeepPartnersOutOfAdminMiddleware:
    """Partner users belong in the portal; /admin/ is for the brand's staff only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and is_partner_user(request.user) and not request.user.is_staff:
            return redirect("portal:hub")
        return self.get_response(request)
