"""The output gate: what a finished run made, rejected and lost, checked once for completion and correction.

Every unit a run received ends as good (``produced_quantity``), rejected (with
an optional ``rejection_reason`` from a fixed list) or missing: the shortfall,
which needs a reason in words. Staff are alerted to shortfalls and rejects.
"""

from dataclasses import dataclass

from django.db import transaction

from config.errors import InvalidInput, InvalidTransition
from config.numbers import require_whole_number
from production.models import ActivityVerb, AlertKind, ProductionRun, RejectionReason, RunStatus
from production.services._base import lock_family, record
from production.services.cascade import parent_totals_refresh
from production.services.inbox import alert_raise
from production.services.payables import payables_follow_correction
from production.services.stages import is_handed_on


@dataclass(frozen=True)
class Output:
    produced: int
    rejected: int
    rejection_reason: str
    shortfall: int
    shortfall_reason: str

    def as_data(self) -> dict:
        return {"produced_quantity": self.produced, "rejected_quantity": self.rejected,
                "rejection_reason": self.rejection_reason, "shortfall_quantity": self.shortfall,
                "shortfall_reason": self.shortfall_reason}


def output_checked(run: ProductionRun, *, produced_quantity: int | None, rejected_quantity: int | None,
                   rejection_reason: str = "", shortfall_reason: str = "") -> Output:
    """Check a run's output; InvalidInput naming the field when it does not add up.

    ``rejected`` defaults to 0 and ``produced`` to the rest of the quantity;
    together they may not exceed it, and units missing need a shortfall reason.
    """
    rejected = 0 if rejected_quantity is None else rejected_quantity
    produced = run.quantity - rejected if produced_quantity is None else produced_quantity
    for name, value in (("rejected_quantity", rejected), ("produced_quantity", produced)):
        require_whole_number(value, field=name, minimum=0, what=name.replace("_", " ").capitalize())
    if produced + rejected > run.quantity:
        raise InvalidInput(
            f"Good pieces ({produced}) plus rejected ({rejected}) exceed the run's quantity ({run.quantity}).",
            field="produced_quantity",
        )
    rejection_reason = rejection_reason or ""
    if rejection_reason not in RejectionReason.values and rejection_reason:
        raise InvalidInput("Choose a rejection reason from the list.", field="rejection_reason")
    shortfall = run.quantity - produced - rejected
    shortfall_reason = (shortfall_reason or "").strip()
    if shortfall and not shortfall_reason:
        raise InvalidInput(
            f"{shortfall} of {run.quantity} pieces are neither good nor rejected: say why they are missing.",
            field="shortfall_reason",
        )
    return Output(produced=produced, rejected=rejected, rejection_reason=rejection_reason if rejected else "",
                  shortfall=shortfall, shortfall_reason=shortfall_reason if shortfall else "")


def _who(run: ProductionRun) -> str:
    role = f" ({run.role})" if run.role else ""
    return f"Run #{run.pk}{role} at {run.partner.name}" if run.partner_id else f"Run #{run.pk}{role}, no partner"


def output_alerts(run: ProductionRun, output: Output) -> None:
    """Tell staff about missing and rejected units of a finished run."""
    if output.shortfall:
        alert_raise(kind=AlertKind.SHORTFALL, run=run, partner=run.partner,
                    message=f"{_who(run)}: {output.shortfall} of {run.quantity} units missing. "
                            f"{output.shortfall_reason}")
    if output.rejected:
        reason = RejectionReason(output.rejection_reason).label if output.rejection_reason else "no reason given"
        alert_raise(kind=AlertKind.REJECTS, run=run, partner=run.partner,
                    message=f"{_who(run)}: {output.rejected} of {run.quantity} units rejected ({reason}).")


def output_apply(run: ProductionRun, output: Output) -> None:
    run.produced_quantity, run.rejected_quantity = output.produced, output.rejected
    run.rejection_reason, run.shortfall_reason = output.rejection_reason, output.shortfall_reason


@transaction.atomic
def run_correct_output(*, run: ProductionRun, actor=None, produced_quantity: int, rejected_quantity: int,
                       reason: str, rejection_reason: str = "", shortfall_reason: str = "") -> ProductionRun:
    """Staff correct a completed run's figures: audited before and after, the parent re-totalled.

    Only a completed run without children (its own figures, not a sum). Once
    the next stage has received this stage's good units, the good count is
    history: the rejects and shortfall may still be re-split, the good count not.
    """
    run = lock_family(run.pk)
    parent = run.has_children()
    if run.status != RunStatus.COMPLETED or parent:
        raise InvalidTransition(f"Run {run.pk} is {run.get_status_display().lower()}"
                                f"{' with child runs' if parent else ''}: only a completed run without "
                                "child runs can have its output corrected.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the output is corrected.", field="reason")
    # A reason not given again stays as recorded (it is cleared only when its units are gone).
    output = output_checked(run, produced_quantity=produced_quantity, rejected_quantity=rejected_quantity,
                            rejection_reason=rejection_reason or run.rejection_reason,
                            shortfall_reason=shortfall_reason or run.shortfall_reason)
    if output.produced != run.produced_quantity and is_handed_on(run):
        raise InvalidTransition(
            f"Stage {run.stage + 1} already received the {run.produced_quantity} good units of run {run.pk}: "
            "correct the rejects and missing units only, or the later stage's figures.", code="next_stage_released")
    before = {"produced_quantity": run.produced_quantity, "rejected_quantity": run.rejected_quantity,
              "rejection_reason": run.rejection_reason, "shortfall_quantity": run.shortfall_quantity,
              "shortfall_reason": run.shortfall_reason}
    output_apply(run, output)
    run.save()
    record(run, actor=actor, verb=ActivityVerb.CORRECTED, from_status=run.status, note=reason,
           data={"before": before, "after": output.as_data()})
    payables_follow_correction(run, produced_before=before["produced_quantity"], actor=actor, reason=reason)
    if run.parent_run_id:
        parent_totals_refresh(run.parent_run_id, actor=actor, reason=f"Run {run.pk} corrected: {reason}")
    return run
