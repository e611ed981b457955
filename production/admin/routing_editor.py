"""Edit a design's routing as a table: partners picked by name, their role, share, stage and rate, and the
templates by name. The design page links here ("Edit routing").

The page writes the routing JSON integrations write (``designs.routing``) and saves it through
``designs.services.design_update``, so the one parser decides what a routing is. The rows are checked first
for what staff get wrong (a partner twice in a role, a stage skipped) so the message names the partner and
marks the row, where the parser could only name a position and an id. It lives on production's side because
the templates come from ``tasks``, which ``designs`` may not import.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from config.errors import DomainError, InvalidInput
from config.money import MAX_MONEY, MONEY_DIGITS, MONEY_PLACES, RateType, currency
from config.numbers import MAX_STAGE
from designs.models import Design
from designs.routing import parse_routing
from designs.services import design_update
from partners.models import Partner
from production.admin.forms import NamedRowsFormSet, PartnerChoiceField, TemplateChoiceForm, role_suggestions
from production.admin.views import render_page
from tasks.models import TaskTemplate, TaskTemplateCategory

_small = {"class": "vSmallField"}


def _plain(number: Decimal) -> Decimal:
    """2.500 -> 2.5 and 100.0 -> 100 (``normalize`` alone would write 1E+2)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


class RoutingRowForm(forms.Form):
    stage = forms.IntegerField(min_value=1, max_value=MAX_STAGE, initial=1, widget=forms.NumberInput(attrs=_small))
    partner = PartnerChoiceField()
    role = forms.CharField(required=False, max_length=100,
                           widget=forms.TextInput(attrs={"list": "role-suggestions", "autocomplete": "off"}))
    # As precise as the JSON allows (a routing written by an integration must save unchanged).
    share = forms.DecimalField(max_value=10**9, initial=1, widget=forms.NumberInput(attrs={**_small, "step": "any"}))
    rate = forms.DecimalField(required=False, min_value=0, max_value=MAX_MONEY, decimal_places=MONEY_PLACES,
                              max_digits=MONEY_DIGITS,
                              widget=forms.NumberInput(attrs={**_small, "step": "0.01", "placeholder": "agreed"}))
    rate_type = forms.ChoiceField(choices=RateType.choices, initial=RateType.PER_UNIT, required=False)
    # The row's own templates (a category, or the template ids it was given through the API); empty: the routing's.
    templates = forms.ChoiceField(required=False, label="Templates")

    def __init__(self, *args, template_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["templates"].choices = [("", "The routing's"), *template_choices]

    def clean_share(self):
        share = self.cleaned_data["share"]
        if not float(share) > 0:  # what the JSON will hold
            raise forms.ValidationError("A share is a weight above 0.")
        return share

    def assignment(self) -> dict:
        """The row as the routing JSON's assignment (a share stays a JSON number, a rate a decimal string)."""
        data = self.cleaned_data
        share = _plain(data["share"])
        item = {"partner": data["partner"].pk, "role": data.get("role") or "",
                "share": int(share) if share == share.to_integral_value() else float(share), "stage": data["stage"]}
        if data.get("rate") is not None:
            item.update(rate=str(data["rate"]), rate_type=data.get("rate_type") or RateType.PER_UNIT)
        kind, _, ids = (data.get("templates") or "").partition(":")
        if kind == "category":
            item["template_category"] = int(ids)
        elif kind == "ids":
            item["template_ids"] = [int(pk) for pk in ids.split(",")]
        return item


class RoutingFormSet(NamedRowsFormSet):
    def kept(self) -> list[RoutingRowForm]:
        """Rows filled in and not ticked for removal (an untouched empty row has no cleaned data)."""
        return [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]

    def clean(self):
        if any(self.errors):
            return
        seen, stages = {}, set()
        for form in self.kept():
            data = form.cleaned_data
            key = (data["stage"], data["partner"].pk, (data.get("role") or "").strip())
            if key in seen:
                form.add_error("partner", f"{data['partner'].name} is already in stage {data['stage']} as "
                                          f"“{data.get('role') or 'no role'}”: give the row another role, "
                                          "or add its share to the other row.")
            seen[key] = form
            stages.add(data["stage"])
        missing = sorted(set(range(1, max(stages, default=0) + 1)) - stages)
        if missing:
            raise forms.ValidationError(f"Stages run 1, 2, 3… without a gap: no row is in stage {missing[0]}.")

    def assignments(self) -> list[dict]:
        return sorted((form.assignment() for form in self.kept()), key=lambda item: item["stage"])


def _formset(extra: int):
    return forms.formset_factory(RoutingRowForm, formset=RoutingFormSet, extra=extra, can_delete=True)


def _row_templates(assignment) -> str:
    """A routing assignment's own templates as the row's choice ("category:3", "ids:4,5"; "" for none)."""
    if assignment.template_category is not None:
        return f"category:{assignment.template_category}"
    return f"ids:{','.join(map(str, assignment.template_ids))}" if assignment.template_ids else ""


def _template_choices(design: Design) -> list[tuple[str, str]]:
    """What a row may go out with: a category, or the very templates the stored routing gave a row (the API
    can name templates one by one; this page keeps them, and offers categories)."""
    choices = [(f"category:{pk}", name) for pk, name in
               TaskTemplateCategory.objects.order_by("name", "id").values_list("pk", "name")]
    try:
        routing = parse_routing(design.routing)
    except InvalidInput:
        return choices
    named = [a.template_ids for a in (routing.assignments if routing else ()) if a.template_ids]
    names = {pk: name if active else f"{name} (inactive)" for pk, name, active in TaskTemplate.objects.filter(
        pk__in={pk for ids in named for pk in ids}).values_list("pk", "name", "is_active")}
    for ids in dict.fromkeys(named):
        choices.append((f"ids:{','.join(map(str, ids))}",
                        "These templates: " + ", ".join(names.get(pk, f"a deleted template (#{pk})") for pk in ids)))
    return choices


def _starting_point(design: Design) -> tuple[list[dict], dict, list[str]]:
    """The stored routing as rows and templates to start from, and what of it the page cannot offer (a routing
    that no longer parses starts the page empty; templates made inactive or deleted are not in the choice)."""
    try:
        routing = parse_routing(design.routing)
    except InvalidInput as exc:
        return [], {}, [f"The stored routing can no longer be used ({exc.message}). The rows start empty: saving "
                        "replaces it."]
    if routing is None:
        return [], {}, []
    rows = [{"stage": a.stage, "partner": a.partner_id, "role": a.role,
             "share": _plain(Decimal(a.share.numerator) / Decimal(a.share.denominator)),
             "rate": a.rate, "rate_type": a.rate_type, "templates": _row_templates(a)} for a in routing.assignments]
    named = {t.pk: t for t in TaskTemplate.objects.filter(pk__in=routing.template_ids)}
    problems = [f"{p.name} is no longer active: pick another partner for their row, or remove it."
                for p in Partner.objects.filter(pk__in=[row["partner"] for row in rows], is_active=False)]
    gone = [named[pk].name if pk in named else f"a deleted template (#{pk})" for pk in routing.template_ids
            if pk not in named or not named[pk].is_active]
    if gone:
        problems.append(f"Not offered below, so saving drops them: {', '.join(gone)} (no longer active).")
    categories = {a.template_category for a in (routing, *routing.assignments)} - {None}
    gone = categories - set(TaskTemplateCategory.objects.filter(pk__in=categories).values_list("pk", flat=True))
    if routing.template_category in gone:
        problems.append("The routing's template category was deleted: choose the templates again.")
    if gone - {routing.template_category}:
        problems.append("A row's template category was deleted: choose that row's templates again.")
    row_ids = {pk for a in routing.assignments for pk in a.template_ids}
    if row_ids - set(TaskTemplate.objects.active().filter(pk__in=row_ids).values_list("pk", flat=True)):
        problems.append("A row names a template that is inactive or deleted (marked in its Templates choice): the "
                        "routing cannot be used until that row's templates are chosen again.")
    return rows, {"category": routing.template_category, "templates": [t for t in named.values() if t.is_active]}, problems


def _routing(rows: RoutingFormSet, templates: TemplateChoiceForm) -> dict | None:
    assignments, selection = rows.assignments(), templates.selection()
    if not assignments and selection is None:
        return None  # nothing left: the design has no routing (its runs are allocated by hand)
    routing: dict = {"assignments": assignments}
    if selection is not None and selection.category_id:
        routing["template_category"] = selection.category_id
    elif selection is not None:
        routing["template_ids"] = list(selection.ids)
    return routing


def _extra(request) -> int:
    try:
        return min(max(int(request.GET.get("rows", 2)), 1), 20)
    except ValueError:
        return 2


def edit_routing(model_admin, request, design_pk: int):
    design = get_object_or_404(Design, pk=design_pk)
    if not request.user.has_perm("designs.change_design"):
        raise PermissionDenied
    rows, initial_templates, problems = _starting_point(design)
    formset_class = _formset(_extra(request))
    row_kwargs = {"template_choices": _template_choices(design)}
    if request.method == "POST":
        formset = formset_class(request.POST, prefix="rows", form_kwargs=row_kwargs)
        templates = TemplateChoiceForm(request.POST, prefix="templates")
        if formset.is_valid() and templates.is_valid():
            routing = _routing(formset, templates)
            try:
                design_update(design=design, actor=request.user, routing=routing)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"The routing of {design.name} is saved." if routing else
                                          f"{design.name} has no routing now: its runs are allocated by hand.")
                return redirect(reverse("admin:designs_design_change", args=[design.pk]))
        else:
            messages.error(request, "Please correct the rows below.")
    else:
        formset = formset_class(prefix="rows", initial=rows, form_kwargs=row_kwargs)
        templates = TemplateChoiceForm(prefix="templates", initial=initial_templates)
    return render_page(request, model_admin, "admin/production/routing_edit.html", f"Routing of {design.name}",
                       design=design, formset=formset, templates=templates, problems=problems, currency=currency(),
                       more_rows=min(_extra(request) + 2, 20), role_suggestions=role_suggestions(design))
