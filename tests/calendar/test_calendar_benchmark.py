"""The benchmark script keeps working: run its quick mode in a subprocess."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow
def test_quick_benchmark_runs_and_jiesu_is_exact(run_quick: Any) -> None:
    pytest.importorskip("workalendar")  # a peer from the bench extra
    done = run_quick("calendar.py")
    out = done.stdout
    assert "China working calendar (调休): jiesu vs peers [quick]" in out
    assert "jiesu wrong results: 0 and every result equal to its scalar twin: yes" in out
    for job in ("is_workday", "add_workdays", "add_working_hours"):
        assert f"  {job}: " in out
    obvious = [line for line in out.splitlines() if "numpy is_busday" in line and "obvious" in line]
    assert obvious
    assert obvious[0].split()[-2] != "0"  # the weekday-only setup is wrong on adjusted working days
