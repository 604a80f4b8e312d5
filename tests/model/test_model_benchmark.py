"""The model benchmark script keeps working (quick mode) and reports no wrong results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "model.py"


@pytest.mark.slow
def test_quick_benchmark_runs_and_is_exact() -> None:
    done = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Tickets as JSON Lines: 2,000 rows, 2 bad [quick]" in out
    assert "good rows 1,998; report lists 2 bad rows (2 problems)" in out
    assert "jiesu wrong results: 0" in out
    assert done.stderr == ""
