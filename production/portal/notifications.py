"""The partner's notifications: the list, opening one (it is read then), marking all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partners import services as partner_services
from partners.models import Notification
from partners.selectors import notifications_for_partner
from production.portal.views import PAGE_SIZE, partner_required, render_page


@partner_required
def notifications(request):
    page = Paginator(notifications_for_partner(request.partner).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(request, "portal/notifications.html", {"nav": "notifications", "page": page})


@partner_required
def notification_open(request, pk: int):
    """Open a notification: it is marked read, then its link (a page of the hub) opens."""
    try:
        note = partner_services.notification_open(partner=request.partner, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    safe = url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) and note.link.startswith("/")
    return redirect(note.link if safe else "portal:notifications")  # a page of the hub, never another site


@require_POST
@partner_required
def notifications_mark_read(request):
    partner_services.notifications_mark_read(partner=request.partner)
    messages.success(request, "All notifications marked as read.")
    return redirect("portal:notifications")
