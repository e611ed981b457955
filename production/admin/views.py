"""The custom admin pages of production runs: transitions, allocate, create, reassign (confirm templates: confirm.py).

Each view checks the admin permission, validates a form and calls one service
with ``actor=request.user``. A DomainError is shown as an admin error message;
the services write nothing when they refuse.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django_fsm import can_proceed

from config.errors import DomainError, InvalidInput
from config.money import RateType, currency
from config.numbers import MAX_STAGE, counted, parse_whole_number
from designs.models import Design
from partners.models import Partner
from production import gating, services
from production.admin.forms import (
    CancelForm,
    ReassignForm,
    RunCreateForm,
    allocation_formset,
    role_suggestions,
)
from production.exports import runs_csv_lines
from production.models import ProductionRun, RunStatus


def run_url(run_or_pk) -> str:
    return reverse("admin:production_productionrun_change", args=[getattr(run_or_pk, "pk", run_or_pk)])


def confirm_templates_url(run=None) -> str:
    url = reverse("admin:production_productionrun_confirm_templates")
    return f"{url}?run={run.pk}" if run is not None else url


def render_page(request, model_admin, template: str, title: str, **context):
    """An admin page of ours, with the scripts its forms need (the pickers that search as staff type)."""
    media = forms.Media()
    for value in context.values():
        if isinstance(value, (forms.BaseForm, forms.BaseFormSet)):
            media += value.media
    return TemplateResponse(request, template, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.opts, "title": title, "media": media,
        **context,
    })


def run_to_change(model_admin, request, pk: int) -> ProductionRun:
    run = get_object_or_404(ProductionRun.objects.select_related("design", "partner"), pk=pk)
    if not model_admin.has_change_permission(request, run):
        raise PermissionDenied
    return run


# --- buttons on the run page ---------------------------------------------------------

def _cancel(request, run):
    # The run page cancels through its confirmation page (units.cancel); a post straight here follows the
    # same rule: staff say why.
    form = CancelForm(request.POST)
    if not form.is_valid() and can_proceed(run.cancel):
        raise InvalidInput("Say why the run is cancelled: use Cancel run… on its page.")
    services.run_cancel(run=run, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    return f"{run} cancelled, with its open children and tasks."


def _dispatch(request, run):
    run = services.dispatch_start(run=run, actor=request.user)
    if not run.is_awaiting_templates():  # its allocation named the templates: sent at once
        return f"{run} sent to {run.partner} with the templates named at allocation."
    return format_html('{} is waiting for its templates: <a href="{}">confirm templates</a>.',
                       run, confirm_templates_url(run))


def _dispatch_cancel(request, run):
    services.dispatch_cancel(run=run, actor=request.user)
    return f"Dispatch of {run} cancelled; it can be dispatched again."


TRANSITIONS = {"cancel": _cancel, "dispatch": _dispatch, "dispatch-cancel": _dispatch_cancel}


def run_transition(model_admin, request, pk: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in TRANSITIONS:
        raise Http404
    run = run_to_change(model_admin, request, pk)
    try:
        messages.success(request, TRANSITIONS[action](request, run))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(run_url(run))


# --- allocate --------------------------------------------------------------------------

def _rows_from_routing(run: ProductionRun) -> tuple[list[dict], bool]:
    """A starting point for the form: the design's routing split over the run's quantity (none without one),
    and whether a row names templates one by one, which the page's rows can offer only by category."""
    try:
        assignments = gating.routing_split(run)
    except gating.NotRoutable:
        return [], False
    rows = [{"partner": a.partner_id, "role": a.role, "quantity": a.quantity, "stage": a.stage,
             "rate": a.rate, "rate_type": a.rate_type,
             "template_category": a.selection.category_id if a.selection else None} for a in assignments]
    return rows, any(a.selection is not None and a.selection.ids for a in assignments)


def _starting_rows(run: ProductionRun, *, stages: int, blank: int) -> tuple[list[dict], bool]:
    """The routing's rows, then ``blank`` empty rows in each of ``stages`` stages (and ``_rows_from_routing``'s
    flag)."""
    rows, by_name = _rows_from_routing(run)
    stages = max([stages, *(r["stage"] for r in rows)])
    return rows + [{"stage": stage} for stage in range(1, stages + 1) for _ in range(blank)], by_name


