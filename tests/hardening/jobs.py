"""A job for the worker-lifecycle test: it records its start and its end in a file, and takes a moment."""

import time


def slow_record(path: str, label: str) -> None:
    with open(path, "a") as marks:
        marks.write(f"start {label}\n")
    time.sleep(2)  # still in hand when the test sends SIGTERM
    with open(path, "a") as marks:
        marks.write(f"done {label}\n")
