"""What the server enforces on request bodies, said in the schema."""

import copy

from config.money import MAX_MONEY, MONEY_PATTERN, RateType
from config.numbers import MAX_ID, MAX_STAGE
from config.schema.links import add_links

# --- request bodies -----------------------------------------------------------------------

# Request bodies the server reads leniently: the storefront's signed webhook (a shop adding a field to its
# payload must not lose orders). Every other body refuses unknown keys (config.api.StrictObject).
LENIENT_REQUESTS = ("Webhook",)

# Extra constraints on a request body that its serializer cannot state: {component: {keyword: value}}.
REQUEST_CONSTRAINTS = {
    # Starting a dispatch takes at most one way of naming templates; confirming takes exactly one.
    "SelectionInputRequest": {"maxProperties": 1},
    "ConfirmSelectionInputRequest": {"minProperties": 1, "maxProperties": 1},
    # Changing the policy names at least one thing to change.
    "PatchedPolicyInputRequest": {"minProperties": 1},
    # An assignment names its templates by ids or by category, not both.
    "AssignmentInputRequest": {"not": {"required": ["template_ids", "template_category"]}},
    # Samples may go out with a template selection: at most one way of naming templates, as a dispatch.
    "SampleSendInputRequest": {"not": {"anyOf": [{"required": list(pair)} for pair in (
        ("template_category", "template_names"), ("template_category", "template_ids"),
        ("template_names", "template_ids"))]}},
}

_ID = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
# A routing's templates, or one assignment's: a category or ids, never both.
_TEMPLATES = {
    "template_category": {**_ID, "nullable": True},
    "template_ids": {"anyOf": [{"type": "array", "items": _ID}, {"enum": [False, 0, "", {}]}],
                     "nullable": True, "description": "Null or any false value is none."},
}
_TEMPLATES_NOT_BOTH = {
    "additionalProperties": False,
    "not": {
        "required": ["template_category", "template_ids"],
        "properties": {"template_category": {"type": "integer"}, "template_ids": {"type": "array", "minItems": 1}},
    },
}
# What designs.routing.parse_routing reads, exactly (falsy roles and template_ids mean none).
ROUTING_REQUEST = {
    "type": "object",
    "nullable": True,
    "description": "Who produces the design by default, in which shares, with which templates (null: none). "
                   "A template_category and template_ids together are refused.",
    "properties": {
        "assignments": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "partner": _ID,
                    "role": {"anyOf": [{"type": "string", "maxLength": 100}, {"enum": [False, 0, [], {}]}],
                             "nullable": True, "description": "Free text; null or any false value is no role."},
                    "share": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 10**9},
                    "stage": {"type": "integer", "minimum": 1, "maximum": MAX_STAGE, "default": 1},
                    "rate": {"anyOf": [{"type": "string", "pattern": MONEY_PATTERN},
                                       {"type": "integer", "minimum": 0, "maximum": int(MAX_MONEY)}],
                             "nullable": True,
                             "description": "The agreed price (null or absent: the design-partner link's rate)."},
                    "rate_type": {"type": "string", "enum": list(RateType.values), "default": RateType.PER_UNIT},
                    **_TEMPLATES,
                },
                "required": ["partner", "share"],
                **_TEMPLATES_NOT_BOTH,
            },
        },
        **_TEMPLATES,
    },
    **_TEMPLATES_NOT_BOTH,
}

# Constraints on single properties of request bodies: {component: {property: {keyword: value}}}.
PROPERTY_CONSTRAINTS = {
    # ``allow_empty=False`` lists (spectacular leaves minItems out).
    "OrderInputRequest": {"items": {"minItems": 1}},
    "AssignmentsInputRequest": {"assignments": {"minItems": 1}},
    "DesignRunCreateInputRequest": {"assignments": {"minItems": 1}},
    # Django's MinimumLengthValidator (the other password validators are business rules, listed above).
    "OwnerInputRequest": {"password": {"minLength": 8}},
    # A JSON object (never null); a routing as designs.routing reads it.
    "DesignInputRequest": {"specs": {"type": "object"}, "routing": ROUTING_REQUEST},
    "PatchedDesignInputRequest": {"specs": {"type": "object"}, "routing": ROUTING_REQUEST},
}

# Text the server reads: PostgreSQL text holds no NUL, so every string field refuses one (DRF's CharField);
# a required one is trimmed first, so it needs a character other than white space.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
# Fields read as they come, white space and all (``trim_whitespace=False``).
UNTRIMMED = ("password",)


def _state_text(schema: dict, name: str = "") -> None:
    """Add the NUL and blank rules to the strings of a request schema (not into $refs: they are done on their own)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if schema.get("type") == "string" and not {"format", "enum", "pattern"} & set(schema):
        blank_refused = schema.get("minLength", 0) >= 1 and name not in UNTRIMMED
        schema["pattern"] = NOT_BLANK if blank_refused else NO_NUL
    for key, child in schema.get("properties", {}).items():
        _state_text(child, key)
    _state_text(schema.get("items"), name)
    for keyword in ("anyOf", "oneOf", "allOf"):
        for child in schema.get(keyword, []):
            _state_text(child, name)


def state_request_rules(result, generator, request, public):
    """Say in the schema what the server enforces on request bodies: unknown keys, 'exactly one of', text."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request") or component.get("type") != "object":
            continue
        component["additionalProperties"] = name.startswith(LENIENT_REQUESTS)
        component.update(REQUEST_CONSTRAINTS.get(name, {}))
        for field, constraints in PROPERTY_CONSTRAINTS.get(name, {}).items():
            if field in component.get("properties", {}):
                if "type" in constraints:  # a whole schema replaces what spectacular made of a JSON field
                    component["properties"][field] = copy.deepcopy(constraints)
                else:
                    component["properties"][field].update(constraints)
        _state_text(component)
    _require_bodies_with_min_properties(result)
    add_links(result)
    return result


def _require_bodies_with_min_properties(result) -> None:
    """A body that must name something cannot be left out either (the server reads a missing body as {})."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not body:
                continue
            for media in body.get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if schemas.get(ref.rsplit("/", 1)[-1], {}).get("minProperties", 0) >= 1:
                    body["required"] = True
