def pytest_terminal_summary(terminalreporter):
    """After the run: how many requests the fuzzers sent (CI's log shows the example budget was spent)."""
    from tests.fuzz.test_api_fuzz import COUNTS, EXAMPLES

    if any(COUNTS.values()):
        terminalreporter.write_line(
            f"schemathesis: {COUNTS['staff']} staff requests, {COUNTS['partner']} partner requests "
            f"(max_examples={EXAMPLES} per operation and generation phase)"
        )
