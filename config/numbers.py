"""Whole numbers the domain accepts: one rule for quantities and ids, used by services, forms and the API.

Services call ``require_whole_number`` (their callers may be jobs or admin, not only
the API); serializers and forms take the same bounds so a bad value is refused
with the same limits wherever it comes in.
"""

import re

from config.errors import InvalidInput

MAX_ID = 2**63 - 1
MAX_QUANTITY = 2**31 - 1  # PostgreSQL integer
MAX_STAGE = 100  # stages of one run (cutting, stitching, …): far more than any workshop chain


def is_whole_number(value, *, minimum: int = 1, maximum: int = MAX_QUANTITY) -> bool:
    """A JSON/Python int (never a bool, a float or a numeric string) within the bounds."""
    return not isinstance(value, bool) and isinstance(value, int) and minimum <= value <= maximum


def parse_whole_number(text: str, *, maximum: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits (``"12"``), or None: never ``"²"``, ``"١٢"``, ``" 1"`` or 5,000 digits."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,19}", text):
        return None
    value = int(text)
    return value if value <= maximum else None


def require_whole_number(value, *, field: str, minimum: int = 1, maximum: int = MAX_QUANTITY,
                         what: str = "Quantity") -> int:
    """``value`` if it is a whole number of at least ``minimum``, else InvalidInput (400) on ``field``."""
    if not is_whole_number(value, minimum=minimum, maximum=maximum):
        kind = "a positive whole number" if minimum == 1 else f"a whole number of at least {minimum}"
        if maximum != MAX_QUANTITY:
            kind += f" up to {maximum}"
        raise InvalidInput(f"{what} must be {kind}.", field=field)
    return value
