"""The model benchmark script keeps working (quick mode) and reports no wrong results."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow
def test_quick_benchmark_runs_and_is_exact(run_quick: Any) -> None:
    done = run_quick("model.py")
    out = done.stdout
    assert "Tickets as JSON Lines: 2,000 rows, 2 bad [quick]" in out
    assert "good rows 1,998; report lists 2 bad rows (2 problems)" in out
    assert "jiesu wrong results: 0" in out
    assert done.stderr == ""
