"""The run CSV streams: 100,000 runs go out with memory bounded by a chunk, not by the list (PostgreSQL)."""

import tracemalloc

import pytest

from production.models import ProductionRun
from tests.factories import DesignFactory


@pytest.mark.django_db
def test_hundred_thousand_runs_stream_in_bounded_memory(require_postgres, staff_api):
    design = DesignFactory()
    ProductionRun.objects.bulk_create(
        (ProductionRun(design=design, quantity=i % 50 + 1, role="cutting") for i in range(100_000)), batch_size=10_000)
    response = staff_api.get("/api/admin/production-runs/export.csv")
    assert response.status_code == 200 and response.streaming
    tracemalloc.start()
    lines = size = 0
    for chunk in response.streaming_content:  # what a client receives, one line at a time
        lines += 1
        size += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == 100_001  # the header and every run
    # The CSV is ~9 MB; holding the runs as model objects would take hundreds. A chunk of 2,000 rows is far less.
    assert size > 8_000_000 and peak < 8_000_000, (size, peak)
