"""A remake: a new root run for the units a finished run did not deliver, linked both ways."""

from django.db import transaction

from config.errors import InvalidTransition
from config.numbers import counted, require_whole_number
from production.ledger import run_ledger
from production.models import TERMINAL, ActivityVerb, ProductionRun
from production.services._base import lock, record
from production.services.allocation import run_create


@transaction.atomic
def run_remake(*, run: ProductionRun, actor=None, quantity: int | None = None, note: str = "") -> ProductionRun:
    """From a completed or cancelled root run with fewer good units than ordered: a new run in review.

    The remake has the same design, order, product and variant (never the line
    item: that stays the original's), ``remake_of`` the original, the original's
    due date (the order's promise still stands: staff may move it), and
    ``metadata.source = "remake"``; by default it is for the missing units.
    """
    run = lock(run.pk)
    if run.parent_run_id is not None or run.status not in TERMINAL:
        raise InvalidTransition(f"Run {run.pk} is {'a child run' if run.parent_run_id else run.get_status_display().lower()}"
                                ": only a completed or cancelled root run can be remade.")
    missing = run_ledger(run).missing
    if missing <= 0:
        raise InvalidTransition(f"Run {run.pk} delivered every unit it was ordered for: nothing to remake.",
                                code="nothing_to_remake")
    quantity = missing if quantity is None else quantity
    require_whole_number(quantity, field="quantity")
    remake = run_create(
        design=run.design, quantity=quantity, actor=actor, run_type=run.run_type, note=note or f"Remake of {run}.",
        metadata={"source": "remake", "remake_of": run.pk}, order_id=run.order_id, product_id=run.product_id,
        variant_id=run.variant_id, remake_of=run, due_date=run.due_date,  # the same promise to the customer
    )
    record(run, actor=actor, verb=ActivityVerb.REMAKE_CREATED, from_status=run.status,
           note=f"Run {remake.pk} remakes {counted(quantity, 'unit')}. {note}".strip(),
           data={"remake": remake.pk, "quantity": quantity})
    return remake
