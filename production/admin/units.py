"""Every unit accounted for, in admin: record a completion for a partner, correct it, remake, the ledger picture;
and cancelling a run, after a page that asks why.

Each page validates a form and calls one service with ``actor=request.user``;
a refusal keeps what was typed and shows why next to the field.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django_fsm import can_proceed

from config.errors import DomainError, InvalidInput, InvalidTransition
from production import services
from production.admin.forms import CancelForm
from production.admin.views import render_page, run_to_change, run_url
from production.forms import CorrectOutputForm, RemakeForm, RunCompleteForm
from production.ledger import Ledger, run_ledger
from production.models import TERMINAL, ProductionRun, RunStatus
from tasks.models import Task


def can_record_completion(run: ProductionRun) -> bool:
    """In progress, or sent and not started: a partner who phones in its work may never have opened the hub."""
    return can_proceed(run.complete) or (can_proceed(run.start) and run.partner_id is not None)


def can_correct(run: ProductionRun) -> bool:
    return run.status == RunStatus.COMPLETED and run.has_no_children()


def missing_units(run: ProductionRun, ledger: Ledger | None = None) -> int:
    """Units a finished root run did not deliver (0 for any other run): what a remake would make."""
    if run.parent_run_id is not None or run.status not in TERMINAL:
        return 0
    return (ledger or run_ledger(run)).missing


def form_page(model_admin, request, pk: int, *, allowed, form_class, initial, call, done, title: str,
               template: str = "admin/production/run_form.html"):
    """``allowed``: True, or False, or the sentence that says why not (else the run's status is the reason)."""
    run = run_to_change(model_admin, request, pk)
    verdict = allowed(run)
    if verdict is not True:
        messages.warning(request, verdict if isinstance(verdict, str) else
                         f"{run} is {run.get_status_display().lower()}: {title.lower()} is not possible now.")
        return redirect(run_url(run))
    form = form_class(request.POST or None, initial=initial(run))
    if request.method == "POST" and form.is_valid():
        try:
            result = call(run, form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done(run, result) if callable(done) else done.format(run=run, result=result))
            return redirect(run_url(result))
    return render_page(request, model_admin, template, f"{title}: {run}", run=run, original=run, form=form,
                       submit=title)


class RecordCompletionForm(RunCompleteForm):
    close_open_tasks = forms.BooleanField(
        required=False, label="Its open tasks are done too",
        help_text="The partner says every step is finished: the run's open tasks are completed with it.")


@transaction.atomic
def _complete_for_partner(run: ProductionRun, data: dict, actor) -> ProductionRun:
    """The partner's completion, recorded by staff: its open tasks first when staff say they are done (each
    through ``task_complete``), then ``run_complete``; one transaction, so a refusal leaves every task open. A run
    not started yet is started for the partner first (which accepts it), as the partner's own first step would."""
    if run.status == RunStatus.SENT_TO_PARTNER:
        run = services.run_start(run=run, actor=actor)
    if data.pop("close_open_tasks"):
        for task in run.tasks.filter(status__in=Task.OPEN).order_by("sequence", "id"):
            services.task_complete(task=task, actor=actor)
    try:
        return services.run_complete(run=run, actor=actor, **data)
    except InvalidTransition as exc:
        if exc.code != "open_tasks":
            raise
        raise InvalidInput(f"{exc.message} Tick the box if the partner says they are done, or leave them to the "
                           "partner in the hub.", field="close_open_tasks") from exc


def record_completion(model_admin, request, pk: int):
    """Staff record a partner's completion (a phone call, an email): the partner's own rules apply."""
    return form_page(
        model_admin, request, pk, allowed=can_record_completion, form_class=RecordCompletionForm,
        initial=lambda run: {}, call=lambda run, data: _complete_for_partner(run, data, request.user),
        done="{run} completed for its partner.", title="Record completion",
    )


def correct_output(model_admin, request, pk: int):
    return form_page(
        model_admin, request, pk, allowed=can_correct, form_class=CorrectOutputForm,
        initial=lambda run: {"produced_quantity": run.produced_quantity, "rejected_quantity": run.rejected_quantity,
                             "rejection_reason": run.rejection_reason, "shortfall_reason": run.shortfall_reason},
        call=lambda run, data: services.run_correct_output(run=run, actor=request.user, **data),
        done="{run} corrected; its parent's totals follow.", title="Correct output",
    )


def remake(model_admin, request, pk: int):
    return form_page(
        model_admin, request, pk, allowed=lambda run: missing_units(run) > 0, form_class=RemakeForm,
        initial=lambda run: {"quantity": missing_units(run)},
        call=lambda run, data: services.run_remake(run=run, actor=request.user, **data),
        done="{result} created for the missing units of {run}; it waits for review.", title="Remake missing units",
    )


# --- the ledger, drawn --------------------------------------------------------------------------

SEGMENTS = [("produced", "Good"), ("rejected", "Rejected"), ("shortfall", "Missing"), ("open", "In work")]


@dataclass
class Bar:
    stage: int
    label: str
    segments: list[tuple[str, str, int, float, float]]  # (kind, label, units, x %, width %)
    upstream: int  # units not (yet) received by this stage


def ledger_picture(ledger: Ledger) -> list[Bar]:
    """One bar per stage, as wide as the order: good, rejected, missing and in-work segments, then what never
    reached this stage (still upstream, or lost before it)."""
    bars = []
    for row in ledger.stages:
        x, segments = 0.0, []
        for kind, label in SEGMENTS:
            units = getattr(row, kind)
            if units:
                width = 100 * units / ledger.ordered
                segments.append((kind, label, units, round(x, 3), round(width, 3)))
                x += width
        roles = ", ".join(row.roles)
        bars.append(Bar(stage=row.stage, label=f"Stage {row.stage}{f' · {roles}' if roles else ''}",
                        segments=segments, upstream=ledger.ordered - row.received))
    return bars


def cancel(model_admin, request, pk: int):
    """Cancel a run after a confirmation page that asks why (the reason is required here)."""
    return form_page(
        model_admin, request, pk, allowed=lambda run: can_proceed(run.cancel), form_class=CancelForm,
        initial=lambda run: {}, call=lambda run, data: services.run_cancel(run=run, actor=request.user, **data),
        done="{run} cancelled, with its open children and tasks.", title="Cancel run",
        template="admin/production/cancel.html",
    )


class DueDateForm(forms.Form):
    due_date = forms.DateField(required=False, label="Due on", widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="Empty: no due date. Late runs are on the dashboard and alerted once a day.")


def can_move_due_date(run: ProductionRun) -> bool:
    return run.status not in TERMINAL  # run_set_due_date's rule: a finished run's lateness is history


def move_due_date(model_admin, request, pk: int):
    """A run's page: set, move or clear the day it is due (until it is finished), as the API's PATCH does."""
    return form_page(
        model_admin, request, pk, allowed=can_move_due_date, form_class=DueDateForm,
        initial=lambda run: {"due_date": run.due_date},
        call=lambda run, data: services.run_set_due_date(run=run, actor=request.user, **data),
        done=lambda run, result: f"{result}: " + (f"due on {result.due_date:%-d %b %Y}." if result.due_date
                                                  else "no due date now."),
        title="Change due date",
    )
