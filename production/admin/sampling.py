"""The sampling loop in admin: review a completed sample run, send a design for sampling, the design's rounds.

Each page validates a form and calls one service (``production.services.sampling``)
with ``actor=request.user``; a refusal keeps what was typed and says why.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from config.errors import DomainError
from config.numbers import counted, parse_whole_number
from designs.models import Design
from production import services
from production.admin.forms import ReviewForm, SampleSendForm
from production.admin.units import form_page
from production.admin.views import render_page, run_url
from production.models import ProductionRun
from production.services.sampling import review_refusal


def can_review(run: ProductionRun) -> bool:
    return review_refusal(run) is None


def review(model_admin, request, pk: int):
    def call(run, data):
        reviewed, redo, _ = services.run_review(run=run, actor=request.user, **data)
        return redo or reviewed  # a redo: on to the next round's page

    return form_page(
        model_admin, request, pk, allowed=can_review, form_class=ReviewForm, initial=lambda run: {},
        call=call, title="Review sample",
        done=lambda run, result: f"{run} reviewed: {result.design.name} is now "
                                 f"“{result.design.get_status_display()}”"
                                 + (f"; the next round is {result}, sent to {result.partner}." if result.pk != run.pk
                                    else "."),
    )


def send_for_sampling(model_admin, request):
    """``?design=<id>``: the design's next sample, in one step (run, approval, dispatch)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    design = get_object_or_404(Design, pk=parse_whole_number(request.GET.get("design", "")) or 0)
    form = SampleSendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.sample_send(design=design, partner=data["partner"], quantity=data["quantity"],
                                       role=data["role"], note=data["note"], selection=form.selection(),
                                       actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            sent = "sent to" if run.status == "sent_to_partner" else "waiting for its templates for"
            messages.success(request, f"{run}: {counted(run.quantity, 'sample')} of "
                                      f"{design.name} {sent} {run.partner}.")
            return redirect(run_url(run))
    return render_page(request, model_admin, "admin/production/sample_send.html", f"Send {design} for sampling",
                       form=form, design=design)
