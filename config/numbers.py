"""Whole numbers the domain accepts: one rule for quantities and ids, used by services, forms and the API.

Services call ``require_whole_number`` (their callers may be jobs or admin, not only
the API); serializers and forms take the same bounds so a bad value is refused
with the same limits wherever it comes in.
"""

from decimal import Decimal, InvalidOperation
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


# Material quantities (metres of fabric, grams of thread): decimals with up to three places.
MATERIAL_PLACES = 3
MATERIAL_DIGITS = 18  # a run's plan (MAX_PER_PIECE x MAX_QUANTITY pieces) fits
MAX_PER_PIECE = Decimal("99999.999")  # one bill line: what one piece needs
MAX_MATERIAL = Decimal("999999999.999")  # one logged consumption


def require_material_quantity(value, *, field: str, what: str = "Quantity", maximum: Decimal = MAX_MATERIAL) -> Decimal:
    """``value`` (a JSON number or a decimal string) as a Decimal above 0 with at most three places, else 400."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InvalidInput(f"{what} must be a decimal such as \"2.5\".", field=field)
    try:
        quantity = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite():
        raise InvalidInput(f"{what} must be a decimal such as \"2.5\".", field=field)
    if not 0 < quantity <= maximum:
        raise InvalidInput(f"{what} must be above 0 and at most {maximum}.", field=field)
    if quantity.normalize().as_tuple().exponent < -MATERIAL_PLACES:
        raise InvalidInput(f"{what} has at most {MATERIAL_PLACES} decimal places.", field=field)
    return quantity.quantize(Decimal(1).scaleb(-MATERIAL_PLACES))


def counted(count: int, noun: str, plural: str = "") -> str:
    """``count`` and its noun, as people write them: "1 task", "3 tasks", "0 pieces" (``plural``: an irregular one)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
