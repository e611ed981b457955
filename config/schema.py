"""OpenAPI post-processing: document the error answers every operation can give.

Views declare their success bodies (and 409 where a state machine can refuse);
this hook adds the shared error shapes so the schema tells clients the truth
about 400 / 401 / 403 / 404 everywhere (docs/api.md: Errors).
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": 'A field map {"field": ["message"]} or {"detail": "...", "code": "..."}.',
    "additionalProperties": True,
}

_DESCRIPTIONS = {
    "400": "Invalid input; nothing was written.",
    "401": "No or invalid credentials.",
    "403": "Wrong kind of user for this endpoint.",
    "404": "Not found, or outside the caller's scope.",
    "409": "Not allowed in the object's current state (`code` says why).",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
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
    return result


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
}


def state_request_rules(result, generator, request, public):
    """Say in the schema what the server enforces on request bodies: unknown keys, and 'exactly one of'."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request") or component.get("type") != "object":
            continue
        component["additionalProperties"] = name.startswith(LENIENT_REQUESTS)
        component.update(REQUEST_CONSTRAINTS.get(name, {}))
    return result
