"""What a run needs next, in a sentence: the banner at the top of its admin page."""

from config.numbers import counted
from production.models import DispatchState, ProductionRun, RunStatus


def next_step(run: ProductionRun, *, children: list[ProductionRun], can_review: bool, missing: int = 0) -> str:
    partner = run.partner.name if run.partner_id else "its partner"
    if run.status == RunStatus.PENDING_REVIEW:
        routing = ", or approve it by its design's routing from the review queue" if run.design.routing else ""
        return f"Review it: allocate it to partners (Allocate to partners…){routing}."
    if run.dispatch_state == DispatchState.AWAITING_TEMPLATES:
        return "Choose its task templates (Confirm templates…): it goes to its partner then."
    if run.status in (RunStatus.APPROVED, RunStatus.IN_PROGRESS) and children:
        waiting = _children_waiting_for_staff(children)
        if waiting:
            return waiting
        if run.status == RunStatus.APPROVED:
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
    remake = f" {counted(missing, 'piece')} not made: Remake… orders them again." if missing else ""
    if run.status == RunStatus.COMPLETED:
        done = f"Completed: {run.produced_quantity or 0} good of {run.quantity}."
        return f"{done} Review the sample (Review sample…).{remake}" if can_review else f"{done}{remake}"
    if missing:  # cancelled because the customer no longer wants them, or because production failed: staff know
        return f"Cancelled. {counted(missing, 'piece')} not made: if they are still wanted, Remake… orders them again."
    return "Cancelled: nothing more to do."


def _children_waiting_for_staff(children: list[ProductionRun]) -> str:
    """What staff owe a parent's child runs, in a sentence, or "" when they owe nothing."""
    def count(runs: list, what: str) -> str:
        return f"{counted(len(runs), 'child run')} {what}"

    templates = [c for c in children if c.dispatch_state == DispatchState.AWAITING_TEMPLATES]
    handed_back = [c for c in children if c.status == RunStatus.AWAITING_REASSIGNMENT]
    ready = [c for c in children if c.status == RunStatus.APPROVED and c.dispatch_state == DispatchState.IDLE
             and not c.is_waiting_for_previous_stage()]
    owed = ([count(templates, "waiting for task templates (Confirm templates… on its page)")] if templates else []) + (
        [count(handed_back, "handed back, to give to a partner (Reassign…)")] if handed_back else []) + (
        [count(ready, "ready to dispatch")] if ready else [])
    return f"{'; '.join(owed)}: listed below." if owed else ""
