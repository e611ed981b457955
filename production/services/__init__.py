"""Every state change of production runs and their tasks, one function each.

The API, the portal, Django admin and django-q2 jobs all call these. Each
locks the rows it changes (parent run, then run, then task: ``_base``), lets
the model's FSM decide whether the step is allowed (a refusal is a 409), writes
an activity row and queues side effects with ``transaction.on_commit``.

Where each step lives:

- ``allocation``: a run is created (``run_create``) and approved, split into
  partners' child runs (``run_approve``, ``run_create_allocated``).
- ``order_runs``: a placed order's line items become root runs.
- ``dispatch``: a child run is dispatched (start, confirm, cancel).
- ``partner_work``: the partner starts and completes runs and tasks.
- ``cancellation``: a run is cancelled with its children and tasks.
- ``cascade``: a parent run follows its children.
- ``stages``: a finished stage releases the next one with its good output.
- ``output``: the output gate (good, rejected, missing) and staff's corrections.
- ``due_dates``: a run's due date set by staff; the daily check of runs newly late.
- ``materials``: a run's planned materials (at dispatch) and what its partner logs using.
- ``payables``: a run's agreed rate, and what a partner is owed (payables: adjust, approve, pay, void).
- ``remake``: a new run for the units a finished run did not deliver.
- ``sampling``: a design sent for sampling, the sample reviewed (approve, or redo in a new round).
- ``auto_dispatch``: the gating policy acts on the routing planner's plan.
- ``partner_response``: the partner accepts or declines; staff reassign and redispatch.
- ``reminders``: the reminder ladder's check (remind, park, escalate).
- ``inbox``: alerts for operations staff.
- ``policy``: the switchable policy (automatic dispatch, the ladder's numbers).
"""

from production.assignments import Assignment
from production.services.allocation import run_approve, run_create, run_create_allocated
from production.services.auto_dispatch import run_auto_dispatch, runs_approve_by_routing
from production.services.cancellation import run_cancel
from production.services.dispatch import dispatch_cancel, dispatch_confirm, dispatch_start
from production.services.due_dates import run_set_due_date, runs_late_check
from production.services.inbox import alert_mark_read, alert_raise
from production.services.materials import consumption_log
from production.services.order_runs import runs_create_for_order
from production.services.output import run_correct_output
from production.services.partner_response import run_accept, run_decline, run_reassign, runs_redispatch
from production.services.partner_work import run_complete, run_start, task_complete, task_start
from production.services.payables import (
    KEEP,
    payable_adjust,
    payable_approve,
    payable_pay,
    payable_void,
    payables_approve,
    run_set_rate,
)
from production.services.policy import policy_update
from production.services.remake import run_remake
from production.services.reminders import reminders_check
from production.services.sampling import run_review, sample_send

__all__ = [
    "Assignment",
    "alert_mark_read",
    "alert_raise",
    "consumption_log",
    "reminders_check",
    "run_accept",
    "run_decline",
    "run_reassign",
    "runs_redispatch",
    "dispatch_cancel",
    "dispatch_confirm",
    "dispatch_start",
    "payable_adjust",
    "payable_approve",
    "payable_pay",
    "payable_void",
    "payables_approve",
    "policy_update",
    "run_approve",
    "run_auto_dispatch",
    "run_cancel",
    "run_complete",
    "run_create",
    "run_correct_output",
    "run_create_allocated",
    "run_remake",
    "run_review",
    "run_set_due_date",
    "run_set_rate",
    "KEEP",
    "runs_late_check",
    "run_start",
    "runs_approve_by_routing",
    "runs_create_for_order",
    "sample_send",
    "task_complete",
    "task_start",
]
