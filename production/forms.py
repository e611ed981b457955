"""Forms shared by the portal and admin for a run's output: complete (partner, or staff for it), correct, remake.

They validate input only; ``production.services`` owns the rules (``output_checked``).
"""

from django import forms

from config.numbers import MAX_QUANTITY
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
    )
    rejected_quantity = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_QUANTITY, label="Rejected pieces",
        help_text="Leave empty: none.",
    )
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


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
