"""The partner production hub: server-rendered pages that work without JavaScript.

Every read goes through the partner-scoped selectors (built on
``partners.selectors.scope_to_partner``), so another partner's id is a 404,
exactly like an id that does not exist. Every write calls one service of
``production.services``; a refused action (``DomainError``) comes back to the
page it was sent from as a message, never as an error page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from config.errors import DomainError, InvalidInput
from config.money import currency
from designs.models import DesignPartner
from designs.selectors import designs_for_partner
from designs.specs import spec_rows
from partners.backends import AuthThrottle
from partners.selectors import notifications_for_partner, partner_for_user, scope_to_partner
from production import selectors, services
from production.forms import RunCompleteForm, focus_first_error
from production.models import Payable, PayableStatus, RunStatus
from production.portal.forms import ConsumptionForm, DeclineForm

PAGE_SIZE = 50

# The hub's tabs: (query value, label). "" is every run the partner was sent.
STATUS_TABS = [
    ("", "All"),
    (RunStatus.SENT_TO_PARTNER, "Sent"),
    (RunStatus.IN_PROGRESS, "In progress"),
    (RunStatus.COMPLETED, "Completed"),
    (RunStatus.CANCELLED, "Cancelled"),
]
STATUS_LABELS = {value: label for value, label in STATUS_TABS if value}


def status_label(run) -> str:
    """The run's status as the partner reads it: a sent run it accepted says so ("Sent" alone read as unanswered)."""
    if run.status == RunStatus.SENT_TO_PARTNER and run.accepted_at:
        return "Sent · accepted"
    return STATUS_LABELS.get(run.status, run.status)


class PortalLoginForm(AuthenticationForm):
    # Emails are matched whatever their case, so Django's "may be case-sensitive" would mislead.
    error_messages = {**AuthenticationForm.error_messages,
                      "invalid_login": "Please enter a correct email and password. Check the password (its letters' "
                                       "case matters). Forgot it? The brand's operations team sets a new one."}


