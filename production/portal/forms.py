from decimal import Decimal

from django import forms

from config.numbers import MATERIAL_PLACES
from production.models import PARTNER_DECLINE_REASONS, ConsumptionKind
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


class ConsumptionForm(forms.Form):
    """What the workshop used of a planned material. ``consumption_log`` owns the rules (state, plan, bounds)."""

    material = forms.TypedChoiceField(coerce=int, label="Material")
    quantity = forms.DecimalField(min_value=Decimal("0.001"), max_digits=12, decimal_places=MATERIAL_PLACES,
                                  label="Quantity", widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}))
    kind = forms.ChoiceField(choices=ConsumptionKind.choices, initial=ConsumptionKind.PRODUCTION,
                             widget=forms.RadioSelect, label="Used for")
    notes = forms.CharField(required=False, max_length=2000, label="Notes",
                            widget=forms.TextInput(attrs={"placeholder": "roll number, why it was wasted…"}))

    def __init__(self, *args, planned=(), **kwargs):
        # Its own ids: the completion form on the same page has a Notes field too (one label, one field).
        kwargs.setdefault("auto_id", "id_material_%s")
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(line.material_id, f"{line.material.name} ({line.material.unit})")
                                           for line in planned]
