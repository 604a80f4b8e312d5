"""The bulk benchmark script (issue #10) keeps working in quick mode, and its paths agree."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow
def test_quick_bulk_benchmark_runs_and_agrees(run_quick: Any) -> None:
    out = run_quick("bulk.py").stdout
    for job in ("DeadlinePolicy.clocks_many", "Router.route_many", "route_frame", "sla_frame on"):
        assert job in out, out
    assert "DIFFERENT" not in out, out
    assert out.count("same") == 4, out
    assert "import jiesu.scoring" in out
