"""The export benchmark script keeps working (quick mode) and reports no wrong results."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow
def test_quick_benchmark_runs_and_jiesu_is_exact(run_quick: Any) -> None:
    done = run_quick("exports.py")
    out = done.stdout
    assert "Read a GB18030 CSV export (18 columns): jiesu vs peers [quick]" in out
    assert "jiesu wrong results: 0" in out
    for suffix in (".csv", ".parquet", ".jsonl", ".xlsx"):
        assert f"2,000  {suffix}" in out
