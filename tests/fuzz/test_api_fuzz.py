"""Schemathesis fuzzes every API operation in process against the WSGI app (PostgreSQL).

Checks: no 5xx, every status code and body documented by the schema, and
data that violates the schema (wrong types, out-of-range numbers) rejected
with a 4xx. Runs once as staff and once as a partner user, over a small world
of real objects so that ids in paths sometimes hit.
"""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from partners.auth import token_create
from production.services import Assignment, dispatch_start, run_create_allocated
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, MembershipFactory, StaffFactory, TemplateFactory

EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
COUNTS = {"staff": 0, "partner": 0}


@pytest.fixture
def world(db):
    staff = StaffFactory()
    membership = MembershipFactory()
    category = CategoryFactory()
    for i in range(2):
        TemplateFactory(category=category, sequence=i)
    _, children = run_create_allocated(design=DesignFactory(), quantity=2, actor=staff,
                                       assignments=[Assignment(partner_id=membership.partner_id, quantity=2)])
    dispatch_start(run=children[0], actor=staff, selection=TemplateSelection(category_id=category.pk))
    return {
        "staff": token_create(staff)[1],
        "partner": token_create(membership.user)[1],
    }


@pytest.fixture
def api_schema(db):
    # Like Django's test client: keep the test's connection (and its transaction) open
    # across requests instead of closing it when each WSGI request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


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
