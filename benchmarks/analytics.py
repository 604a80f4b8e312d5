"""Benchmark jiesu.analytics (issue #11): repeats, monthly topics and spikes against native queries.

Jobs (one process; ``--quick`` runs small sizes):

* ``find_repeats``, ``monthly_topics`` and ``detect_spikes`` on a year of a large city's tickets (10M rows
  by default, ``--rows N``) as a polars lazy frame and a DuckDB relation, each against the same query
  written natively on that backend (polars expressions, DuckDB SQL), with the ratio and the peak memory.
  The native queries are the core of each job and nothing more: no merging of a ticket's rows, no
  checks, no weekday pattern, no seasonal flag, no p-values; they are the floor, not a rival;
* the same three on PySpark local (a smaller table) and on polars, compared row for row;
* early-warning quality: recall of planted spikes and false alarms per 10,000 cell-days on generated
  Poisson counts with a weekday effect, and on over-dispersed (negative binomial) counts.
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
import time  # noqa: E402 - after the sys.path fix above
from typing import TYPE_CHECKING, Any  # noqa: E402 - after the sys.path fix above

import duckdb  # noqa: E402 - after the sys.path fix above
import narwhals as nw  # noqa: E402 - after the sys.path fix above
import numpy as np  # noqa: E402 - after the sys.path fix above
import polars as pl  # noqa: E402 - after the sys.path fix above
import pyarrow as pa  # noqa: E402 - after the sys.path fix above
import pyarrow.compute as pc  # noqa: E402 - after the sys.path fix above

if TYPE_CHECKING:
    from collections.abc import Callable

from _common import measure, mib, print_table  # noqa: E402 - after the sys.path fix above
from jiesu.analytics import (  # noqa: E402 - after the sys.path fix above
    alerts,
    detect_spikes,
    find_repeats,
    monthly_topics,
)

PERIOD = "2025-06"


def city(n: int, *, seed: int = 1) -> pa.Table:
    """A year of a large city's tickets: 16 areas, 200 categories, a third as many callers as tickets.

    Half of each caller's tickets are about the caller's own usual category, so repeats occur.
    """
    rng = np.random.default_rng(seed)
    base = np.datetime64("2024-12-31T16:00", "us")  # 2025-01-01 00:00 in Shanghai
    at = base + rng.integers(0, 365 * 86_400_000_000, size=n).astype("timedelta64[us]")
    caller = rng.integers(0, max(n // 3, 1), size=n)
    category = np.where(rng.random(n) < 0.5, caller % 200, rng.integers(0, 200, size=n))
    return pa.table(
        {
            "ticket_id": pc.binary_join_element_wise(
                "T", pc.cast(pa.array(np.arange(n)), pa.string()), ""
            ),
            "received_at": pa.array(at).cast(pa.timestamp("us", tz="UTC")),
            "caller_key": pc.cast(pa.array(caller), pa.string()),
            "category": pc.cast(pa.array(category), pa.string()),
            "area": pc.cast(pa.array(rng.integers(0, 16, size=n)), pa.string()),
            "unit": pc.cast(pa.array(rng.integers(0, 100, size=n)), pa.string()),
        }
    )


# ------------------------------------------------------------------------------------------- natives
def polars_repeats(lf: pl.LazyFrame) -> pl.DataFrame:
    keys = ["caller_key", "category"]
    gap = pl.col("received_at").diff().over(keys, order_by=["received_at", "ticket_id"])
    seg = [*keys, "_seg"]
    return (
        lf.with_columns(_start=(gap.is_null() | (gap > dt.timedelta(days=30))).cast(pl.Int64))
        .with_columns(
            _seg=pl.col("_start").cum_sum().over(keys, order_by=["received_at", "ticket_id"])
        )
        .with_columns(_size=pl.len().over(seg))
        .select(
            "ticket_id", pl.when(pl.col("_size") > 1).then(pl.col("_size")).alias("repeat_size")
        )
        .collect()
    )


DUCK_REPEATS = """
with g as (
  select ticket_id, caller_key, category, received_at,
    case when lag(received_at) over w is null or received_at - lag(received_at) over w > interval 30 day
      then 1 else 0 end as s
  from t window w as (partition by caller_key, category order by received_at, ticket_id)
), c as (
  select *, sum(s) over (partition by caller_key, category order by received_at, ticket_id) as seg from g
)
select ticket_id, case when count(*) over (partition by caller_key, category, seg) > 1
  then count(*) over (partition by caller_key, category, seg) end as repeat_size from c
