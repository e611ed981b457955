"""Rates and payables: what a partner is owed for a run, from its agreed rate and its good output.

- A run's rate is agreed at allocation (the assignment's, else the design-partner
  link's) and may change until the partner accepts (``run_set_rate``).
- A run with a rate that completes gets exactly one payable for its partner
  (``payable_on_completion``, called by the completion under the run's row lock; the
  database's unique constraint is the backstop): rate x good pieces, or the rate.
  A parent is paid through its children, never itself.
- A correction of the output moves the unpaid payable's amount, or adds a balance
  payable for the difference when it was paid (``payables_follow_correction``).
- Staff adjust (open only, with a reason), approve (one or many, all or none), pay
  (with a reference) and void (with a reason). Each change is on the run's timeline.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from config.errors import InvalidInput, InvalidTransition
from config.money import RateType, amount_due, currency, require_money, require_payable, require_rate
from config.numbers import counted
from designs.models import DesignPartner
from production.models import ActivityVerb, Payable, PayableKind, PayableStatus, ProductionRun, RunStatus
from production.services._base import lock, record

# A rate is agreed before the partner takes the run on: these statuses, and not accepted yet.
RATE_EDITABLE = (RunStatus.PENDING_REVIEW, RunStatus.APPROVED, RunStatus.SENT_TO_PARTNER,
                 RunStatus.AWAITING_REASSIGNMENT)


def rate_of(link: DesignPartner | None) -> tuple[Decimal | None, str]:
    """The rate on a design-partner link (for its role): the default of the rate of a run given to that partner."""
    if link is None or link.rate is None:
        return None, RateType.PER_UNIT
    return link.rate, link.rate_type


def _payable_activity(payable: Payable, *, actor, verb: ActivityVerb, note: str = "", **data) -> None:
    record(payable.run, actor=actor, verb=verb, from_status=payable.run.status, note=note,
           data={"payable": payable.pk, "amount": str(payable.amount), "status": payable.status, **data})


def rate_refusal(run: ProductionRun) -> str | None:
    """Why the run's rate cannot change now, or None: it is agreed once the partner accepts the run."""
    if run.has_children():
        return "is paid through its child runs: set the rate on them"
    if run.is_accepted or run.status not in RATE_EDITABLE:
        state = "accepted by its partner" if run.is_accepted else run.get_status_display().lower()
        return f"is {state}: its rate was agreed and can no longer change"
    return None


KEEP = object()  # run_set_rate: this part of the rate stays as the locked run has it


@transaction.atomic
def run_set_rate(*, run: ProductionRun, rate=KEEP, rate_type=RateType.PER_UNIT, actor=None) -> ProductionRun:
    """Change a run's agreed rate (``None`` clears it) until its partner accepts it; 409 after.

    ``KEEP`` for ``rate`` or ``rate_type``: that part stays as it is, read under the lock (a PATCH of the type
    alone must not write back a rate read before a concurrent change)."""
    run = lock(run.pk)
    rate, rate_type = require_rate(run.rate if rate is KEEP else rate, run.rate_type if rate_type is KEEP else rate_type)
    why = rate_refusal(run)
    if why:
        raise InvalidTransition(f"Run {run.pk} {why}.")
    require_payable(rate, rate_type, run.quantity)
    before = (str(run.rate) if run.rate is not None else None, run.rate_type)
    run.rate, run.rate_type = rate, rate_type
    run.save(update_fields=["rate", "rate_type", "updated_at"])
    record(run, actor=actor, verb=ActivityVerb.RATE_CHANGED, from_status=run.status,
           data={"before": {"rate": before[0], "rate_type": before[1]},
                 "after": {"rate": str(rate) if rate is not None else None, "rate_type": rate_type}})
    return run


def payable_on_completion(run: ProductionRun, *, actor) -> Payable | None:
    """The run just completed (its row is locked by the caller): its partner's payable, once."""
    if run.rate is None or run.partner_id is None or run.has_children():
        return None
    if Payable.objects.filter(run=run, kind=PayableKind.COMPLETION).exists():
        return None
    units = run.produced_quantity or 0
    payable = Payable.objects.create(
        run=run, partner_id=run.partner_id, kind=PayableKind.COMPLETION, currency=currency(),
        amount=amount_due(rate=run.rate, rate_type=run.rate_type, units=units), rate=run.rate,
        rate_type=run.rate_type, units=units,
    )
    _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_CREATED,
                      note=f"{payable.amount} {payable.currency} for {counted(units, 'good piece')}.")
    return payable


