"""Forms of the custom admin pages. They validate input only; the services decide."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models.functions import Lower

from config.money import MAX_MONEY, MONEY_DIGITS, MONEY_PLACES, RateType
from config.numbers import MAX_STAGE
from designs.models import Design
from partners.models import Partner
from production.assignments import Assignment
from production.models import ProductionRun, ReviewDecision
from tasks.models import TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection


class ActiveOnlySelect(AutocompleteSelect):
    """Search-as-you-type among active objects only (``config.admin_site.LabelledAutocompleteJsonView``)."""

    def get_url(self):
        return f"{super().get_url()}?active=1"


def _searching(field_name: str, widget=AutocompleteSelect):
    """A picker that searches as staff type (the page holds the chosen object only, however many there are);
    the run's own foreign key tells the admin's autocomplete view what to search."""
    return widget(ProductionRun._meta.get_field(field_name), admin.site)


class RunCreateForm(forms.Form):
    design = forms.ModelChoiceField(queryset=Design.objects.order_by("name", "id"), widget=_searching("design"))
    quantity = forms.IntegerField(min_value=1)
    run_type = forms.ChoiceField(choices=ProductionRun.RunType.choices, initial=ProductionRun.RunType.PRODUCTION)
    note = forms.CharField(required=False, max_length=500, help_text="Optional; kept in the run's timeline.")

    def __init__(self, *args, design: Design | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if design is not None:
            del self.fields["design"]


class PartnerChoiceField(forms.ModelChoiceField):
    """An active partner, searched for as staff type."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Partner.objects.filter(is_active=True).order_by("name", "id"),
                         widget=_searching("partner", ActiveOnlySelect), **kwargs)

    def label_from_instance(self, partner):
        return partner.choice_label


class AllocationRowForm(forms.Form):
    """One row of the Allocate page: a partner's share of one stage, and optionally the templates it goes out with."""

    partner = PartnerChoiceField()
    role = forms.CharField(required=False, max_length=100,
                           widget=forms.TextInput(attrs={"list": "role-suggestions", "autocomplete": "off"}))
    quantity = forms.IntegerField(min_value=1, widget=forms.NumberInput(attrs={"class": "vSmallField"}))
    template_category = forms.ModelChoiceField(
        queryset=TaskTemplateCategory.objects.order_by("name", "id"), required=False, label="Templates",
        empty_label="Choose at dispatch",
    )
    stage = forms.IntegerField(min_value=1, max_value=MAX_STAGE, initial=1, widget=forms.HiddenInput)
    rate = forms.DecimalField(required=False, min_value=0, max_value=MAX_MONEY, decimal_places=MONEY_PLACES,
                              max_digits=MONEY_DIGITS, label="Rate",
                              widget=forms.NumberInput(attrs={"class": "vSmallField", "step": "0.01",
                                                              "placeholder": "agreed"}))
    rate_type = forms.ChoiceField(choices=RateType.choices, initial=RateType.PER_UNIT, label="Rate type",
                                  required=False)  # posts that predate rates still allocate
    due_date = forms.DateField(required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="Empty: the run's due date, else the partner's lead time from sending.")

    def has_changed(self):
        # A blank row of stage 2 is still blank: the stage is where the row sits (and the rate type a default).
        return any(name not in ("stage", "rate_type") for name in self.changed_data)

    def assignment(self) -> Assignment:
        data = self.cleaned_data
        category = data.get("template_category")
        return Assignment(partner_id=data["partner"].pk, role=data.get("role", ""), quantity=data["quantity"],
                          stage=data.get("stage") or 1, rate=data.get("rate"),
                          rate_type=data.get("rate_type") or RateType.PER_UNIT, due_date=data.get("due_date"),
                          selection=TemplateSelection(category_id=category.pk) if category else None)


class NamedRowsFormSet(forms.BaseFormSet):
    """Rows of a table: each field is named for a screen reader ("Quantity, row 2"), since a column's header
    is not its cells' label. Rows are numbered as the page shows them, from 1."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                label = form[name].label
                field.widget.attrs["aria-label"] = label if index is None else f"{label}, row {index + 1}"


class AllocationFormSet(NamedRowsFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": "Fill in at least one row: a partner, a role and a quantity.",
    }

    def initial_form_count(self):
        return 0  # every row but the first may stay empty, prefilled or not (rows carry their stage as initial)

    def by_stage(self) -> list[tuple[int, list[AllocationRowForm]]]:
        """The rows grouped by stage, in stage order (the page shows one table per stage)."""
        stages: dict[int, list] = {}
        for form in self.forms:
            try:
                stage = max(int(form["stage"].value() or 1), 1)
            except (TypeError, ValueError):
                stage = 1
            stages.setdefault(stage, []).append(form)
        return sorted(stages.items())


def allocation_formset(rows: int = 3):
    """At least one row must be filled; ``rows`` rows are offered (the page works without JavaScript)."""
    return forms.formset_factory(AllocationRowForm, formset=AllocationFormSet, extra=max(rows - 1, 0), min_num=1,
                                 validate_min=True)


def role_suggestions(design: Design) -> list[str]:
    """What the Role column offers as you type: the roles this design already knows (its partners' links and its
    bill of materials), then the template categories' names. Bounded by the design and the categories, not by
    how many partners or runs there are."""
    # No ordering inside the union (SQLite refuses it, and the categories have a default one): sorted below.
    roles = design.partner_links.order_by().values_list("role", flat=True).union(
        design.bill_of_materials.order_by().values_list("role", flat=True),
        TaskTemplateCategory.objects.order_by().values_list(Lower("name"), flat=True))
    return sorted({role for role in roles if role})  # one query


class TemplateChoiceField(forms.ModelMultipleChoiceField):
    """Listed under their category (the page groups them), each with the step that orders the partner's tasks."""

    def label_from_instance(self, template):
        return f"Step {template.sequence}: {template.name}"


