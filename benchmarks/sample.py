"""Benchmark: the sample generators of jiesu, in one process.

Jobs (full size; ``--quick`` runs small sizes):

1. ``generate_ticket_table``: 10M tickets over 3,000 units and 12 months, with and without the unit-code
   string column. Limit: the bare numpy draws the table needs (one unit index from the skewed unit weights
   and eight float32 uniform numbers per ticket), the cost no generator of these columns can avoid. Target: at most
   5 seconds at 10M. Wrong: rows breaking an invariant (excluded but not eligible, answers on an unreachable
   callback, satisfaction out of code range).
2. ``generate_complaints``: a default July (3,600 complaints). Target: at most 3 seconds. Wrong: complaints
   outside the month or out of time order.
3. ``simulate`` for every complaint of that month, each history applied through ``Ticket.from_events``.
   Target: at most 5 seconds. Wrong: histories the lifecycle refuses.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py shadows the standard library's ``calendar`` module when this folder is first on
# the search path: move the folder to the end (``_common`` is still found there).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE] + [_HERE]

import argparse  # noqa: E402 - after the path fix above

import numpy as np  # noqa: E402 - imported after the setup above

from _common import measure, mib, print_table  # noqa: E402 - imported after the setup above
from jiesu.errors import TransitionError  # noqa: E402 - imported after the setup above
from jiesu.model import Complaint, Ticket  # noqa: E402 - imported after the setup above
from jiesu.sample import generate_complaints, generate_ticket_table, simulate  # noqa: E402 - imported after the setup above

TARGET_SECONDS = {"generate_ticket_table": 5.0, "generate_complaints": 3.0, "simulate": 5.0}
Row = list[str]


def _limit(n: int, units: int, seed: int) -> int:
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 1.0, units)
    cdf = np.cumsum(weights / weights.sum()).astype(np.float32)
    index = np.searchsorted(cdf, rng.random(n, dtype=np.float32), side="right")
    draws = rng.random((8, n), dtype=np.float32)
    return int(index[0]) + int(draws[0, 0] > 0)


def _table_wrong(t: dict[str, np.ndarray]) -> int:
    bad = t["excluded"] & ~t["eligible"]
    bad |= t["unreachable"] & (t["responded"] | t["solved"] | (t["satisfaction"] != 0))
    bad |= t["unreachable"] != (t["callback"] != 1)
    bad |= (t["satisfaction"] < 0) | (t["satisfaction"] > 2)
    return int(bad.sum())


def job_table(n: int, units: int) -> list[Row]:
    """Time the ticket table against the bare-draws limit."""
    rows: list[Row] = []
    _, t_limit, m_limit = measure(lambda: _limit(n, units, 1), repeat=2)
    rows.append(
        [
            "ticket table",
            "numpy draws only (limit)",
            f"{n:,}",
            f"{t_limit:.2f}",
            "1.00",
            "-",
            mib(m_limit),
        ]
    )
    for labels in (True, False):
        table, t, m = measure(
            lambda labels=labels: generate_ticket_table(  # type: ignore[misc]  # loop variable bound on purpose
                n=n, units=units, months=12, seed=1, unit_labels=labels
            ),
            repeat=2,
        )
        name = "jiesu generate_ticket_table" + ("" if labels else " (unit_labels=False)")
        rows.append(
            [
                "ticket table",
                name,
                f"{n:,}",
                f"{t:.2f}",
                f"{t / t_limit:.2f}",
                str(_table_wrong(table)),
                mib(m),
            ]
        )
    return rows


def job_month(n: int | None) -> tuple[list[Row], list[Complaint]]:
    """Time a month of complaints."""
    complaints, t, m = measure(
        lambda: generate_complaints(year=2025, month=7, n=n, seed=1), repeat=2
    )
    times = [c.received_at for c in complaints]
    wrong = sum(t.month != 7 for t in times) + int(times != sorted(times))
    row = [
        "complaints",
        "jiesu generate_complaints",
        f"{len(complaints):,}",
        f"{t:.2f}",
        "-",
        str(wrong),
        mib(m),
    ]
    return [row], complaints


def _lives(complaints: list[Complaint]) -> int:
    refused = 0
    for i, complaint in enumerate(complaints):
        events = simulate(
            complaint, lead="S05", co_handlers=("D-CGJ",) if i % 3 == 0 else (), seed=1
        )
        try:
            Ticket.from_events(complaint, events)
        except TransitionError:
            refused += 1
    return refused


def job_simulate(complaints: list[Complaint]) -> list[Row]:
    """Time simulating and applying every history of the month."""
    refused, t, m = measure(lambda: _lives(complaints), repeat=1)
    return [
        [
            "histories",
            "jiesu simulate + Ticket.from_events",
            f"{len(complaints):,}",
            f"{t:.2f}",
            "-",
            str(refused),
            mib(m),
        ]
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; return 1 when a target or a correctness check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    args = parser.parse_args(argv)
    n_table, units, n_month = (200_000, 300, 300) if args.quick else (10_000_000, 3_000, None)
    rows = job_table(n_table, units)
    month_rows, complaints = job_month(n_month)
    rows += month_rows
    rows += job_simulate(complaints)
    header = ["job", "implementation", "rows", "seconds", "× limit", "wrong", "peak MiB"]
    print_table("Sample generators" + (" [quick]" if args.quick else ""), header, rows)
    seconds = {
        "generate_ticket_table": float(rows[1][3]),
        "generate_complaints": float(rows[3][3]),
        "simulate": float(rows[4][3]),
    }
    ok = True
    print("\ntargets (seconds):")
    for job, target in TARGET_SECONDS.items():
        passed = seconds[job] <= target
        ok &= passed
        print(
            f"  {job}: {seconds[job]:.2f} s (target ≤ {target:.0f} s) {'met' if passed else 'MISSED'}"
        )
    correct = all(r[5] in ("-", "0") for r in rows)
    print(f"  wrong results: {'none' if correct else 'SOME'}")
    return 0 if correct and (ok or args.quick) else 1


if __name__ == "__main__":
    raise SystemExit(main())
