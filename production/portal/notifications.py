"""The partner's notifications: the list, opening one (it is read then), marking all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partners import services as partner_services
from partners.models import Notification
from partners.selectors import notifications_for_partner
from production import selectors
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
    if not safe:
        return redirect("portal:notifications")  # a page of the hub, never another site
    gone = _run_no_longer_here(note.link, request.partner)
    if gone:
        messages.info(request, f"Run #{gone} is no longer in your hub: it was declined, or taken back by the brand.")
        return redirect("portal:notifications")
    return redirect(note.link)


def _run_no_longer_here(link: str, partner) -> int | None:
    """The run a notification's link opens, when the partner no longer has it (an older notification of a run since
    taken back): the list says so instead of a 404."""
    try:
        match = resolve(link.split("?")[0])
    except Resolver404:
        return None
    if match.view_name != "portal:run-detail":
        return None
    run_id = match.kwargs["pk"]
    return None if selectors.runs_for_partner(partner).filter(pk=run_id).exists() else run_id


@require_POST
@partner_required
def notifications_mark_read(request):
    partner_services.notifications_mark_read(partner=request.partner)
    messages.success(request, "All notifications marked as read.")
    return redirect("portal:notifications")
