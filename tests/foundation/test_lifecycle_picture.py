"""The README's picture of the run lifecycle is generated from the code and kept current."""

from pathlib import Path

from django_fsm.management.commands.graph_transitions import generate_dot, one_fsm_fields_data

from production.models import ProductionRun

SOURCE = Path(__file__).resolve().parents[2] / "docs" / "run-lifecycle.gv"


def test_committed_lifecycle_graph_matches_the_state_machine():
    graph = generate_dot([one_fsm_fields_data(ProductionRun, "status")], ignore_transitions=[])
    # Node order follows set iteration (hash seed), so compare the statements, not their order.
    assert sorted(graph.source.splitlines()) == sorted(SOURCE.read_text().splitlines()), (
        "the state machine changed: run `make graph` and commit docs/run-lifecycle.*"
    )