class PortalLoginView(auth_views.LoginView):
    """Django's login form (email as ``username``). Axes counts the failures of a username from an address; the
    token endpoint's ``AuthThrottle`` counts those of an address whatever the usernames (guessing one password
    across many accounts), here as there."""

    template_name = "portal/login.html"
    form_class = PortalLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = AuthThrottle()
        if not throttle.allow_request(request, self):
            return render(request, "portal/locked_out.html",
                          {"from_address": True, "wait_minutes": max(round((throttle.wait() or 60) / 60), 1)},
                          status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back with its errors: a failed login
            throttle.record_failure()
        return response


class PortalLogoutView(auth_views.LogoutView):
    """POST only (Django 5); back to the portal's login page. (The admin's own logout keeps Django's
    "Logged out" page, whose link leads to the admin's login, not the partners'.)"""

    next_page = "portal:login"


def partner_required(view):
    """Anonymous users go to the login page; users without a partner (staff) get a 403 page.

    Sets ``request.partner``, the one partner every query of the view is scoped to. A partner's page is never
    kept by the browser (``no-store``): Back after "Log out" on a shared phone must not show its amounts.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        partner = partner_for_user(request.user)
        if partner is None:
            return render(request, "portal/forbidden.html", status=403)
        request.partner = partner
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def render_page(request, template: str, context: dict, *, status: int = 200):
    """Render a portal page with what the layout shows on every page (partner, unread count)."""
    context = {
        "partner": request.partner,
        "unread_count": notifications_for_partner(request.partner).filter(read_at__isnull=True).count(),
        "status_labels": STATUS_LABELS,
        **context,
    }
    response = render(request, template, context, status=status)
    if status == 400:
        # A form comes back with its errors: htmx would scroll the swapped page to the top; instead it
        # lands on the field with the error (the form focuses it), so on a phone the form stays in view.
        response["HX-Reswap"] = "innerHTML show:none focus-scroll:true"
    return response


# --- pages ------------------------------------------------------------------------------

@partner_required
def hub(request):
    """The partner's runs in status tabs, each with its progress. Constant queries per page."""
    runs = selectors.runs_for_partner(request.partner)
    counts = runs.aggregate(
        all=Count("id"),
        **{value: Count("id", filter=Q(status=value)) for value, _ in STATUS_TABS if value},
    )
    current = request.GET.get("status", "")
    if current not in STATUS_LABELS:
        current = ""  # an unknown tab shows everything rather than an error
    listed = runs.with_progress().order_by("-sent_at", "-id")
    if current:
        listed = listed.filter(status=current)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    for run in page.object_list:
        run.status_label = status_label(run)
    tabs = [
        {"value": value, "label": label, "count": counts[value or "all"], "active": value == current}
        for value, label in STATUS_TABS
    ]
    return render_page(request, "portal/hub.html", {
        "nav": "runs", "tabs": tabs, "page": page, "current": current,
    })


def _handover(run, partner) -> str:
    """How the run came to this partner, when it was someone's before."""
    if run.previous_partner_id is None:
        return ""
    return "Sent to you again." if run.previous_partner_id == partner.pk else "Reassigned to you from another workshop."


# The portal's words for where the money is (void payables are listed, not totalled).
PAYMENT_STATUSES = [PayableStatus.OPEN, PayableStatus.APPROVED, PayableStatus.PAID]


def run_page(request, pk: int, *, complete_form: RunCompleteForm | None = None,
              decline_form: DeclineForm | None = None, consumption_form: ConsumptionForm | None = None,
              status: int = 200):
    run = get_object_or_404(selectors.runs_for_partner(request.partner).with_progress(), pk=pk)
    planned = run.material_plan
    tasks = selectors.tasks_for_partner(request.partner).filter(production_run=run).order_by("sequence", "id")
    snapshot = run.snapshot if isinstance(run.snapshot, dict) else {}
    response = render_page(request, "portal/run_detail.html", {
        "nav": "runs",
        "run": run,
        "status_label": status_label(run),
        "tasks": tasks,
        "snapshot": snapshot,
        "specs": spec_rows(snapshot.get("specs", run.design.specs)),
        "can_change_tasks": run.accepts_task_work(),
        # Buttons follow the state machine; the services still decide when pressed.
        "can_start": can_proceed(run.start),
        "can_complete": can_proceed(run.complete),
        "complete_form": focus_first_error(complete_form) if complete_form is not None else RunCompleteForm(),
        "can_accept": run.status == RunStatus.SENT_TO_PARTNER and run.accepted_at is None,
        "can_decline": can_proceed(run.decline),
        "decline_form": focus_first_error(decline_form) if decline_form is not None else DeclineForm(),
        "handover": _handover(run, request.partner),
        "sources": selectors.unit_sources(run),
        "previous_round": selectors.previous_round(run),
        "next_round": (selectors.partner_run_of_next_round(run, request.partner.pk)
                       if run.review_decision == "redo" else None),
        "materials": planned,
        "can_log_materials": bool(planned) and run.status == RunStatus.IN_PROGRESS,
        "consumption_form": (focus_first_error(consumption_form) if consumption_form is not None
                             else ConsumptionForm(planned=planned)),
    }, status=status)
    if status != 200:
        # A form came back with its errors from the action's POST-only address: the address bar shows the run's
        # page instead (htmx pushes what it is told), so a reload shows the run rather than a 405.
        response["HX-Push-Url"] = reverse("portal:run-detail", args=[run.pk])
    return response


@partner_required
def run_detail(request, pk: int):
    return run_page(request, pk)


@partner_required
def designs(request):
    links = scope_to_partner(DesignPartner.objects.all(), request.partner).order_by("role", "id")
    items = designs_for_partner(request.partner).prefetch_related(
        Prefetch("partner_links", queryset=links, to_attr="my_links")
    )
    return render_page(request, "portal/designs.html", {"nav": "designs", "designs": items})


@partner_required
def payments(request):
    """What the brand owes the partner: its payables, newest first, and the totals by status."""
    mine = scope_to_partner(Payable.objects.all(), request.partner)
    totals = dict(mine.order_by().values_list("status").annotate(total=Sum("amount")).values_list("status", "total"))
    page = Paginator(mine.select_related("run__design").order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render_page(request, "portal/payments.html", {
        "nav": "payments", "page": page, "currency": currency(),
        "totals": [(PayableStatus(s).label, s, totals.get(s) or 0) for s in PAYMENT_STATUSES],
    })


# --- actions (POST, then back to the page) -----------------------------------------------

def back_to_run(run_id: int):
    return redirect("portal:run-detail", run_id)


def attempt(request, action, *, success: str) -> None:
    """Call one service; show its refusal (DomainError: 400 or 409) as a message on the page."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@require_POST
@partner_required
def run_start(request, pk: int):
    run = get_object_or_404(selectors.runs_for_partner(request.partner), pk=pk)
    attempt(request, lambda: services.run_start(run=run, actor=request.user, partner=request.partner),
            success="Run started.")
    return back_to_run(run.pk)


@require_POST
@partner_required
def run_complete(request, pk: int):
    run = get_object_or_404(selectors.runs_for_partner(request.partner), pk=pk)
    form = RunCompleteForm(request.POST)
    if not form.is_valid():
        return run_page(request, run.pk, complete_form=form, status=400)
    try:
        services.run_complete(run=run, actor=request.user, **form.cleaned_data)
    except InvalidInput as exc:  # the figures do not add up: show them again with the reason, as typed
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return run_page(request, run.pk, complete_form=form, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Run completed.")
    return back_to_run(run.pk)


def _task_action(request, pk: int, service, success: str):
    task = get_object_or_404(selectors.tasks_for_partner(request.partner), pk=pk)
    attempt(request, lambda: service(task=task, actor=request.user), success=success.format(task=task))
    return back_to_run(task.production_run_id)


@require_POST
@partner_required
def task_start(request, pk: int):
    return _task_action(request, pk, services.task_start, "Task “{task.title}” started.")


@require_POST
@partner_required
def task_complete(request, pk: int):
    return _task_action(request, pk, services.task_complete, "Task “{task.title}” completed.")
