"""Saving a row whose uniqueness the database guarantees."""

from django.db import IntegrityError, transaction

from config.errors import InvalidInput


def save_unique(obj, *, message: str, field: str):
    """Save ``obj``; a unique constraint it would break is a 400 on ``field`` saying ``message``.

    The constraint is the rule (it also holds against a concurrent writer); this
    only turns its refusal into the client's message. The savepoint keeps the
    caller's transaction usable.
    """
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise InvalidInput(message, field=field) from exc
    return obj
