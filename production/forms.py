"""Forms shared by the portal, admin and the API: a run's output (complete, correct, remake), the report's filters.

They validate input only; ``production.services`` owns the rules (``output_checked``).
"""

from django import forms

from config.numbers import MAX_QUANTITY
from designs.models import Design
from partners.models import Partner
from production.costing import report_lines
from production.models import RejectionReason


class OutputReasonsForm(forms.Form):
    """Why pieces were rejected (a fixed list) and why pieces are missing (words)."""

    rejection_reason = forms.ChoiceField(
        required=False, label="Why rejected", choices=[("", "—"), *RejectionReason.choices],
    )
    shortfall_reason = forms.CharField(
        required=False, max_length=2000, label="Why are pieces missing?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when good and rejected pieces add up to less than you received.",
    )


class RunCompleteForm(OutputReasonsForm):
    """What the partner (or staff for it) reports when finishing a run: good, rejected, and missing pieces.

    Both quantities are optional: ``production.services.output_checked`` owns the
    defaults (rejected 0, produced = the rest) and the rules (not more than the
    run's quantity; missing pieces need a reason); the form only checks the input
    is a whole number. The page's script counts the pieces as they are typed.
    """

    field_order = ["produced_quantity", "rejected_quantity", "rejection_reason", "shortfall_reason", "notes"]

    produced_quantity = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_QUANTITY, label="Good pieces",
        help_text="Leave empty: the run's quantity minus the rejected pieces.",
        error_messages={"invalid": "Good pieces: enter a whole number (or leave it empty).",
                        "min_value": "Good pieces cannot be below 0."},
    )
    rejected_quantity = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_QUANTITY, label="Rejected pieces",
        help_text="Leave empty: none.",
        error_messages={"invalid": "Rejected pieces: enter a whole number (or leave it empty).",
                        "min_value": "Rejected pieces cannot be below 0."},
    )
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


def focus_first_error(form: forms.Form) -> forms.Form:
    """Put the cursor (and the page, on a phone) on the first field with an error when the form comes back."""
    names = [name for name in form.errors if name in form.fields] or list(form.fields)[:1]
    if names:
        form.fields[names[0]].widget.attrs["autofocus"] = True
    return form


class CorrectOutputForm(OutputReasonsForm):
    """Staff's correction of a completed run's figures, with why (kept in the timeline, before and after)."""

    field_order = ["produced_quantity", "rejected_quantity", "rejection_reason", "shortfall_reason", "reason"]

    produced_quantity = forms.IntegerField(min_value=0, max_value=MAX_QUANTITY, label="Good pieces")
    rejected_quantity = forms.IntegerField(min_value=0, max_value=MAX_QUANTITY, label="Rejected pieces")
    reason = forms.CharField(max_length=2000, label="Why correct it?", widget=forms.Textarea(attrs={"rows": 2}))


class RemakeForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY,
                                  help_text="Defaults to the units the run did not deliver.")
    note = forms.CharField(required=False, max_length=2000, help_text="Optional; kept in both runs' timelines.")


class MaterialsReportForm(forms.Form):
    """The materials report's filters, read the same way by the API (its query) and the admin page."""

    partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("name"), required=False, empty_label="Every partner")
    design = forms.ModelChoiceField(queryset=Design.objects.order_by("name"), required=False, empty_label="Every design")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ``from`` and ``to`` are the parameters' names (and Python keywords, so not class attributes).
        for name, label in (("from", "Completed from"), ("to", "Completed until")):
            self.fields[name] = forms.DateField(required=False, label=label, input_formats=["%Y-%m-%d"],
                                                widget=forms.DateInput(attrs={"type": "date"}))

    def lines(self):
        """The report's lines for the valid filters (call ``is_valid`` first)."""
        data = self.cleaned_data
        return report_lines(partner=data.get("partner"), design=data.get("design"), start=data.get("from"),
                            end=data.get("to"))
