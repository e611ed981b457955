"""The one place a run becomes accepted by its partner: the partner's answer, or its auto-accept setting."""

from production.models import ActivityVerb, ProductionRun
from production.services._base import record


def accept_locked(run: ProductionRun, *, actor, now, note: str = "") -> bool:
    """Record that the (locked) run's partner accepted it, once; True when this call accepted it."""
    if run.accepted_at is not None:
        return False
    run.accepted_at = now
    run.save(update_fields=["accepted_at", "updated_at"])
    record(run, actor=actor, verb=ActivityVerb.ACCEPTED, from_status=run.status, note=note)
    return True
