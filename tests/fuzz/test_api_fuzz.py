"""Schemathesis fuzzes every API operation in process against the WSGI app (PostgreSQL).

Checks (tests/fuzz/checks.py): no 5xx, every status code and body documented by the schema,
data that violates the schema (wrong types, out-of-range numbers) rejected with a 4xx, and
schema-valid data accepted, unless a business rule the schema documents for that operation
refuses it (400 / 409, in the documented error shape). Runs once as staff and once as a
partner user, over a small world of real objects so that ids in paths sometimes hit.
The stateful phase (links between operations) is tests/fuzz/test_api_stateful.py.
"""

from hypothesis import HealthCheck, settings
import schemathesis

from tests.fuzz.checks import CHECKS

EXAMPLES = 25
COUNTS = {"staff": 0, "partner": 0}

schema = schemathesis.pytest.from_fixture("api_schema")

fuzz_settings = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                         suppress_health_check=list(HealthCheck))


@schema.exclude(path_regex=r"^/api/partners/").parametrize()
@fuzz_settings
def test_staff_api_never_fails(case, world):
    COUNTS["staff"] += 1
    case.call_and_validate(headers={"Authorization": f"Token {world['staff']}"}, checks=CHECKS)


@schema.include(path_regex=r"^/api/partners/").parametrize()
@fuzz_settings
def test_partner_api_never_fails(case, world):
    COUNTS["partner"] += 1
    case.call_and_validate(headers={"Authorization": f"Token {world['partner']}"}, checks=CHECKS)
