"""Schemathesis' stateful phase: sequences of API calls that follow the schema's links, in process.

The state machine is built from the OpenAPI links (config/schema/ adds the workflow's: a design's
routing -> an allocated or approved run -> dispatch -> the partner's run and tasks; schemathesis infers
more from ids in responses). Each scenario opens one object of the world (a design, a run waiting for
review, an approved or a dispatched child) and goes on from lists, creations and links; what it wrote
is rolled back after it. Each step calls the WSGI app as the kind of user its path is for: staff on
/api/admin/, the world's partner on /api/partners/, so one scenario can go from staff approving a run
to the partner working on its tasks. Every response gets the same checks as the fuzzer
(tests/fuzz/checks.py), plus schemathesis' stateful checks (a created resource can be read; a deleted
one cannot). The budget is bounded (CI: well under a minute), and the test fails unless linked steps
really ran: links followed and answered 2xx, in chains of at least three calls each taking its input
from the one before, from staff steps into partner steps, with state changes on both sides.
"""

from collections import Counter

from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize
from schemathesis.generation.stateful.state_machine import StepInput, normalize_name
from schemathesis.specs.openapi.checks import ensure_resource_availability, use_after_free

from tests.fuzz.checks import CHECKS, DECLINE, DECLINED

SCENARIOS = 50
STEPS_PER_SCENARIO = 25
STATEFUL_CHECKS = [*CHECKS, use_after_free, ensure_resource_availability]

# deepest_chain: the most steps in one sequence where each step took its input from the previous one's
# answer (a link) and every answer was 2xx: design -> allocated run -> dispatched child -> its task is 4.
STATS = {"scenarios": 0, "steps": 0, "linked": 0, "linked_2xx": 0, "deepest_chain": 0}
# Links followed with a 2xx answer, by "source -> target" operation.
FOLLOWED: Counter = Counter()


def _token_for(path: str, world: dict) -> str:
    return world["partner"] if path.startswith("/api/partners/") else world["staff"]


def _roots_needing_an_id(machine) -> tuple[dict, frozenset]:
    """The random starts of operations with an id in their path: with a made-up id they only answer 404
    (the fuzzer covers that), so scenarios start from the world's objects, lists and creations."""
    labels = frozenset(label for label in machine._root_labels if "{" in label)
    return {normalize_name(f"RANDOM -> {label}"): None for label in labels}, labels


def _is_partner_step(link: str, side: int) -> bool:
    return link.split(" -> ")[side].split()[1].startswith("/api/partners/")


def test_linked_sequences_never_fail(api_schema, world):
    machine = api_schema.as_state_machine()
    hidden, labels = _roots_needing_an_id(machine)
    assert hidden.keys() <= machine.root_rules, "schemathesis names its root rules differently now"

    class Workflow(machine):
        root_rules = machine.root_rules - hidden.keys()
        _root_labels = machine._root_labels - labels

        def setup(self):
            STATS["scenarios"] += 1
            self.depth = {}  # case id -> length of the 2xx chain of links ending with it
            # Every scenario starts from the same world: what one wrote is rolled back after it, so
            # Hypothesis can replay (and shrink) a scenario and get the same answers.
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)
            DECLINED.clear()  # the scenario's declines are rolled back with it

        # The response lands in the bundle of its operation and status (schemathesis' matcher), whatever
        # the target named here: the links from there take its ids.
        @initialize(target=Bundle("world"), seed=st.sampled_from(world["seeds"]))
        def open_a_world_object(self, seed):
            path, object_id = seed
            case = api_schema[path]["GET"].Case(path_parameters={"id": object_id})
            self.recorder.record_case(case=case)
            output = self.step(StepInput.initial(case))
            assert output.response.status_code == 200, (seed, output.response.status_code)
            return output

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {_token_for(case.path, world)}"}}

        def step(self, input):
            output = super().step(input)  # the response is checked in there
            STATS["steps"] += 1
            if input.case.operation.label == DECLINE and output.response.status_code == 200:
                DECLINED.add(str(input.case.path_parameters["id"]))  # declining it again answers 200, any body
            STATS["linked"] += input.transition is not None
            if not 200 <= output.response.status_code < 300:
                return output
            depth = 1
            if input.transition is not None and input.is_applied:  # it used the values the link took
                STATS["linked_2xx"] += 1
                parent = self.recorder.cases[input.transition.parent_id].value
                FOLLOWED[f"{parent.operation.label} -> {input.case.operation.label}"] += 1
                depth = self.depth.get(input.transition.parent_id, 0) + 1
            self.depth[input.case.id] = depth
            STATS["deepest_chain"] = max(STATS["deepest_chain"], depth)
            return output

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs or None,
                                   recorder=self.recorder)

    for name in hidden:  # no such rules: Hypothesis collects rules from class attributes
        setattr(Workflow, name, None)
    Workflow.run(settings=settings(
        max_examples=SCENARIOS, stateful_step_count=STEPS_PER_SCENARIO, deadline=None, derandomize=True,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck),
    ))

    # The budget went into linked sequences, not only into single random calls: links were followed
    # and answered 2xx, in chains, from staff steps into partner steps, with actions on both sides.
    assert STATS["linked_2xx"] >= SCENARIOS, (STATS, FOLLOWED)
    assert STATS["deepest_chain"] >= 3, STATS
    targets = {link.split(" -> ")[1] for link in FOLLOWED}
    assert any(not _is_partner_step(link, 0) and _is_partner_step(link, 1) for link in FOLLOWED), \
        ("no link from a staff step into a partner step answered 2xx", FOLLOWED)
    staff_actions = {"/approve", "/dispatch", "/dispatch/confirm", "/cancel", "/reassign", "/production-runs/"}
    assert any(t.startswith("POST /api/admin/") and t.endswith(tuple(staff_actions)) for t in targets), FOLLOWED
    assert any(t.startswith("POST /api/partners/") for t in targets), ("no partner action followed a link", FOLLOWED)
