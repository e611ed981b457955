"""Small shared pieces of the REST API: bounded id fields and JSON checks."""

import django_filters
from django import forms
from rest_framework import serializers

MAX_ID = 2**63 - 1
MAX_QUANTITY = 2**31 - 1  # PostgreSQL integer


class IdFormField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.Filter):
    """Filter by a related id without loading the object; bad ids are a 400."""

    field_class = IdFormField


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


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def quantity_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, **kwargs)
