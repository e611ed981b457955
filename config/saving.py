"""Saving a row whose uniqueness the database guarantees."""

from django.db import IntegrityError, transaction

from config.errors import InvalidInput


def save_unique(obj, *, message: str, field: str, update_fields: list[str] | None = None):
    """Save ``obj``; a unique constraint it would break is a 400 on ``field`` saying ``message``.

    The constraint is the rule (it also holds against a concurrent writer); this
    only turns its refusal into the client's message. The savepoint keeps the
    caller's transaction usable.

    An edit passes ``update_fields``, having read the row again under its lock
    (``refresh_from_db(from_queryset=....select_for_update())``): an object read
    earlier in the request (the portal's ``request.partner``, an admin form's
    instance) then never writes back a field someone else changed meanwhile.
    """
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise InvalidInput(message, field=field) from exc
    return obj