def _typed_rows(data) -> list[dict]:
    """The rows as typed (raw), to show them again with one more stage: nothing is validated yet."""
    count = min(parse_whole_number(data.get("rows-TOTAL_FORMS", "0")) or 0, 200)
    rows = []
    for i in range(count):
        row = {name: data.get(f"rows-{i}-{name}", "")
               for name in ("partner", "role", "quantity", "rate", "rate_type", "template_category")}
        row["stage"] = max(parse_whole_number(data.get(f"rows-{i}-stage", "1"), maximum=MAX_STAGE) or 1, 1)
        rows.append(row)
    return rows


def _sections(formset) -> list[tuple[int, list, int]]:
    """(stage, its rows, what they add up to as typed): the page's tables and totals without JavaScript."""
    sections = []
    for stage, rows in formset.by_stage():
        total = 0
        for form in rows:
            try:
                total += max(int(form["quantity"].value()), 0)
            except (TypeError, ValueError):
                pass
        sections.append((stage, rows, total))
    return sections


def _bounded(request, name: str, default: int, top: int) -> int:
    value = parse_whole_number(request.GET.get(name, str(default))) or default
    return min(value, top)


def run_allocate(model_admin, request, pk: int):
    run = run_to_change(model_admin, request, pk)
    if not can_proceed(run.approve):
        messages.warning(request, f"{run} is {run.get_status_display().lower()}; only a run pending review "
                                  "can be allocated.")
        return redirect(run_url(run))
    stages, blank = _bounded(request, "stages", 1, 10), _bounded(request, "rows", 3, 20)
    if request.method == "POST" and "add_stage" in request.POST:  # keep what was typed, one more stage below
        rows = _typed_rows(request.POST)
        stage = max([r["stage"] for r in rows] + [0]) + 1
        rows += [{"stage": min(stage, MAX_STAGE)} for _ in range(blank)]
        formset = allocation_formset(len(rows))(prefix="rows", initial=rows)
    elif request.method == "POST":
        formset = allocation_formset()(request.POST, prefix="rows")
        if formset.is_valid():
            assignments = [f.assignment() for f in formset.forms if f.cleaned_data]
            try:
                run, children = services.run_approve(run=run, actor=request.user, assignments=assignments,
                                                     note=request.POST.get("note", "").strip()[:500])
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{run} approved into {counted(len(children), 'child run')}. "
                                          "Dispatch the first stage's runs next (listed below).")
                _warn_unpriced(request, children)
                return redirect(run_url(run))
        else:
            messages.error(request, "Please correct the rows below.")
    else:
        rows, by_name = _starting_rows(run, stages=stages, blank=blank)
        if by_name:
            messages.info(request, "The routing gives some rows their templates one by one; here a row offers "
                                   "categories only. Choose one, or leave it and choose the templates when the "
                                   "run is dispatched.")
        formset = allocation_formset(len(rows))(prefix="rows", initial=rows)
    sections = _sections(formset)
    return render_page(request, model_admin, "admin/production/allocate.html", f"Allocate {run}",
                   run=run, original=run, formset=formset, sections=sections, more_rows=min(blank + 2, 20),
                   stages=len(sections), currency=currency(), role_suggestions=role_suggestions(run.design))


def _warn_unpriced(request, runs) -> None:
    """A run sent without a rate completes without a payable: said when it is given out, not found at the end."""
    unpriced = [r for r in runs if r.rate is None and r.partner_id is not None and r.status != RunStatus.CANCELLED]
    if unpriced:
        it, its = ("it", "its page") if len(unpriced) == 1 else ("they", "their pages")
        messages.warning(request, f"No rate is agreed for {', '.join(f'{r} ({r.partner})' for r in unpriced)}: "
                                  f"{it} will not be paid through the ledger. Set one with “Change rate…” on {its} "
                                  "before the partner accepts, or on the design's partner link for next time.")


# --- create -------------------------------------------------------------------------------

