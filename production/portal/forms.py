from django import forms

from config.numbers import MAX_QUANTITY


class RunCompleteForm(forms.Form):
    """What the partner reports when finishing a run.

    Both quantities are optional: ``production.services.run_complete`` owns the
    defaults (rejected 0, produced = the rest) and the "not more than the run's
    quantity" rule; the form only checks the input is a whole number.
    """

    produced_quantity = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_QUANTITY, label="Produced",
        help_text="Leave empty: the run's quantity minus the rejected pieces.",
    )
    rejected_quantity = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_QUANTITY, label="Rejected",
        help_text="Leave empty: none.",
    )
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
