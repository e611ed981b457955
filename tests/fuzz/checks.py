"""The checks both fuzzers run, and the one judgement they add: a documented business-rule refusal.

Schemathesis' ``positive_data_acceptance`` (ST202) says schema-valid data must not be refused. Here it
accepts 2xx, and the refusals that are not about the data: 401 / 403 (the caller's credentials, say a
token logged out or a partner deactivated by an earlier step), 404 (an id that is not, or not the
caller's) and 429 (rate limits). A 400 or a 409 to schema-valid data passes only when it is one of the
business rules the schema lists for that operation and status (``x-business-rules``, written by
config/schema/) and its body has the documented error shape: ``{"detail": str, "code": <a listed
code>}``, or a field map ``{field: [message, ...]}`` where every field and message is a listed one.
Anything else is a disagreement between the schema and the server, reported as ST202.
"""

from collections import Counter
import re

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

# Refusals of schema-valid data that are not about the data (400 and 409 are judged one by one below).
NOT_ABOUT_THE_DATA = ["2xx", "401", "403", "404", "429"]
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {"expected-statuses": NOT_ABOUT_THE_DATA}}})

# What the business rules refused, by (operation, status, field or code): the log shows them.
REFUSALS: Counter = Counter()
# Link-made requests the schema does not allow (a link copied a null): not schema-valid, so not judged.
NOT_SCHEMA_VALID: Counter = Counter()


def _documented_rules(case, status: int) -> list[dict]:
    response = case.operation.definition.raw.get("responses", {}).get(str(status)) or {}
    return response.get("x-business-rules", [])


def _body_is_schema_valid(case) -> bool:
    if case.body is NOT_SET:
        return True
    for alternative in case.operation.body:
        if alternative.media_type == case.media_type:
            return alternative.is_valid(case.body)
    return True


def _strings(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)


def business_rule_refusal(case, status: int, body) -> tuple[str | None, str]:
    """(the field or code of the documented rule the answer is, None if it is none) and why not."""
    rules = _documented_rules(case, status)
    if not rules:
        return None, f"{case.operation.label} documents no business rule answering {status}"
    if isinstance(body, dict) and isinstance(body.get("detail"), str) and isinstance(body.get("code"), str):
        codes = {rule["code"] for rule in rules if "code" in rule}
        if body["code"] in codes:
            return body["code"], ""
        return None, f"code {body['code']!r} is not among the documented {sorted(codes)}"
    if isinstance(body, dict) and body and all(_strings(messages) for messages in body.values()):
        for field, messages in body.items():
            patterns = [rule["message"] for rule in rules if rule.get("field") == field]
            if not patterns:
                return None, f"no business rule is documented for the field {field!r}"
            for message in messages:
                if not any(re.search(pattern, message) for pattern in patterns):
                    return None, f"{field}: {message!r} matches none of the documented rules {patterns}"
        return ",".join(sorted(body)), ""
    return None, "the body is not a documented error shape"


def positive_data_acceptance_or_business_rule(ctx, response, case):
    """ST202, except for a documented business-rule refusal (400 / 409) in the documented shape."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData as failure:
        if not _body_is_schema_valid(case):
            NOT_SCHEMA_VALID[case.operation.label] += 1
            return None
        try:
            body = response.json()
        except ValueError:
            body = None
        key, why = business_rule_refusal(case, response.status_code, body)
        if key is not None:
            REFUSALS[(case.operation.label, response.status_code, key)] += 1
            return None
        raise RejectedPositiveData(
            operation=failure.operation,
            message=f"{failure.message}\nNot a documented business-rule refusal (x-business-rules): {why}.",
            status_code=failure.status_code,
            allowed_statuses=failure.allowed_statuses,
        ) from None


# API.md: once a partner has declined a run, "the same partner declining it again (whatever the body) answers
# 200 and changes nothing". The stateful phase records the runs a scenario declined (with a 200 to a checked
# request); a body the schema refuses, accepted there, is that rule. Anywhere else it is a hole.
DECLINE = "POST /api/partners/production-runs/{id}/decline"
DECLINED: set[str] = set()


def negative_data_rejection_or_repeat_decline(ctx, response, case):
    """ST201, except the documented repeat decline: a run this scenario's partner declined already."""
    if case.operation.label == DECLINE and response.status_code == 200 and \
            str(case.path_parameters.get("id")) in DECLINED:
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection_or_repeat_decline, positive_data_acceptance_or_business_rule]
