"""The partner logs what a run in progress used of its planned materials (one service: ``consumption_log``)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from config.errors import DomainError, InvalidInput
from production import selectors, services
from production.portal.forms import ConsumptionForm
from production.portal.views import back_to_run, partner_required, run_page


@require_POST
@partner_required
def consumption_log(request, pk: int):
    run = get_object_or_404(selectors.runs_for_partner(request.partner), pk=pk)
    form = ConsumptionForm(request.POST, planned=run.material_plan)
    if not form.is_valid():
        return run_page(request, run.pk, consumption_form=form, status=400)
    data = form.cleaned_data
    try:
        entry = services.consumption_log(run=run, material_id=data["material"], quantity=data["quantity"],
                                         kind=data["kind"], notes=data["notes"], actor=request.user)
    except InvalidInput as exc:  # shown on the form, with what was typed
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return run_page(request, run.pk, consumption_form=form, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
        return back_to_run(run.pk)
    material = entry.run_material.material
    messages.success(request, f"Logged {entry.quantity.normalize():f} {material.unit} of {material.name} "
                              f"({entry.get_kind_display().lower()}).")
    return back_to_run(run.pk)