"""


def _month() -> pl.Expr:
    local = pl.col("received_at").dt.convert_time_zone("Asia/Shanghai")
    return (local.dt.year().cast(pl.Int64) - 1970) * 12 + local.dt.month().cast(pl.Int64) - 1


def polars_topics(lf: pl.LazyFrame, month: int) -> pl.DataFrame:
    m = pl.col("_m")
    return (
        lf.with_columns(_m=_month())
        .filter(m.is_in([month, month - 1, month - 12]))
        .group_by("area", "category")
        .agg(
            count=(m == month).sum(),
            previous=(m == month - 1).sum(),
            year_ago=(m == month - 12).sum(),
            callers=pl.col("caller_key").filter(m == month).n_unique(),
        )
        .filter(pl.col("count") > 0)
        .with_columns(rank=pl.col("count").rank("ordinal", descending=True).over("area"))
        .filter(pl.col("rank") <= 3)
        .collect()
    )


def duck_topics(month: int) -> str:
    """The topics query for a month (a whole number, so the text cannot carry anything else)."""
    return f"""
with m as (
  select area, category, caller_key,
    (year(received_at at time zone 'Asia/Shanghai') - 1970) * 12
      + month(received_at at time zone 'Asia/Shanghai') - 1 as m
  from t
), g as (
  select area, category, count(*) filter (where m = {month}) as n,
    count(*) filter (where m = {month - 1}) as previous,
    count(*) filter (where m = {month - 12}) as year_ago,
    count(distinct caller_key) filter (where m = {month}) as callers
  from m where m in ({month}, {month - 1}, {month - 12}) group by area, category
)
select * from (select *, row_number() over (partition by area order by n desc, category) as rank
  from g where n > 0) where rank <= 3
"""  # noqa: S608 - the only values put in are whole numbers


def polars_spikes(lf: pl.LazyFrame) -> pl.DataFrame:
    day = pl.col("received_at").dt.convert_time_zone("Asia/Shanghai").dt.date()
    return (
        lf.group_by("area", "category", day.alias("day"))
        .agg(n=pl.len())
        .sort("day")
        .with_columns(
            baseline=pl.col("n")
            .rolling_sum_by("day", window_size="28d", closed="left")
            .over("area", "category")
        )
        .collect()
    )


DUCK_SPIKES = """
with d as (
  select area, category, cast(received_at at time zone 'Asia/Shanghai' as date) as day, count(*) as n
  from t group by all
)
select *, sum(n) over (partition by area, category order by day
  range between interval 28 day preceding and interval 1 day preceding) as baseline from d
