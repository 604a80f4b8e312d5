from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "scoring.py"


@pytest.mark.slow
def test_quick_benchmark_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", [str(SCRIPT), "--quick"])
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script reorders sys.path
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "Scoring 200,000 tickets, 300 units, 12 months" in out
    for job in (
        "numpy bincount (limit)",
        "jiesu score_many (arrays)",
        "jiesu score_frame → duckdb",
        "jiesu tally_frame → polars lazy (counts only)",
        "polars lazy, jiesu's counts natively",
    ):
        assert job in out
    lines = out.splitlines()
    scored = [line for line in lines if line.startswith("jiesu s")]
    assert len(scored) == 3  # the array path and two frame paths
    assert all(line.split()[-2] == "0" for line in scored)  # no wrong results
    counts_only = [line for line in lines if "(counts only)" in line]
    assert len(counts_only) == 2  # polars lazy and duckdb
    assert all(line.split()[-2] == "n/a" for line in counts_only)
