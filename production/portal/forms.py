from django import forms

from config.numbers import MAX_QUANTITY
from production.models import PARTNER_DECLINE_REASONS
from production.services.partner_response import DECLINE_NOTES_MAX


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


class DeclineForm(forms.Form):
    """Why the workshop cannot take the run. ``run_decline`` owns the rule that "other" needs notes."""

    reason = forms.ChoiceField(choices=[(r.value, r.label) for r in PARTNER_DECLINE_REASONS],
                               widget=forms.RadioSelect, label="Why can you not take it?")
    notes = forms.CharField(required=False, max_length=DECLINE_NOTES_MAX,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text="Required when the reason is “Other”. The brand reads this.")


class AutoAcceptForm(forms.Form):
    auto_accept = forms.BooleanField(
        required=False, label="Accept new runs automatically",
        help_text="Every run the brand sends you is accepted at once; you can still decline one before starting it.")