"""


# ---------------------------------------------------------------------------------------------- jobs
def _polars(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a table always gives a frame
        raise TypeError(type(frame).__name__)
    return frame


def _month_number(period: str) -> int:
    year, month = (int(p) for p in period.split("-"))
    return (year - 1970) * 12 + month - 1


def _rows(frame: Any) -> int:  # noqa: ANN401 - any frame
    source = nw.from_native(frame)
    if isinstance(source, nw.LazyFrame):
        source = source.collect()
    return len(source)


def job_speed(table: pa.Table) -> tuple[list[list[str]], dict[str, Any]]:
    rows: list[list[str]] = []
    month = _month_number(PERIOD)
    con = duckdb.connect()
    con.register("t", table)
    frames = {"polars lazy": _polars(table).lazy(), "duckdb": con.table("t")}
    jobs: dict[str, tuple[Any, Any, Any]] = {
        "find_repeats": (
            lambda f: find_repeats(f, window_days=30),
            polars_repeats,
            lambda: con.sql(DUCK_REPEATS).to_arrow_table(),
        ),
        "monthly_topics": (
            lambda f: monthly_topics(f, period=PERIOD, by="area", top=3),
            lambda lf: polars_topics(lf, month),
            lambda: con.sql(duck_topics(month)).to_arrow_table(),
        ),
        "detect_spikes": (
            detect_spikes,
            polars_spikes,
            lambda: con.sql(DUCK_SPIKES).to_arrow_table(),
        ),
    }
    results: dict[str, Any] = {}
    for name, (ours, native_polars, native_duck) in jobs.items():
        for backend, frame in frames.items():

            def run(f: Any = frame, fn: Any = ours) -> Any:  # noqa: ANN401 - any frame
                out = fn(f)
                return nw.from_native(out).collect().to_arrow()

            out, seconds, peak = measure(run, repeat=1)

            def on_polars(f: Any = frame, fn: Any = native_polars) -> Any:  # noqa: ANN401 - a frame
                return fn(f)

            native = on_polars if backend == "polars lazy" else native_duck
            base, base_seconds, base_peak = measure(native, repeat=1)
            results[f"{name}/{backend}"] = out
            rows.append(
                [
                    name,
                    backend,
                    f"{len(table):,}",
                    f"{seconds:.2f}",
                    f"{base_seconds:.2f}",
                    f"{seconds / base_seconds:.1f}×",
                    mib(peak),
                    mib(base_peak),
                    f"{out.num_rows:,} / {_rows(base):,}",
                ]
            )
    return rows, results


def _same(a: pa.Table, b: pa.Table, keys: list[str]) -> bool:
    def ordered(t: pa.Table) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = t.sort_by([(k, "ascending") for k in keys]).to_pylist()
        return rows

    return bool(ordered(a) == ordered(b))


def job_agreement(table: pa.Table, results: dict[str, Any], spark_rows: int) -> list[list[str]]:
    keys = {
        "find_repeats": ["ticket_id"],
        "monthly_topics": ["area", "rank"],
        "detect_spikes": ["area", "category", "date"],
    }
    out = [
        [
            name,
            "polars lazy = duckdb",
            "same"
            if _same(results[f"{name}/polars lazy"], results[f"{name}/duckdb"], k)
            else "DIFFERENT",
        ]
        for name, k in keys.items()
    ]
    natives = polars_repeats(_polars(table).lazy())
    ours = _polars(results["find_repeats/polars lazy"]).select("ticket_id", "repeat_size")
    joined = ours.join(natives, on="ticket_id", suffix="_native")
    agree = joined.filter(
        pl.col("repeat_size").eq_missing(pl.col("repeat_size_native"))
    ).height == len(table)
    out.append(["find_repeats", "chain sizes = native query", "same" if agree else "DIFFERENT"])
    if spark_rows:
        out.extend(_spark(table.slice(0, spark_rows), keys))
    return out


def _spark(table: pa.Table, keys: dict[str, list[str]]) -> list[list[str]]:
    from pyspark.sql import SparkSession  # noqa: PLC0415 - only when asked for

    session = (
        SparkSession.builder.master("local[2]")
        .appName("jiesu-analytics-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        frame = session.createDataFrame(table.to_pandas())
        polars_frame = _polars(table)
        calls: dict[str, Callable[[Any], Any]] = {
            "find_repeats": lambda f: find_repeats(f, window_days=30),
            "monthly_topics": lambda f: monthly_topics(f, period=PERIOD, by="area", top=3),
            "detect_spikes": detect_spikes,
        }
        rows = []
        for name, call in calls.items():
            start = time.perf_counter()
            got = nw.from_native(call(frame)).collect().to_arrow()
            seconds = time.perf_counter() - start
            want = nw.from_native(call(polars_frame)).to_arrow()
            same = _same(got.cast(want.schema), want, keys[name])
            rows.append(
                [
                    name,
                    f"pyspark local = polars ({len(table):,} rows, {seconds:.1f} s)",
                    "same" if same else "DIFFERENT",
                ]
            )
        return rows
    finally:
        session.stop()


def _planted(
    seed: int, *, cells: int, days: int, plant: int, lift: float, dispersion: float | None
) -> tuple[pa.Table, set[tuple[str, dt.date]], int]:
    """Counts with a weekday effect (weekends at half), Poisson or negative binomial, plus spikes."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(0.5, 6.0, size=cells)
    weekday = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5])
    start = dt.date(2025, 1, 6)  # a Monday
    lam = level[:, None] * weekday[np.arange(days) % 7][None, :]
    # over-dispersed: a gamma-mixed Poisson (negative binomial), variance = mean + mean² / dispersion
    mean = lam if dispersion is None else rng.gamma(dispersion, lam / dispersion)
    counts = rng.poisson(mean)
    planted: set[tuple[str, dt.date]] = set()
    cell_pick = rng.integers(0, cells, size=plant)
    day_pick = rng.integers(28, days, size=plant)
    for c, d in zip(cell_pick, day_pick, strict=True):
        counts[c, d] += int(
            np.ceil(lift * np.sqrt(lam[c, d]) + 1)
        )  # lift standard deviations above
        planted.add((f"X{c:04d}", start + dt.timedelta(days=int(d))))
    cell_of = np.repeat(np.arange(cells), counts.sum(axis=1))
    day_of = np.concatenate([np.repeat(np.arange(days), row) for row in counts])
    at = np.datetime64(start, "us") - np.timedelta64(8, "h") + day_of.astype("timedelta64[D]")
    names = np.char.add("X", np.char.zfill(cell_of.astype(str), 4))
    table = pa.table(
        {
            "received_at": pa.array(at + np.timedelta64(10, "h")).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "area": pa.array(names),
        }
    )
    return table, planted, cells * (days - 28)


