"""The partner's answer in the hub: accept or decline a sent run; the partner's auto-accept setting.

Each action calls one service (``run_accept``, ``run_decline``, ``partner_update``);
a refusal comes back as a message on the page it was sent from.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from config.errors import DomainError
from partners.selectors import is_partner_owner
from partners.services import partner_update
from production import selectors, services
from production.portal.forms import AutoAcceptForm, DeclineForm
from production.portal.views import attempt, back_to_run, partner_required, render_page, run_page


@require_POST
@partner_required
def run_accept(request, pk: int):
    run = get_object_or_404(selectors.runs_for_partner(request.partner), pk=pk)
    attempt(request, lambda: services.run_accept(run=run, actor=request.user, partner=request.partner),
            success=f"Run #{run.pk} accepted. Start it when you are ready.")
    return back_to_run(run.pk)


@require_POST
@partner_required
def run_decline(request, pk: int):
    run = get_object_or_404(selectors.runs_for_partner(request.partner), pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return run_page(request, run.pk, decline_form=form, status=400)
    try:
        services.run_decline(run=run, partner=request.partner, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return run_page(request, run.pk, decline_form=form, status=exc.status_code)
        messages.error(request, exc.message)
        return back_to_run(run.pk)
    messages.success(request, f"Run #{run.pk} declined. The brand has been told and will find another workshop.")
    return redirect("portal:hub")


@partner_required
def settings(request):
    """The partner's settings: auto-accept, which only an owner may switch."""
    owner = is_partner_owner(request.user, request.partner)
    form = AutoAcceptForm(request.POST or None, initial={"auto_accept": request.partner.auto_accept})
    if request.method == "POST":
        if not owner:
            messages.error(request, "Only an owner of your workshop can change its settings.")
        elif form.is_valid():
            partner_update(partner=request.partner, auto_accept=form.cleaned_data["auto_accept"])
            messages.success(request, "Saved: new runs are accepted automatically." if request.partner.auto_accept
                             else "Saved: you answer each new run yourself.")
            return redirect("portal:settings")
    return render_page(request, "portal/settings.html", {"nav": "settings", "form": form, "is_owner": owner})
