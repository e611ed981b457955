"""The error answers of every operation, and the business rules that refuse what the schema allows."""

import copy

# --- error answers ----------------------------------------------------------------------

# Every error body is one of two shapes (docs/api.md: Errors). A field's errors are messages, or, for a
# nested object or a list of objects, the same map again (``{"items": [{}, {"quantity": ["..."]}]}``).
ERROR_COMPONENTS = {
    "Error": {
        "description": 'A field map {"field": ["message"]} or {"detail": "...", "code": "..."}.',
        "anyOf": [{"$ref": "#/components/schemas/ErrorDetail"}, {"$ref": "#/components/schemas/FieldErrors"}],
    },
    "ErrorDetail": {
        "type": "object",
        "description": "Why, for a person (`detail`), and a stable `code` for programs; some codes add keys "
                       "(say `unknown` or `candidates`).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail", "code"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "The messages for each field that was refused (`non_field_errors` for the whole body).",
        "minProperties": 1,
        "additionalProperties": {"$ref": "#/components/schemas/FieldError"},
    },
    "FieldError": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/NestedErrors"}]}},
            {"$ref": "#/components/schemas/NestedErrors"},
        ],
    },
    "NestedErrors": {
        "type": "object",
        "description": "The errors of a nested object, or of one item of a list (empty for an item without errors).",
        "additionalProperties": {"$ref": "#/components/schemas/FieldError"},
    },
}

_DESCRIPTIONS = {
    "400": "Invalid input; nothing was written.",
    "401": "No or invalid credentials.",
    "403": "Wrong kind of user for this endpoint.",
    "404": "Not found, or outside the caller's scope.",
    "409": "Not allowed in the object's current state (`code` says why).",
}

# Requests the schema allows that the server still refuses, by a rule a JSON Schema cannot state: a
# referenced object must exist (and be active), a name must be free, numbers must add up, the object's
# state must allow the action. {(method, path): [(status, key, message, rule)]}, where key is the field a
# 400 field map names (its messages match ``message``, a regular expression) or, with ``message`` None,
# the ``code`` of a {"detail", "code"} answer. The schema lists them under the response as
# ``x-business-rules`` (and in its description); tests/fuzz accepts such a refusal of schema-valid data
# only when its body is exactly one of these. An operation whose view declares a 409 (``Conflict``) has
# ``invalid_transition`` listed without saying so here.
_EXISTS = "every id it names exists"
_JSON_STORABLE = r"contains a NUL character|is too large"
_JSON_RULE = ("no text or key inside holds a NUL character and no whole number inside is beyond 2^63-1 "
              "(PostgreSQL's jsonb); OpenAPI 3.0 cannot say that of free-form JSON")
_TRANSITION = (409, "invalid_transition", None, "the object's current state allows the action")
_ASSIGNMENTS = [
    (400, "assignments", r"^(Assignment|Stage \d+'s) quantities add up to \d+, but the run's quantity is",
     "the quantities of each stage add up to the run's quantity"),
    (400, "assignments", r"^Stages are numbered 1, 2, 3", "the stages are numbered 1, 2, 3… without gaps"),
    (400, "assignments", r"^Unknown partners: ", "every assigned partner exists"),
    (400, "assignments", r"^Inactive partners cannot be assigned", "every assigned partner is active"),
    (400, "assignments", r"^Assignment \d+: .* appears twice in the role", "a partner takes a role once a stage"),
    (400, "assignments", r"^Assignment \d+: (Unknown template category|Category .* has no active templates|"
                         r"Unknown or inactive template ids|Unknown template names|Template names match)",
     "the templates an assignment names exist, are active and are not ambiguous"),
]
_SELECTION = [
    (400, "unknown_category", None, "the template category exists"),
    (400, "empty_category", None, "the template category has active templates"),
    (400, "unknown_templates", None, "every template named exists and is active"),
    (400, "ambiguous_template_name", None, "each template name names templates of one category only"),
]
_OUTPUT = [
    (400, "produced_quantity", r"^Produced \(\d+\) plus rejected \(\d+\) exceeds the run's quantity",
     "produced plus rejected is at most the run's quantity"),
    (400, "shortfall_reason", r"units are neither produced nor rejected: say why they are missing\.$",
     "units neither produced nor rejected come with a `shortfall_reason`"),
]
_COMPLETE = [*_OUTPUT, (409, "open_tasks", None, "no task of the run is still open")]
_DESIGN = [
    (400, "code", r"^A design with the code .* already exists\.$", "the code is not another design's"),
    (400, "routing", r"^Unknown partner ids in routing: ", "the routing names existing partners"),
    (400, "routing", r"^routing\.assignments\[\d+\] repeats partner ", "the routing gives a partner a role once a stage"),
    (400, "routing", r"^routing stages are numbered 1, 2, 3", "the routing's stages are numbered 1, 2, 3… without gaps"),
    (400, "routing", _JSON_STORABLE, _JSON_RULE),
    (400, "specs", _JSON_STORABLE, _JSON_RULE),
]
_TEMPLATE = [
    (400, "category", r"^Unknown category\.$", "the category exists"),
    (400, "name", r"^A template named .* already exists in this category\.$",
     "the name is free in the template's category"),
]

