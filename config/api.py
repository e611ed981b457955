"""Small shared pieces of the REST API: bounded id fields and JSON checks."""

from decimal import Decimal

from django import forms
import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.errors import InvalidInput
from config.money import MAX_MONEY, MONEY_DIGITS, MONEY_PATTERN, MONEY_PLACES, currency
from config.numbers import MATERIAL_PLACES, MAX_ID, MAX_MATERIAL, MAX_QUANTITY, MAX_STAGE, require_material_quantity


class IdFormField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """Filter by a related id without loading the object; bad ids are a 400."""

    field_class = IdFormField


class StageFormField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_STAGE)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_STAGE})
class StageFilter(django_filters.Filter):
    """Filter by a run's stage (1, 2, …); anything else is a 400."""

    field_class = StageFormField


def _walk(value, path="$"):
    if isinstance(value, str):
        if "\x00" in value:
            raise serializers.ValidationError(f"Text at {path} contains a NUL character.")
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise serializers.ValidationError(f"A key at {path} contains a NUL character.")
            _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
        raise serializers.ValidationError(f"Number at {path} is too large.")
    elif isinstance(value, float) and value != value:
        raise serializers.ValidationError(f"Number at {path} is not a number.")


class SafeJSONField(serializers.JSONField):
    """A JSON field PostgreSQL's jsonb will accept (no NUL characters, no huge integers)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        _walk(value)
        return value


class JSONObjectField(SafeJSONField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return value


# JSON has types: the API takes them at their word. DRF's fields coerce ("5" -> 5,
# 0 -> False, 5 -> "5"), which would hide client bugs and disagree with the schema.

class _TextOnly:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(_TextOnly, serializers.CharField):
    pass


class StrictEmailField(_TextOnly, serializers.EmailField):
    pass


class StrictSlugField(_TextOnly, serializers.SlugField):
    pass


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


def id_field(**kwargs) -> serializers.IntegerField:
    return StrictIntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def quantity_field(**kwargs) -> serializers.IntegerField:
    return StrictIntegerField(min_value=1, max_value=MAX_QUANTITY, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet where a parameter given with an empty value is a 400, not "no filter".

    API clients send a value or leave the parameter out; an empty ``?status=`` is
    almost always a bug on their side, so it is reported instead of ignored.
    """

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, "Give a value or leave the parameter out.")
                valid = False
        return valid


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class BooleanFilter(django_filters.ChoiceFilter):
    """``?x=true`` / ``?x=false``; anything else is a 400 (django-filter's own one ignores it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


class StrictObject(serializers.Serializer):
    """A JSON object whose keys are exactly the fields: an unknown (say misspelt) key is a 400, never ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


MAX_HOURS = 10_000
HOURS_STEP = Decimal("0.01")


@extend_schema_field({"anyOf": [{"type": "number", "minimum": 0, "maximum": 0},
                                {"type": "number", "minimum": float(HOURS_STEP), "maximum": MAX_HOURS}],
                      "description": "Hours: 0, or from 0.01 (fractions allowed, kept to 0.01)."})
class HoursField(serializers.Field):
    """A number of hours, >= 0, fractions allowed (a JSON number, not a string), kept as a Decimal."""

    default_error_messages = {"invalid": f"Must be a number of hours from 0 to {MAX_HOURS}.",
                              "tiny": "Must be 0 or at least 0.01 hours (36 seconds): hours are kept to 0.01."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)) or not 0 <= data <= MAX_HOURS:
            self.fail("invalid")
        if 0 < data < HOURS_STEP:  # it would be kept as 0, which means something else: "due at every check"
            self.fail("tiny")
        return Decimal(str(data)).quantize(HOURS_STEP)

    def to_representation(self, value):
        return float(value)


_MONEY_SCHEMA = {"type": "string", "format": "decimal", "example": "12.50",
                 "description": "Money: a decimal with at most two places, in the installation's currency."}


@extend_schema_field({"anyOf": [{**_MONEY_SCHEMA, "pattern": MONEY_PATTERN},
                                {"type": "integer", "minimum": 0, "maximum": int(MAX_MONEY)}],
                      "description": _MONEY_SCHEMA["description"] + " A decimal string (a whole amount may be a "
                                     "JSON integer); never a JSON float. Always a string in answers."})
class MoneyField(serializers.DecimalField):
    """Money of at least 0 (a rate, an amount to pay): in as a decimal string or a JSON integer, out as a string.

    A JSON float is refused: ``0.1`` is not the number it looks like (``config.money.require_money`` says the same).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", MAX_MONEY)
        super().__init__(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)

    default_error_messages = {"float": 'Send money as a decimal string such as "12.50", not a JSON float.'}

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip():  # DRF would read "" as null: money is a number or null
            self.fail("invalid")
        if isinstance(data, float):
            self.fail("float")
        return super().validate_empty_values(data)


@extend_schema_field({"type": "string", "example": "EUR",
                      "description": "The installation's one currency (the setting CURRENCY), beside every amount."})
class CurrencyField(serializers.Field):
    """``currency`` wherever money is (API.md): the installation's one currency, read-only."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return currency()


@extend_schema_field({**_MONEY_SCHEMA, "pattern": r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"})
class SignedMoneyField(serializers.DecimalField):
    """Money that may be negative (a balance after a correction of a paid run): output only."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


_MATERIAL_STRING = r"^[0-9]{1,9}(\.[0-9]{1,3})?$"


@extend_schema_field({
    "anyOf": [{"type": "string", "format": "decimal", "pattern": _MATERIAL_STRING},
              {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": float(MAX_MATERIAL)}],
    "example": "2.5",
    "description": "A material quantity above 0 with at most three decimal places: a JSON number or a decimal "
                   "string in, a decimal string out.",
})
class MaterialQuantityField(serializers.Field):
    """A quantity of a material (metres, grams): ``config.numbers.require_material_quantity`` decides."""

    def __init__(self, *, maximum: Decimal = MAX_MATERIAL, what: str = "Quantity", **kwargs):
        self.maximum, self.what = maximum, what
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return require_material_quantity(data, field=self.field_name, maximum=self.maximum, what=self.what)
        except InvalidInput as exc:
            raise serializers.ValidationError(exc.message) from exc

    def to_representation(self, value):
        return f"{Decimal(value):.{MATERIAL_PLACES}f}"


def query_values(request, names, *, page_params=("limit", "offset")) -> dict[str, str]:
    """The query's parameters among ``names``, each given once with a value; anything else is a 400 naming it.

    ``page_params`` are left to the paginator. (For views whose filters are a form or serializer, not a FilterSet.)
    """
    params = {key: request.query_params.getlist(key) for key in request.query_params if key not in page_params}
    errors = {key: ["Unknown parameter."] for key in params if key not in names}
    errors |= {key: ["Give this parameter once, with a value."] for key, values in params.items()
               if key in names and (len(values) != 1 or not values[0])}
    if errors:
        raise serializers.ValidationError(errors)
    return {key: values[0] for key, values in params.items()}
