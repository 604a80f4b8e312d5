"""The bulk benchmark script (issue #10) keeps working in quick mode, and its paths agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bulk.py"


@pytest.mark.slow
def test_quick_bulk_benchmark_runs_and_agrees() -> None:
    out = subprocess.run(  # noqa: S603 - runs our own script with this interpreter
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    for job in ("DeadlinePolicy.clocks_many", "Router.route_many", "route_frame", "sla_frame on"):
        assert job in out, out
    assert "DIFFERENT" not in out, out
    assert out.count("same") == 4, out
    assert "import jiesu.scoring" in out