_MATERIAL = [(400, "name", r"^A material named .* already exists\.$", "the name is not another material's (in any case)")]
_QUANTITY = r"must be above 0 and at most|has at most 3 decimal places"

_REPORT = [(400, key, r"^Select a valid choice\.", _EXISTS) for key in ("partner", "design")]

_MONTH = (400, "month", r"^Enter a valid date\.$", "`month` is a real month (`YYYY-MM`, 01 to 12)")

BUSINESS_RULES = {
    ("post", "/api/auth/token/"): [
        (400, "non_field_errors", r"^Unable to log in with provided credentials\.$",
         "the username and password are those of an active user"),
    ],
    ("post", "/api/admin/partners/"): [
        (400, "handle", r"^A partner with the handle .* already exists\.$", "the handle is not another partner's"),
        (400, "owner", r"^A user with the email .* already exists\.$", "the owner's email is not already a user's"),
        (400, "owner", r"^(This|The) password is ",
         "the password passes the password validators (not too common, not all digits, not like the email)"),
    ],
    ("patch", "/api/admin/partners/{id}/"): [
        (400, "handle", r"^A partner with the handle .* already exists\.$", "the handle is not another partner's"),
    ],
    ("post", "/api/admin/designs/"): _DESIGN,
    ("patch", "/api/admin/designs/{id}/"): _DESIGN,
    ("post", "/api/admin/designs/{id}/partners/"): [(400, "partner", r"^Unknown partner\.$", "the partner exists")],
    ("post", "/api/admin/designs/{id}/production-runs/"): _ASSIGNMENTS,
    ("post", "/api/admin/products/"): [
        (400, "design", r"^Unknown design ids: ", _EXISTS),
        (400, "variants", r"^SKUs already exist: ", "no SKU is already in use"),
        (400, "variants", r"^Duplicate SKUs in request: ", "the SKUs of the request differ"),
        (400, "variants", r"^One of these SKUs was just created by another request\.$", "no SKU is already in use"),
    ],
    ("post", "/api/admin/orders/"): [
        (400, "items", r"^Unknown (product|product variant) ids: ", _EXISTS),
        (400, "items", r"^items\[\d+\]: variant .* does not belong to product ", "each variant is of its line's product"),
        (400, "external_id", r"^An order with the external id .* already exists\.$", "the external id is free"),
    ],
    ("post", "/api/admin/orders/{id}/place"): [_TRANSITION],
    ("post", "/api/admin/task-template-categories/"): [
        (400, "name", r"^A category named .* already exists\.$", "the name is not another category's"),
    ],
    ("post", "/api/admin/task-templates/"): _TEMPLATE,
    ("patch", "/api/admin/task-templates/{id}/"): _TEMPLATE,
    ("post", "/api/admin/production-runs/"): [(400, "design", r"^Unknown design\.$", "the design exists")],
    ("post", "/api/admin/production-runs/{id}/approve"): [
        *_ASSIGNMENTS,
        (400, "assignments", r"^This run has no partner: approve it with assignments\.$",
         "a run approved without assignments already has a partner"),
    ],
    ("post", "/api/admin/production-runs/{id}/dispatch"): [
        *_SELECTION,
        (409, "waiting_for_previous_stage", None, "the stage before the run's is finished"),
    ],
    ("post", "/api/admin/production-runs/{id}/dispatch/confirm"): [
        *_SELECTION,
        (409, "not_awaiting_templates", None, "a dispatch is waiting for its templates"),
    ],
    ("post", "/api/admin/production-runs/{id}/dispatch/cancel"): [
        (409, "not_awaiting_templates", None, "a dispatch is waiting for its templates"),
    ],
    ("post", "/api/admin/production-runs/{id}/reassign"): [
        (400, "partner", r"^Unknown partner \d+\.$", "the partner exists"),
        (400, "partner", r" is inactive\.$", "the partner is active"),
        (400, "dispatch", r"^This run was never dispatched with templates", "a run dispatched again has templates"),
    ],
    ("post", "/api/admin/production-runs/{id}/complete"): _COMPLETE,
    ("post", "/api/admin/production-runs/{id}/correct-output"): [
        *_OUTPUT,
        (409, "next_stage_released", None, "the good count is not one the next stage already received"),
    ],
    ("post", "/api/admin/production-runs/{id}/remake"): [
        (409, "nothing_to_remake", None, "the run delivered fewer good units than ordered"),
    ],
    ("post", "/api/admin/production-runs/{id}/review"): [
        (400, "notes", r"^Say what to change: a redo needs notes", "a redo comes with notes for the partner"),
        (400, "design_status", r"^A redo moves the design to revision", "`design_status` goes with approve only"),
        (400, "assignments", r"^Inactive partners cannot be assigned", "a split round's partners are still active"),
        (409, "not_reviewable", None, "the run is a completed sample run whose round nobody reviewed yet"),
    ],
    ("post", "/api/admin/designs/{id}/samples/"): [
        *_SELECTION,
        (400, "partner", r"^Unknown partner\.$", "the partner exists"),
        (400, "partner", r" is inactive and cannot be sent samples\.$", "the partner is active"),
    ],
    ("patch", "/api/admin/production-runs/{id}/"): [
        (400, "rate", r"^Give rate, rate_type or due_date\.$", "the body changes at least one of them"),
    ],
    ("post", "/api/admin/materials/"): _MATERIAL,
    ("patch", "/api/admin/materials/{id}/"): _MATERIAL,
    ("put", "/api/admin/designs/{id}/materials/"): [
        (400, "material", r"^Unknown materials: ", _EXISTS),
        (400, "material", r" is listed twice for ", "a material is listed once per role"),
        (400, "quantity_per_piece", rf"^Line \d+: Quantity per piece ({_QUANTITY})",
         "a quantity per piece is above 0 with at most three decimal places"),
    ],
    ("post", "/api/partners/production-runs/{id}/consumption"): [
        (400, "material", r"^This material is not planned for the run\.$", "the material is planned for the run"),
        (400, "quantity", rf"^Quantity ({_QUANTITY})", "a quantity is above 0 with at most three decimal places"),
        _TRANSITION,
    ],
    ("get", "/api/admin/reports/materials/"): _REPORT,
    ("get", "/api/admin/reports/materials/export.csv"): _REPORT,
    ("get", "/api/admin/payables/"): [_MONTH],
    ("get", "/api/admin/payables/export.csv"): [_MONTH],
    ("post", "/api/admin/payables/approve"): [
        (400, "ids", r"^Unknown payables: ", _EXISTS),
        _TRANSITION,
    ],
    ("post", "/api/admin/payables/{id}/adjust"): [
        (400, "reason", r"^Say why the amount changes\.$", "the reason is more than blanks"),
    ],
    ("post", "/api/admin/payables/{id}/void"): [
        (400, "reason", r"^Say why the payable is void\.$", "the reason is more than blanks"),
    ],
    ("post", "/api/partners/production-runs/{id}/complete"): _COMPLETE,
    ("post", "/api/partners/production-runs/{id}/decline"): [
        (400, "notes", r"^Say why in the notes when the reason is", "the reason `other` comes with notes"),
        (409, "already_started", None, "no work on the run has started"),
    ],
}


