"""Confirm templates: the runs whose dispatch waits for its templates, and the choice that sends them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect

from config.errors import DomainError
from config.numbers import parse_whole_number
from production import selectors, services
from production.admin.forms import ConfirmTemplatesForm
from production.admin.views import confirm_templates_url, render_page
from tasks.models import Task, TaskTemplateCategory


def _category_for(runs, picked: list[str]):
    """The category named like the picked runs' role ("Cutting" for cutting runs), as a starting point."""
    ids = [pk for pk in map(parse_whole_number, picked) if pk is not None]  # "²" or "x" in the URL: not a run
    roles = {role.lower() for role in runs.filter(pk__in=ids).values_list("role", flat=True) if role}
    if len(roles) != 1:
        return None
    return TaskTemplateCategory.objects.filter(name__iexact=roles.pop()).values_list("pk", flat=True).first()


CONFIRM_PAGE_SIZE = 50


def confirm_templates(model_admin, request):
    """The runs waiting for templates, 50 to a page (oldest first), and the templates grouped by category.

    A posted run may be on any page: the form checks it against every waiting run, in one query.
    """
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    runs = selectors.runs_awaiting_templates()
    page = Paginator(runs, CONFIRM_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.method == "POST":
        form = ConfirmTemplatesForm(request.POST, runs=runs)
        if form.is_valid():
            selection, sent = form.selection(), []
            for run in form.cleaned_data["runs"]:
                try:
                    sent.append(services.dispatch_confirm(run=run, actor=request.user, selection=selection))
                except DomainError as exc:
                    messages.error(request, f"{run}: {exc.message}")
            if sent:
                # The tasks just made: a reassigned run keeps its former partner's, cancelled.
                tasks = {row["production_run"]: row["n"] for row in Task.objects.filter(
                    production_run__in=sent, status__in=Task.OPEN).values("production_run").annotate(n=Count("id"))}
                messages.success(request, "Sent to partner: " + ", ".join(
                    f"{run} ({tasks.get(run.pk, 0)} tasks)" for run in sent))
                return redirect(confirm_templates_url())
    else:
        picked = request.GET.getlist("run")
        form = ConfirmTemplatesForm(initial={"runs": picked, "category": _category_for(runs, picked)}, runs=runs)
    chosen = {str(v) for v in (form["runs"].value() or [])}
    return render_page(request, model_admin, "admin/production/confirm_templates.html", "Confirm templates",
                       form=form, runs=page.object_list, page=page, chosen=chosen)
