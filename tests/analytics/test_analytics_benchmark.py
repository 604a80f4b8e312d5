"""The analytics benchmark script (issue #11) keeps working in quick mode, and its paths agree."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow
def test_quick_analytics_benchmark_runs_and_agrees(run_quick: Any) -> None:
    out = run_quick("analytics.py").stdout
    for job in ("find_repeats", "monthly_topics", "detect_spikes", "Early warning"):
        assert job in out, out
    assert "DIFFERENT" not in out, out
    assert out.count("same") == 4, out
    flat = next(line for line in out.splitlines() if line.startswith("Poisson, no spikes"))
    assert float(flat.split()[-1]) <= 12.0, flat  # alpha = 0.001 is 10 per 10,000 cell-days