def run_create(model_admin, request):
    """Create a root run (pending review); ``?design=<id>`` fixes the design (the link on a design's page)."""
    design = None
    if request.GET.get("design"):
        design_id = request.GET["design"]
        design = get_object_or_404(Design, pk=parse_whole_number(design_id) or 0)
    form = RunCreateForm(request.POST or None, design=design)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_create(design=design or data["design"], quantity=data["quantity"],
                                      run_type=data["run_type"], actor=request.user, note=data["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{run} created ({run.quantity} × {run.design.name}, {run.run_type}); "
                                      "allocate it to partners next.")
            return redirect(run_url(run))
    title = f"Create a production run of {design}" if design else "Create a production run"
    return render_page(request, model_admin, "admin/production/run_create.html", title, form=form, design=design,
                   original=design)


# --- confirm templates ---------------------------------------------------------------------

# --- reassign and redispatch ------------------------------------------------------------------

def reassignment_queue_url() -> str:
    return f"{reverse('admin:production_productionrun_changelist')}?status__exact={RunStatus.AWAITING_REASSIGNMENT}"


def run_reassign(model_admin, request, pk: int):
    """Give a handed-back (or unanswered) run to a partner, optionally dispatching it with the same templates."""
    run = run_to_change(model_admin, request, pk)
    if not can_proceed(run.reassign):
        messages.warning(request, f"{run} is {run.get_status_display().lower()}; only a run handed back, or sent "
                                  "and not answered yet, can be reassigned.")
        return redirect(run_url(run))
    form = ReassignForm(request.POST or None, run=run)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_reassign(run=run, partner_id=data["partner"].pk, dispatch=data["dispatch"],
                                        note=data["note"], actor=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            sent = "and sent to them" if data["dispatch"] else "(approved: dispatch it when ready)"
            messages.success(request, f"{run} reassigned to {run.partner} {sent}.")
            if run.rate is not None:  # a reassigned run keeps its rate: say so, the new partner's may differ
                messages.warning(request, f"It keeps its rate, {run.rate} {currency()} "
                                       f"({RateType(run.rate_type).label.lower()}): change it with “Change rate…” "
                                       f"before {run.partner} accepts, if theirs differs.")
            _warn_unpriced(request, [run])
            return redirect(run_url(run))
    return render_page(request, model_admin, "admin/production/reassign.html", f"Reassign {run}",
                   run=run, original=run, form=form)


def redispatch(model_admin, request, queryset):
    """The bulk second chance: a dry run first (what would happen to each run), then the real thing on confirm."""
    run_ids = list(queryset.values_list("pk", flat=True))
    if request.POST.get("confirm") == "yes":
        results = services.runs_redispatch(run_ids=run_ids, dry_run=False, actor=request.user)
        sent = [r for r in results if r.outcome == "redispatched"]
        messages.success(request, f"Sent back to their previous partner: {len(sent)} of {counted(len(results), 'run')}.")
        return None
    results = services.runs_redispatch(run_ids=run_ids, dry_run=True, actor=request.user)
    partners = Partner.objects.in_bulk([r.partner for r in results if r.partner])
    rows = [{"result": r, "partner": partners.get(r.partner), "label": REDISPATCH_OUTCOMES.get(r.outcome, r.outcome)}
            for r in results]
    return render_page(request, model_admin, "admin/production/redispatch.html",
                   "Send runs back to their previous partner", rows=rows, run_ids=run_ids,
                   will_send=sum(r.outcome == "would_redispatch" for r in results))


REDISPATCH_OUTCOMES = {
    "would_redispatch": "Will be sent back, with the same tasks",
    "declined": "Skipped: this partner declined it",
    "partner_inactive": "Skipped: the partner is inactive",
    "no_templates": "Skipped: no templates to send it with (never chosen, or deactivated since)",
    "not_awaiting_reassignment": "Skipped: not waiting for reassignment",
}


# --- the run list as CSV ------------------------------------------------------------------

def run_export(model_admin, request):
    """The run list as filtered (and searched) on screen, streamed as CSV: the API export's columns."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        runs = model_admin.get_changelist_instance(request).get_queryset(request)
    except IncorrectLookupParameters:
        return redirect("admin:production_productionrun_changelist")
    response = StreamingHttpResponse(runs_csv_lines(runs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="production-runs.csv"'
    return response
