"""Benchmark the per-ticket paths at array speed (issue #10): clocks, routing, ticket tables, import time.

Jobs (one process; ``--quick`` runs small sizes), each as a ratio to its floor in the same run:

* clocks of simulated sample tickets: ``DeadlinePolicy.clocks`` per ticket and ``clocks_many`` against a
  loop that only touches each ticket's events, and against ``sla_status_many`` on the same rows (the
  milestone times already in arrays);
* ``Router.route_many`` and ``route_frame`` per row against ``Territory.locate_many`` per row;
* ``sla_frame`` on a ticket table (1M rows; ``--quick`` 20k) as pyarrow, polars lazy and duckdb against the
  numpy path (the same kernel over arrays already extracted);
* the cost of ``import jiesu`` and ``import jiesu.scoring`` in a fresh interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a calendar.py that would shadow the standard library's calendar module: move the
# folder to the end of sys.path before importing anything else.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

import argparse  # noqa: E402 - after the sys.path fix above
import datetime as dt  # noqa: E402 - after the sys.path fix above
import functools  # noqa: E402 - after the sys.path fix above
import subprocess  # noqa: E402 - after the sys.path fix above
import time  # noqa: E402 - after the sys.path fix above
from typing import Any  # noqa: E402 - after the sys.path fix above

import numpy as np  # noqa: E402 - after the sys.path fix above
import pendulum  # noqa: E402 - after the sys.path fix above

from _common import measure, mib, print_table  # noqa: E402 - after the sys.path fix above
from jiesu.calendar import (  # noqa: E402 - after the sys.path fix above
    DeadlinePolicy,
    WorkCalendar,
    sla_frame,
    sla_status_many,
)
from jiesu.calendar._bulk import _from_tickets, _kernel  # noqa: E402 - the numpy path, measured alone
from jiesu.model import Ticket  # noqa: E402 - after the sys.path fix above
from jiesu.routing import Router, route_frame  # noqa: E402 - after the sys.path fix above
from jiesu.sample import data_file, generate_complaints, simulate  # noqa: E402 - after the fix above

TZ = "Asia/Shanghai"
NOW = pendulum.datetime(2025, 3, 25, 12, tz=TZ)
LEADS = ("S01", "S05", "D-ZJW", "P-HEAT")


def sample_tickets(n: int) -> list[Ticket]:
    """Simulated tickets of the sample district, open and closed, as of 2025-03-20."""
    until = pendulum.datetime(2025, 3, 20, tz=TZ)
    found = generate_complaints(year=2025, month=3, n=n, seed=11)
    return [
        Ticket.from_events(c, simulate(c, lead=LEADS[i % 4], seed=11, until=until))
        for i, c in enumerate(found)
    ]


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:,.1f}×" if floor > 0 else "inf"


def job_clocks(n: int) -> list[list[str]]:
    cal, policy = WorkCalendar.china(), DeadlinePolicy.preset("beijing")
    items = sample_tickets(n)

    def events_only() -> int:
        count = 0
        for t in items:
            for e in t.events:
                count += e.at is not None
        return count

    def scalar() -> list[Any]:
        return [policy.clocks(t, cal, now=NOW) for t in items]

    def many() -> Any:  # noqa: ANN401 - the tables
        return policy.clocks_many(items, cal, now=NOW)

    times = _from_tickets(items, cal, restart=True)
    started = times.at["dispatched_at"] != np.iinfo(np.int64).min
    starts = times.at["dispatched_at"][started].view("datetime64[us]")

    def arrays() -> Any:  # noqa: ANN401 - the table
        return sla_status_many(
            cal,
            starts,
            15.0,
            "working_days",
            now=NOW,
            stops=times.at["replied_at"][started].view("datetime64[us]"),
            pause_starts=times.pause_starts[started].view("datetime64[us]"),
            pause_ends=times.pause_ends[started].view("datetime64[us]"),
        )

    _, t_events, m_events = measure(events_only)
    _, t_scalar, m_scalar = measure(scalar, repeat=1)
    tables, t_many, m_many = measure(many)
    _, t_arrays, m_arrays = measure(arrays)
    milestones = len(tables)
    return [
        ["events-only loop (floor)", f"{n:,}", f"{t_events / n * 1e6:.2f}", "1.0×", "-", mib(m_events)],
        ["DeadlinePolicy.clocks per ticket", f"{n:,}", f"{t_scalar / n * 1e6:.1f}",
         _ratio(t_scalar, t_events), _ratio(t_scalar, t_arrays * milestones), mib(m_scalar)],
        ["DeadlinePolicy.clocks_many", f"{n:,}", f"{t_many / n * 1e6:.1f}",
         _ratio(t_many, t_events), _ratio(t_many, t_arrays * milestones), mib(m_many)],
        [f"sla_status_many (1 of {milestones} milestones)", f"{int(started.sum()):,}",
         f"{t_arrays / n * 1e6:.2f}", _ratio(t_arrays, t_events), "1.0×", mib(m_arrays)],
    ]  # fmt: skip


def _router() -> Router:
    return Router.from_files(
        catalogue=data_file("catalogue.toml"),
        areas=data_file("areas.geojson"),
        units=data_file("units.toml"),
        swap_zones=data_file("swaps.geojson"),
    )


def job_routing(n: int) -> list[list[str]]:
    import polars as pl  # noqa: PLC0415 - a bench extra

    router = _router()
    complaints = generate_complaints(year=2025, month=3, n=n, seed=12)
    located = [c for c in complaints if c.location is not None]
    territory = router.territories[0]
    groups: dict[str, list[Any]] = {}
    for c in located:
        groups.setdefault(c.location.crs.value, []).append(c.location)  # type: ignore[union-attr]  # located
    arrays = {
        crs: (np.array([x.lon for x in locs]), np.array([x.lat for x in locs]))
        for crs, locs in groups.items()
    }
    day = dt.date(2025, 3, 15)

    def locate() -> None:
        for crs, (lons, lats) in arrays.items():
            territory.locate_many(lons, lats, crs=crs, level="street", on=day)

    frame = pl.DataFrame(
        {
            "category": [c.category for c in complaints],
            "lon": [c.location.lon if c.location else None for c in complaints],
            "lat": [c.location.lat if c.location else None for c in complaints],
            "crs": [c.location.crs.value if c.location else None for c in complaints],
            "received_at": [c.received_at.in_timezone("UTC") for c in complaints],
        },
        schema_overrides={
            "lon": pl.Float64,
            "lat": pl.Float64,
            "received_at": pl.Datetime("us", "UTC"),
        },
    )
    locate()
    route_frame(frame.head(10), router)
    _, t_locate, m_locate = measure(locate)
    batch, t_many, m_many = measure(lambda: router.route_many(complaints), repeat=2)
    out, t_frame, m_frame = measure(lambda: route_frame(frame, router))
    same = [d.lead for d in batch.decisions] == out.filter(pl.col("status") != "refused")[
        "lead_unit"
    ].to_list()
    per = t_locate / len(located)
    return [
        ["Territory.locate_many (floor)", f"{len(located):,}", f"{per * 1e6:.2f}", "1.0×", "-", mib(m_locate)],
        ["Router.route_many", f"{n:,}", f"{t_many / n * 1e6:.1f}", _ratio(t_many / n, per),
         "-", mib(m_many)],
        ["route_frame (polars)", f"{n:,}", f"{t_frame / n * 1e6:.2f}", _ratio(t_frame / n, per),
         "same" if same else "DIFFERENT", mib(m_frame)],
    ]  # fmt: skip


def ticket_table(items: list[Ticket], n: int) -> Any:  # noqa: ANN401 - a pyarrow Table
    """A ticket table of ``n`` rows (the sample tickets repeated), instants as ``timestamp[us, UTC]``."""
    import pyarrow as pa  # noqa: PLC0415 - a bench extra

    def us(value: pendulum.DateTime | None) -> int | None:
        return None if value is None else round(value.timestamp() * 1e6)

    cols: dict[str, list[Any]] = {
        "received_at": [us(t.complaint.received_at) for t in items],
        "kind": [t.complaint.kind.value for t in items],
        "urgency": [t.complaint.urgency.value for t in items],
        "dispatched_at": [us(t.dispatched_at) for t in items],
        "signed_at": [us(t.signed_at) for t in items],
        "contacted_at": [us(t.first_contact_at) for t in items],
        "replied_at": [us(t.replied_at) for t in items],
        "returned_at": [us(t.returns[0].at) if t.returns else None for t in items],
        "extension_days": [float(sum(e.amount for e in t.extensions)) for t in items],
        "paused_from": [us(t.pauses[0][0]) if t.pauses else None for t in items],
        "paused_until": [us(t.pauses[0][1]) if t.pauses else None for t in items],
    }
    stamp = pa.timestamp("us", tz="UTC")

    def column(name: str, values: list[Any]) -> Any:  # noqa: ANN401 - a pyarrow Array
        if name in ("kind", "urgency"):
            return pa.array(values, type=pa.string())
        if name == "extension_days":
            return pa.array(values, type=pa.float64())
        return pa.array(values, type=pa.int64()).cast(stamp)

    base = pa.table({name: column(name, values) for name, values in cols.items()})
    reps = -(-n // base.num_rows)
    return pa.concat_tables([base] * reps).slice(0, n).combine_chunks()


def job_frames(n: int, items: list[Ticket]) -> list[list[str]]:
    import duckdb  # noqa: PLC0415 - a bench extra
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - as above
    import polars as pl  # noqa: PLC0415 - as above

    from jiesu.calendar._bulk import SLA_COLUMNS, _frame_times  # noqa: PLC0415 - the numpy path

    cal, policy = WorkCalendar.china(), DeadlinePolicy.preset("beijing")
    table = ticket_table(items, n)
    names = {role: role for role in SLA_COLUMNS}
    times = _frame_times(nw.from_native(table), names, cal)

    def numpy_path() -> Any:  # noqa: ANN401 - the tables
        return _kernel(policy, cal, times, NOW)

    lazy = pl.from_arrow(table).lazy()  # type: ignore[union-attr]  # a Table gives a DataFrame
    relation = duckdb.from_arrow(table)
    expected, t_numpy, m_numpy = measure(numpy_path)
    rows = [["numpy path (floor)", f"{n:,}", f"{t_numpy:.3f}", "1.0×", "-", mib(m_numpy)]]
    sources: tuple[tuple[str, Any], ...] = (
        ("pyarrow Table", table),
        ("polars lazy", lazy),
        ("duckdb relation", relation),
    )
    for label, source in sources:
        out, seconds, peak = measure(
            functools.partial(sla_frame, source, policy, cal, now=NOW), repeat=2
        )
        got = pl.DataFrame(out) if not isinstance(out, pl.DataFrame) else out
        due = got["reply_due"].dt.replace_time_zone(None).to_numpy().astype("datetime64[us]")
        want = expected["reply"].due
        same = bool(((due == want) | (np.isnat(due) & np.isnat(want))).all())
        rows.append([f"sla_frame on {label}", f"{n:,}", f"{seconds:.3f}", _ratio(seconds, t_numpy),
                     "same" if same else "DIFFERENT", mib(peak)])  # fmt: skip
    return rows


def job_import() -> list[list[str]]:
    rows = []
    for module in ("jiesu", "jiesu.calendar", "jiesu.routing", "jiesu.scoring"):
        code = (
            "import sys, time; t = time.perf_counter(); import " + module
            + "; print(time.perf_counter() - t, sorted({m.split('.')[0] for m in sys.modules}"
            " & {'narwhals', 'pyarrow', 'pandas', 'polars', 'cattrs'}))"
        )  # fmt: skip
        best, loaded = 1e9, ""
        for _ in range(3):
            out = subprocess.run(  # noqa: S603 - our own interpreter
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout.split(" ", 1)
            best, loaded = min(best, float(out[0])), out[1].strip()
        rows.append([f"import {module}", f"{best:.3f}", loaded])
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run every job and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    parser.add_argument("--rows", type=int, default=None, help="rows of the sla_frame table")
    args = parser.parse_args(argv)
    n_tickets, n_route, n_frame = (300, 2_000, 20_000) if args.quick else (3_000, 50_000, 1_000_000)
    n_frame = args.rows or n_frame
    start = time.perf_counter()
    head = ["job", "rows", "µs per row", "vs floor", "vs arrays", "peak MiB"]
    print_table("Clocks of many tickets (beijing preset)", head, job_clocks(n_tickets))
    head = ["job", "rows", "µs per row", "vs floor", "agrees", "peak MiB"]
    print_table("Routing in bulk (sample district)", head, job_routing(n_route))
    items = sample_tickets(min(n_tickets, 1_000))
    head = ["job", "rows", "seconds", "vs floor", "agrees", "peak MiB"]
    print_table("sla_frame on a ticket table", head, job_frames(n_frame, items))
    print_table(
        "Import time (fresh interpreter, best of 3)", ["import", "seconds", "loaded"], job_import()
    )
    print(f"\ntotal {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
