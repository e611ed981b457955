from django.core.signals import request_finished, request_started
from django.db import close_old_connections
import pytest
import schemathesis

from config.wsgi import application
from partners.auth import token_create
from production.services import Assignment, dispatch_start, run_create, run_create_allocated
from tasks.selectors import TemplateSelection
from tests.factories import CategoryFactory, DesignFactory, MembershipFactory, StaffFactory, TemplateFactory
from tests.fuzz.checks import CONFIG


@pytest.fixture
def world(db):
    """A small world of real objects, so that ids in paths sometimes hit and links have somewhere to start.

    A design whose routing names the partner and a one-template category (the stateful fuzzer
    allocates, approves and dispatches along it); a run of it split to the partner in two roles, one
    child dispatched and one approved; a run waiting for review.
    """
    staff = StaffFactory()
    membership = MembershipFactory()
    category = CategoryFactory()
    for i in range(2):
        TemplateFactory(category=category, sequence=i)
    # One template along the routing: a partner who completes the first task can complete the run.
    routed = CategoryFactory(steps=1)
    design = DesignFactory(routing={"assignments": [{"partner": membership.partner_id, "share": 1}],
                                    "template_category": routed.pk})
    _, children = run_create_allocated(design=design, quantity=2, actor=staff, assignments=[
        Assignment(partner_id=membership.partner_id, role="cutting", quantity=1),
        Assignment(partner_id=membership.partner_id, role="stitching", quantity=1),
    ])
    sent, approved = children
    dispatch_start(run=sent, actor=staff, selection=TemplateSelection(category_id=category.pk))
    pending = run_create(design=design, quantity=3, actor=staff)
    return {
        "staff": token_create(staff)[1],
        "partner": token_create(membership.user)[1],
        # Where the stateful fuzzer's scenarios may start: (path of a GET, id).
        "seeds": [
            ("/api/admin/designs/{id}/", design.pk),
            ("/api/admin/production-runs/{id}/", pending.pk),
            ("/api/admin/production-runs/{id}/", approved.pk),
            ("/api/admin/production-runs/{id}/", sent.pk),
            ("/api/partners/production-runs/{id}/", sent.pk),
        ],
    }


@pytest.fixture
def api_schema(db):
    # Like Django's test client: keep the test's connection (and its transaction) open
    # across requests instead of closing it when each WSGI request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def pytest_terminal_summary(terminalreporter):
    """After the run: how many requests the fuzzers sent (CI's log shows the budget was spent), and what
    business rules refused schema-valid data (each one documented in the schema)."""
    from tests.fuzz.checks import NOT_SCHEMA_VALID, REFUSALS
    from tests.fuzz.test_api_fuzz import COUNTS, EXAMPLES
    from tests.fuzz.test_api_stateful import FOLLOWED, STATS

    write = terminalreporter.write_line
    if any(COUNTS.values()):
        write(f"schemathesis: {COUNTS['staff']} staff requests, {COUNTS['partner']} partner requests "
              f"(max_examples={EXAMPLES} per operation and generation phase)")
    if STATS["steps"]:
        write(f"schemathesis stateful: {STATS['scenarios']} scenarios, {STATS['steps']} steps, "
              f"{STATS['linked']} following a link ({STATS['linked_2xx']} of them used its values and answered "
              f"2xx), deepest chain of linked 2xx calls {STATS['deepest_chain']}; links followed with a 2xx answer:")
        for link, n in sorted(FOLLOWED.items(), key=lambda item: (-item[1], item[0])):
            write(f"  {n:5d}  {link}")
    if REFUSALS:
        write("schemathesis: documented business-rule refusals of schema-valid data:")
        for (operation, status, key), n in sorted(REFUSALS.items()):
            write(f"  {n:5d}  {status} {operation}  [{key}]")
    if NOT_SCHEMA_VALID:
        write(f"schemathesis: link-made requests the schema refuses (not judged): {dict(NOT_SCHEMA_VALID)}")
