"""Money: ``Decimal`` with two places end to end (never a float), in the installation's one currency.

One rule for amounts, used by the services, the forms and the API: ``require_money``
refuses what is not a decimal with at most two places within the column's bounds,
``money`` rounds a computed amount (rate x units) half up to cents.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import models

from config.errors import InvalidInput

MONEY_DIGITS = 12  # DecimalField(max_digits=12, decimal_places=2): up to 9,999,999,999.99
MONEY_PLACES = 2
MAX_MONEY = Decimal("9999999999.99")
CENT = Decimal("0.01")
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"  # what a decimal string of money (>= 0) looks like


class RateType(models.TextChoices):
    PER_UNIT = "per_unit", "Per good piece"
    TOTAL = "total", "For the whole run"


def currency() -> str:
    return settings.CURRENCY


def money(value) -> Decimal:
    """A computed amount rounded half up to cents (``Decimal("0.10") * 3`` -> ``Decimal("0.30")``)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def require_money(value, *, field: str, allow_negative: bool = False, what: str = "Amount") -> Decimal:
    """``value`` as a Decimal if it is a decimal with at most two places within the bounds, else InvalidInput."""
    if isinstance(value, (bool, float)):
        raise InvalidInput(f"{what} must be a decimal string such as \"12.50\", not a float.", field=field)
    try:
        amount = Decimal(str(value).strip()) if isinstance(value, (str, int, Decimal)) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput(f"{what} must be a decimal such as \"12.50\".", field=field)
    if amount.as_tuple().exponent < -MONEY_PLACES:
        raise InvalidInput(f"{what} has at most {MONEY_PLACES} decimal places.", field=field)
    if abs(amount) > MAX_MONEY or (amount < 0 and not allow_negative):
        bounds = f"between -{MAX_MONEY} and {MAX_MONEY}" if allow_negative else f"between 0 and {MAX_MONEY}"
        raise InvalidInput(f"{what} must be {bounds}.", field=field)
    return money(amount)


def require_rate(rate, rate_type: str, *, field: str = "rate", what: str = "Rate") -> tuple[Decimal | None, str]:
    """A rate (money of at least 0, or None: no rate) and its type, checked; InvalidInput otherwise."""
    if rate_type not in RateType.values:
        raise InvalidInput(f"{what} type must be one of {', '.join(RateType.values)}.",
                           field="rate_type" if field == "rate" else field)
    return (None if rate is None else require_money(rate, field=field, what=what)), rate_type


def require_payable(rate: Decimal | None, rate_type: str, quantity: int, *, field: str = "rate",
                    what: str = "Rate") -> None:
    """What the run's rate would pay for all its pieces must fit a payable (``MAX_MONEY``), else InvalidInput: the
    run could otherwise never complete. Checked wherever a rate meets a run's quantity."""
    if rate is not None and rate_type == RateType.PER_UNIT and rate * quantity > MAX_MONEY:
        raise InvalidInput(f"{what} {rate} for {quantity:,} pieces comes to more than the largest amount a payable "
                           f"holds ({MAX_MONEY:,}).", field=field)


def amount_due(*, rate: Decimal, rate_type: str, units: int) -> Decimal:
    """What a partner earns: the rate per good piece times the good pieces, or the rate for the whole run."""
    return money(rate * units) if rate_type == RateType.PER_UNIT else money(rate)
