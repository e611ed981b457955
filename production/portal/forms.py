from django import forms

from production.models import PARTNER_DECLINE_REASONS
from production.services.partner_response import DECLINE_NOTES_MAX


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
