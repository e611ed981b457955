"""The switchable production policy (one row): automatic dispatch and the reminder ladder's numbers."""

import logging

from django.db import transaction

from config.errors import InvalidInput
from production.models import ProductionPolicy

logger = logging.getLogger(__name__)

# The API's names for the reminder ladder's numbers -> the policy's fields.
REMINDER_FIELDS = {
    "accept_after_hours": "accept_after_hours", "start_after_hours": "start_after_hours",
    "idle_after_hours": "idle_after_hours", "cap": "reminder_cap", "same_partner_retries": "same_partner_retries",
}


@transaction.atomic
def policy_update(*, auto_dispatch: bool | None = None, reminders: dict | None = None, actor=None) -> ProductionPolicy:
    """Change what is given; ``reminders`` may name any of the ladder's numbers (the others stay)."""
    policy = ProductionPolicy.load()
    policy = ProductionPolicy.objects.select_for_update().get(pk=policy.pk)
    changes = {}
    if auto_dispatch is not None:
        changes["auto_dispatch"] = auto_dispatch
    for name, value in (reminders or {}).items():
        if name not in REMINDER_FIELDS:
            raise InvalidInput(f"Unknown reminder setting {name!r}.", field="reminders")
        changes[REMINDER_FIELDS[name]] = value
    if changes.get("reminder_cap", policy.reminder_cap) < 1:
        raise InvalidInput("The cap is at least 1 reminder.", field="reminders")
    changed = {name: value for name, value in changes.items() if getattr(policy, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(policy, name, value)
        policy.save()
        logger.info("production policy %s by %s", changed, actor)
    return policy
