"""The export benchmark script keeps working (quick mode) and reports no wrong results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "exports.py"


@pytest.mark.slow
def test_quick_benchmark_runs_and_jiesu_is_exact() -> None:
    done = subprocess.run(  # noqa: S603 - our own script, run with this interpreter
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Read a GB18030 CSV export (18 columns): jiesu vs peers [quick]" in out
    assert "jiesu wrong results: 0" in out
    for suffix in (".csv", ".parquet", ".jsonl", ".xlsx"):
        assert f"2,000  {suffix}" in out
