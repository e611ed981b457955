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
    # Asked only when one entry is more than the run's whole plan of the material (the page shows the box then).
    confirm_over_plan = forms.BooleanField(required=False, label="Yes, log this much")
    needs_confirmation = False  # set by clean() when the box is to be shown

    def __init__(self, *args, planned=(), **kwargs):
        # Its own ids: the completion form on the same page has a Notes field too (one label, one field).
        kwargs.setdefault("auto_id", "id_material_%s")
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(line.material_id, f"{line.material.name} ({line.material.unit})")
                                           for line in planned]
        self._plans = {line.material_id: line for line in planned}

    def clean(self):
        """One entry above the whole plan is most often a slip of the finger (99999 for 9.9): a logged use cannot
        be taken back by the partner, and it becomes the run's material cost. The portal asks to confirm it; the
        API, whose clients check their own input, takes it as it is (``consumption_log`` owns the rules)."""
        data = super().clean()
        line, quantity = self._plans.get(data.get("material")), data.get("quantity")
        if line is not None and quantity is not None and quantity > line.planned and not data.get("confirm_over_plan"):
            self.add_error("quantity", f"That is more than this run's whole plan of {line.material.name} "
                                       f"({line.planned.normalize():f} {line.material.unit}). Check the figure; if "
                                       "it is right, tick “Yes, log this much”.")
            self.needs_confirmation = True
        return data