def job_quality(cells: int, days: int) -> list[list[str]]:
    rows = []
    cases: list[tuple[str, float, int, float | None]] = [
        ("Poisson, no spikes", 0.0, 0, None),
        ("Poisson, spikes of +4 sd", 4.0, 400, None),
        ("Poisson, spikes of +6 sd", 6.0, 400, None),
        ("Poisson, spikes of +8 sd", 8.0, 400, None),
        ("over-dispersed (k=10), no spikes", 0.0, 0, 10.0),
        ("over-dispersed (k=10), +8 sd", 8.0, 400, 10.0),
    ]
    for label, lift, plant, dispersion in cases:
        table, planted, cell_days = _planted(
            7,
            cells=cells,
            days=days,
            plant=plant if cells >= 1000 else plant // 10,
            lift=lift,
            dispersion=dispersion,
        )
        flagged = alerts(detect_spikes(_polars(table), by=("area",)))
        found = set(zip(flagged["area"].to_list(), flagged["date"].to_list(), strict=True))
        hits = len(found & planted)
        false = len(found - planted)
        recall = f"{hits / len(planted):.1%}" if planted else "-"
        rows.append(
            [
                label,
                f"{cell_days:,}",
                f"{len(planted):,}",
                recall,
                f"{false / cell_days * 10_000:.1f}",
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run every job and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    parser.add_argument("--rows", type=int, default=None, help="tickets in the city table")
    parser.add_argument(
        "--spark-rows", type=int, default=None, help="rows for the PySpark check (0: skip)"
    )
    args = parser.parse_args(argv)
    n, spark_rows, cells, days = (
        (30_000, 0, 300, 120) if args.quick else (10_000_000, 200_000, 2_000, 210)
    )
    n = args.rows or n
    spark_rows = spark_rows if args.spark_rows is None else args.spark_rows
    start = time.perf_counter()
    table = city(n)
    head = [
        "job",
        "backend",
        "rows",
        "jiesu s",
        "native s",
        "ratio",
        "jiesu MiB",
        "native MiB",
        "rows out",
    ]
    speed, results = job_speed(table)
    print_table(f"Analytics on a year of a large city (period {PERIOD})", head, speed)
    print_table("Agreement", ["job", "check", "result"], job_agreement(table, results, spark_rows))
    head = ["data", "cell-days", "planted", "recall", "false alarms per 10,000 cell-days"]
    print_table(
        "Early warning (detect_spikes, alpha=0.001, min_count=3)", head, job_quality(cells, days)
    )
    print(f"\ntotal {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