def payables_follow_correction(run: ProductionRun, *, produced_before: int | None, actor, reason: str) -> None:
    """The run's good output was corrected (run locked by the caller): what it is owed follows, paid history stays.

    What changes is what the correction changes: the amount due for the good pieces now less the amount due for
    those before. Not what is due now less what the payables hold, which would undo a staff adjustment (a late
    delivery's penalty) at any correction, even of the rejects alone."""
    completion = Payable.objects.select_for_update().filter(run=run, kind=PayableKind.COMPLETION).first()
    if completion is None or completion.status == PayableStatus.VOID:
        return  # nothing was owed, or staff decided it is not paid: a correction does not bring it back
    units = run.produced_quantity or 0
    difference = (amount_due(rate=completion.rate, rate_type=completion.rate_type, units=units)
                  - amount_due(rate=completion.rate, rate_type=completion.rate_type, units=produced_before or 0))
    if not difference:
        return
    payables = list(Payable.objects.select_for_update().filter(run=run).due().order_by("id"))
    unpaid = [p for p in payables if p.status != PayableStatus.PAID]
    if unpaid:
        payable = unpaid[-1]
        before, amount = payable.amount, payable.amount + difference
        # A staff adjustment (a penalty) can leave less than the correction takes away: nothing is owed then, not a
        # debt of the partner's for work not paid yet (only a balance after payment may be negative).
        floored = amount < 0 and payable.kind != PayableKind.BALANCE
        payable.follow_correction(amount=Decimal("0.00") if floored else amount)
        payable.units = units
        payable.save(update_fields=["amount", "units"])
        note = f"Output corrected: {before} -> {payable.amount}."
        if floored:
            note += f" The adjusted amount was less than the {-difference} the correction takes off: nothing is owed."
        _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_ADJUSTED, before=str(before),
                          note=f"{note} {reason}".strip())
        return
    payable = Payable.objects.create(
        run=run, partner_id=completion.partner_id, kind=PayableKind.BALANCE, currency=completion.currency,
        amount=difference, rate=completion.rate, rate_type=completion.rate_type, units=units,
    )
    _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_CREATED,
                      note=f"Balance after a correction of a paid run: {difference} {payable.currency}. {reason}".strip())


def _lock(payable_id: int) -> Payable:
    """Lock a payable's run, then the payable: the lock order of every run service (a correction holds the run
    and then updates its payables; the activity written here takes a key-share lock on the run as well)."""
    lock(Payable.objects.values_list("run_id", flat=True).get(pk=payable_id))
    return Payable.objects.select_for_update(of=("self",)).select_related("run").get(pk=payable_id)


def _refusal(payable: Payable, action: str) -> InvalidTransition:
    return InvalidTransition(f"{payable} is {payable.get_status_display().lower()} and cannot be {action}.")


@transaction.atomic
def payable_adjust(*, payable: Payable, amount, reason: str, actor=None) -> Payable:
    amount = require_money(amount, field="amount")
    if not (reason or "").strip():
        raise InvalidInput("Say why the amount changes.", field="reason")
    payable = _lock(payable.pk)
    if payable.status != PayableStatus.OPEN:
        raise _refusal(payable, "adjusted (only an open payable is)")
    before = payable.amount
    payable.adjust(amount=amount, reason=reason.strip())
    payable.save(update_fields=["amount", "note"])
    _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_ADJUSTED, before=str(before),
                      note=f"{before} -> {amount}: {reason.strip()}")
    return payable


@transaction.atomic
def payables_approve(*, ids: list[int], actor=None) -> list[Payable]:
    """Approve open payables, all or none: an unknown id is a 400, one not open a 409, and nothing is approved."""
    ids = sorted(set(ids))
    # Their runs first, in id order, then the payables: the lock order of _lock.
    list(ProductionRun.objects.select_for_update(of=("self",)).filter(
        pk__in=Payable.objects.filter(pk__in=ids).values("run_id")).order_by("pk").values_list("pk", flat=True))
    payables = list(Payable.objects.select_for_update(of=("self",)).select_related("run").filter(pk__in=ids)
                    .order_by("id"))
    unknown = sorted(set(ids) - {p.pk for p in payables})
    if unknown:
        raise InvalidInput(f"Unknown payables: {unknown}.", field="ids")
    refused = [p for p in payables if p.status != PayableStatus.OPEN]
    if refused:
        raise InvalidTransition("Only open payables can be approved; nothing was approved: " + ", ".join(
            f"{p} is {p.get_status_display().lower()}" for p in refused) + ".")
    now, by = timezone.now(), actor if getattr(actor, "pk", None) else None
    for payable in payables:
        payable.approve(by=by, at=now)
        payable.save(update_fields=["status", "approved_at", "approved_by"])
        _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_APPROVED)
    return payables


def payable_approve(*, payable: Payable, actor=None) -> Payable:
    if payable.status != PayableStatus.OPEN:  # the one-id case reads as a refusal of this payable
        raise _refusal(payable, "approved")
    return payables_approve(ids=[payable.pk], actor=actor)[0]


@transaction.atomic
def payable_pay(*, payable: Payable, reference: str = "", actor=None) -> Payable:
    payable = _lock(payable.pk)
    if payable.status != PayableStatus.APPROVED:
        raise _refusal(payable, "paid (approve it first)" if payable.status == PayableStatus.OPEN else "paid")
    payable.pay(by=actor if getattr(actor, "pk", None) else None, at=timezone.now(), reference=reference.strip())
    payable.save(update_fields=["status", "paid_at", "paid_by", "reference"])
    _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_PAID, reference=payable.reference,
                      note=f"Paid{f', reference {payable.reference}' if payable.reference else ''}.")
    return payable


@transaction.atomic
def payable_void(*, payable: Payable, reason: str, actor=None) -> Payable:
    if not (reason or "").strip():
        raise InvalidInput("Say why the payable is void.", field="reason")
    payable = _lock(payable.pk)
    if payable.status not in (PayableStatus.OPEN, PayableStatus.APPROVED):
        raise _refusal(payable, "voided")
    payable.void(at=timezone.now(), reason=reason.strip())
    payable.save(update_fields=["status", "voided_at", "note"])
    _payable_activity(payable, actor=actor, verb=ActivityVerb.PAYABLE_VOIDED, note=reason.strip())
    return payable
