"""How material quantities read on a page: ``28.5 m``, not ``28.500 m`` (and never ``2.85E+1``)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def quantity(value) -> str:
    """A decimal quantity without trailing zeros ("25.000" -> "25", "28.500" -> "28.5"); "" for None."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"
