"""The routing benchmark script keeps working (quick mode) and reports no wrong labels."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow
def test_quick_benchmark_runs_and_agrees_with_shapely(run_quick: Any) -> None:
    out = run_quick("routing.py", timeout=300).stdout
    assert "jiesu locate_many" in out
    assert "convert_many" in out
    rows = [
        line.split()
        for line in out.splitlines()
        if "jiesu locate_many" in line and "inf" not in line
    ]
    assert rows
    # the 'wrong' column (third from the end) is zero for every jiesu row
    assert all(row[-2] == "0" for row in rows), out