def _declares_conflict(response: dict) -> bool:
    """A 409 the view itself declares (the ``Conflict`` shape), not the one every action gets below."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref", "").endswith("/Conflict")


def business_rules(method: str, path: str, *, declares_conflict: bool = False) -> dict[str, list[dict]]:
    """The documented refusals of one operation, by status code: [{"field"|"code", "message"?, "rule"}]."""
    rules: dict[str, list[dict]] = {}
    listed = BUSINESS_RULES.get((method, path), [])
    if declares_conflict and _TRANSITION not in listed:
        listed = [*listed, _TRANSITION]
    for status, key, message, rule in listed:
        entry = {"code": key, "rule": rule} if message is None else {"field": key, "message": message, "rule": rule}
        rules.setdefault(str(status), []).append(entry)
    return rules


def _describe(rules: list[dict]) -> str:
    lines = [f"- `{r.get('code') or r['field']}`: {r['rule']}" for r in rules]
    return "\n\nRefused, though the schema allows the request, unless:\n" + "\n".join(lines)


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in ERROR_COMPONENTS.items():
        components.setdefault(name, copy.deepcopy(component))
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["400"]
            if not operation.get("security") == [{}] and "{}" not in str(operation.get("security", "")):
                codes += ["401", "403"]
            if "{id}" in path:
                codes.append("404")
            if method in ("post", "patch", "delete") and "{id}" in path:
                codes.append("409")
            for code in codes:
                responses.setdefault(code, {"description": _DESCRIPTIONS[code],
                                            "content": {"application/json": {"schema": ref}}})
            conflict = _declares_conflict(responses.get("409", {}))
            for code, rules in business_rules(method, path, declares_conflict=conflict).items():
                response = responses.setdefault(code, {"description": _DESCRIPTIONS[code],
                                                       "content": {"application/json": {"schema": ref}}})
                response["description"] += _describe(rules)
                response["x-business-rules"] = rules
    return result
