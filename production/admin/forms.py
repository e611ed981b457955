"""Forms of the custom admin pages. They validate input only; the services decide."""

from django import forms

from designs.models import Design
from partners.models import Partner
from production.models import ProductionRun
from tasks.models import TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection


class RunCreateForm(forms.Form):
    design = forms.ModelChoiceField(queryset=Design.objects.order_by("name", "id"))
    quantity = forms.IntegerField(min_value=1)
    run_type = forms.ChoiceField(choices=ProductionRun.RunType.choices, initial=ProductionRun.RunType.PRODUCTION)
    note = forms.CharField(required=False, max_length=500, help_text="Optional; kept in the run's timeline.")

    def __init__(self, *args, design: Design | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if design is not None:
            del self.fields["design"]


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, partner):
        return f"{partner.name} ({', '.join(partner.roles)})" if partner.roles else partner.name


class AllocationRowForm(forms.Form):
    partner = PartnerChoiceField(queryset=Partner.objects.filter(is_active=True).order_by("name", "id"))
    role = forms.CharField(required=False, max_length=100)
    quantity = forms.IntegerField(min_value=1, widget=forms.NumberInput(attrs={"class": "vSmallField"}))


def allocation_formset(extra: int = 2):
    """At least one row must be filled; ``extra`` blank rows are offered (the page works without JavaScript)."""
    return forms.formset_factory(AllocationRowForm, extra=extra, min_num=1, validate_min=True)


class TemplateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, template):
        category = template.category.name if template.category_id else "no category"
        return f"{template.name} — {category}"


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
        if bool(data.get("category")) == bool(data.get("templates")):
            raise forms.ValidationError("Choose either a template category or some templates (not both).")
        return data

    def selection(self) -> TemplateSelection:
        if self.cleaned_data["category"]:
            return TemplateSelection(category_id=self.cleaned_data["category"].pk)
        return TemplateSelection(ids=tuple(t.pk for t in self.cleaned_data["templates"]))


class ReassignForm(forms.Form):
    partner = PartnerChoiceField(queryset=Partner.objects.filter(is_active=True).order_by("name", "id"))
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