class ConfirmTemplatesForm(forms.Form):
    """Which waiting runs, and EITHER a category OR a set of templates."""

    runs = forms.ModelMultipleChoiceField(queryset=ProductionRun.objects.none(), widget=forms.CheckboxSelectMultiple,
                                          error_messages={"required": "Pick at least one run."})
    category = forms.ModelChoiceField(queryset=TaskTemplateCategory.objects.all(), required=False,
                                      empty_label="— pick templates below instead —")
    templates = TemplateChoiceField(
        queryset=TaskTemplate.objects.active().select_related("category").order_by("category__name", "sequence", "id"),
        required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, runs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["runs"].queryset = runs

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("templates"):
            raise forms.ValidationError("You chose a category and some templates: keep one of the two.")
        if not data.get("category") and not data.get("templates"):
            raise forms.ValidationError("Choose a template category, or tick the templates to use.")
        return data

    def selection(self) -> TemplateSelection:
        if self.cleaned_data["category"]:
            return TemplateSelection(category_id=self.cleaned_data["category"].pk)
        return TemplateSelection(ids=tuple(t.pk for t in self.cleaned_data["templates"]))


class ReassignForm(forms.Form):
    partner = PartnerChoiceField()
    dispatch = forms.BooleanField(required=False, initial=True, label="Send it to them now, with the same tasks")
    note = forms.CharField(required=False, max_length=500, help_text="Optional; kept in the run's timeline.")

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = self.fields["partner"].queryset.exclude(pk=run.partner_id)
        if not run.template_ids:
            del self.fields["dispatch"]  # never dispatched with templates: dispatch it from the run page

    def clean(self):
        data = super().clean()
        data.setdefault("dispatch", False)
        return data


class ReviewForm(forms.Form):
    """Staff's word on a completed sample: approve (the design moves on) or redo (notes for the partner)."""

    decision = forms.ChoiceField(widget=forms.RadioSelect, choices=[
        (ReviewDecision.APPROVE, "Approve the sample"), (ReviewDecision.REDO, "Ask for a redo")])
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="Required for a redo: the partner reads them at the top of the next round.")
    design_status = forms.ChoiceField(
        required=False, label="Approved design becomes",
        choices=[(s.value, s.label) for s in (Design.Status.APPROVED, Design.Status.COMMERCE_READY)],
        help_text="For an approval only; a redo moves the design to “In revision”.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReviewDecision.REDO:
            data["design_status"] = None  # the select always sends a value; it means nothing for a redo
        return data


class TemplateChoiceForm(forms.Form):
    """A template category, or some templates, or neither (staff choose at dispatch): never both."""

    category = forms.ModelChoiceField(queryset=TaskTemplateCategory.objects.order_by("name", "id"), required=False,
                                      label="Template category", empty_label="— or pick templates below —")
    templates = TemplateChoiceField(
        queryset=TaskTemplate.objects.active().select_related("category").order_by("category__name", "sequence", "id"),
        required=False, widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("templates"):
            raise forms.ValidationError("Choose a template category or some templates, not both.")
        return data

    def selection(self) -> TemplateSelection | None:
        if self.cleaned_data.get("category"):
            return TemplateSelection(category_id=self.cleaned_data["category"].pk)
        if self.cleaned_data.get("templates"):
            return TemplateSelection(ids=tuple(t.pk for t in self.cleaned_data["templates"]))
        return None


class SampleSendForm(TemplateChoiceForm):
    """Send a design for sampling: a partner, how many samples, and the templates they follow."""

    field_order = ["partner", "quantity", "role", "category", "templates", "note"]

    partner = PartnerChoiceField()
    quantity = forms.IntegerField(min_value=1, initial=1, widget=forms.NumberInput(attrs={"class": "vSmallField"}))
    role = forms.CharField(required=False, max_length=100, initial="sampling")
    note = forms.CharField(required=False, max_length=500, help_text="Optional; kept in the run's timeline.")


class RateForm(forms.Form):
    """The price agreed with the partner for this run; empty: no rate (no payable when it completes)."""

    rate = forms.DecimalField(required=False, min_value=0, max_value=MAX_MONEY, decimal_places=MONEY_PLACES,
                              max_digits=MONEY_DIGITS)
    rate_type = forms.ChoiceField(choices=RateType.choices, initial=RateType.PER_UNIT)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why is it cancelled?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why the run is cancelled."},
                             help_text="Required: it is kept on the run's timeline (and its children's).")
