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
    ):
        assert job in out
    jiesu_rows = [line for line in out.splitlines() if line.startswith("jiesu")]
    assert all(line.split()[-2] == "0" for line in jiesu_rows)  # no wrong results
