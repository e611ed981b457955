"""What a run needs next, in a sentence: the banner at the top of its admin page."""

from production.models import DispatchState, ProductionRun, RunStatus


def next_step(run: ProductionRun, *, children: list[ProductionRun], can_review: bool, missing: int = 0) -> str:
    partner = run.partner.name if run.partner_id else "its partner"
    if run.status == RunStatus.PENDING_REVIEW:
        return "Review it: allocate it to partners below, or approve it by its design's routing from the review queue."
    if run.dispatch_state == DispatchState.AWAITING_TEMPLATES:
        return "Choose its task templates (Confirm templates…): it goes to its partner then."
    if run.status == RunStatus.APPROVED and children:
        ready = [c for c in children if c.status == RunStatus.APPROVED and c.dispatch_state == DispatchState.IDLE
                 and not c.is_waiting_for_previous_stage()]
        if ready:
            return f"Dispatch its child runs: {len(ready)} ready to go (listed below)."
        return "Its child runs are out or waiting for an earlier stage: nothing to do until they move."
    if run.status == RunStatus.APPROVED:
        if run.is_waiting_for_previous_stage():
            return f"Waits for stage {run.stage - 1} to finish: its pieces are not there yet."
        return f"Dispatch it to {partner}."
    if run.status == RunStatus.SENT_TO_PARTNER:
        if run.accepted_at is None:
            reminded = f" (reminded {run.reminder_count}×)" if run.reminder_count else ""
            return f"Waiting for {partner} to accept it{reminded}."
        return f"Accepted by {partner}: waiting for the work to start."
    if run.status == RunStatus.IN_PROGRESS:
        return f"{partner} is working on it." if not children else "Its child runs are being worked on."
    if run.status == RunStatus.AWAITING_REASSIGNMENT:
        return "Handed back: give it to another partner (Reassign…), or send it back to the same one from the list."
    remake = f" {missing} piece(s) were not made: Remake… orders them again." if missing else ""
    if run.status == RunStatus.COMPLETED:
        done = f"Completed: {run.produced_quantity or 0} good of {run.quantity}."
        return f"{done} Review the sample (Review sample…).{remake}" if can_review else f"{done}{remake}"
    if missing:  # cancelled because the customer no longer wants them, or because production failed: staff know
        return f"Cancelled. {missing} piece(s) were not made: if they are still wanted, Remake… orders them again."
    return "Cancelled: nothing more to do."
