"""Early warning (未诉先办): the stated model, computed by hand, on every backend; planted spikes are found."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import SPIKE_COLUMNS, alerts, detect_spikes, poisson_tail
from jiesu.errors import ValidationError

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
EPOCH = dt.date(1970, 1, 1)


def _upper(k: int, lam: float) -> float:
    """P(X ≥ k), X ~ Poisson(lam), as a sum of the upper terms in logs."""
    if k <= 0:
        return 1.0
    terms = [i * math.log(lam) - lam - math.lgamma(i + 1) for i in range(k, k + 2000)]
    top = max(terms)
    return math.exp(top) * math.fsum(math.exp(t - top) for t in terms)


@given(
    k=st.integers(0, 400),
    lam=st.floats(0.01, 150, allow_nan=False),
)
def test_poisson_tail_equals_the_sum_of_the_upper_terms(k: int, lam: float) -> None:
    got = float(poisson_tail([k], [lam])[0])
    if k <= lam:
        assert got == 1.0
    else:
        want = _upper(k, lam)
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-300), (got, want)


def test_poisson_tail_is_vectorised_and_monotone() -> None:
    counts = np.arange(0, 60)
    p = poisson_tail(counts, np.full(60, 5.0))
    assert p.shape == (60,)
    assert np.all(np.diff(p) <= 0)
    assert poisson_tail([], []).shape == (0,)
    assert poisson_tail([3, 3], [10.0, 20.0]).tolist() == [1.0, 1.0]


def _cells(row: dict[str, Any], by: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row[c] for c in by)


def reference(
    table: pa.Table, by: tuple[str, ...], window: int
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(cells..., date) → the expected row by the documented model, day by day."""
    counts: dict[tuple[Any, ...], Counter[int]] = defaultdict(Counter)
    total: Counter[int] = Counter()
    for ticket in table.to_pylist():
        day = (ticket["received_at"].astimezone(SHANGHAI).date() - EPOCH).days
        counts[_cells(ticket, by)][day] += 1
        total[day] += 1
    first = min(total) if total else 0
    out = {}
    for cell, days in counts.items():
        for day, n in days.items():
            date = EPOCH + dt.timedelta(days=day)
            row: dict[str, Any] = {"count": n, "alert": False}
            if day - first < window:
                row |= {"baseline": None, "expected": None, "p_value": None}
            else:
                span = range(day - window, day)
                baseline = sum(days[d] for d in span)
                same = [d for d in span if (d - day) % 7 == 0]
                in_window = sum(total[d] for d in span)
                share = (sum(total[d] for d in same) + 1) / (in_window + 7) / len(same)
                expected = (baseline + 0.5) * share
                p = 1.0 if n <= expected else _upper(n, expected)
                row |= {"baseline": baseline, "expected": expected, "p_value": p}
                row["alert"] = p < 0.001 and n >= 3
            out[(*cell, date)] = row
    return out


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or isinstance(a, bool):
        return bool(a == b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)


def _random_tickets(seed: int, n: int, days: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    minutes = rng.integers(0, days * 1440, size=n)
    burst = rng.random(n) < 0.2  # a fifth of the tickets on a few days, so some days spike
    minutes[burst] = rng.choice([10, 20, 30], size=int(burst.sum())) * 1440 + rng.integers(
        0, 600, size=int(burst.sum())
    )
    minutes = np.minimum(minutes, days * 1440 - 1)
    return pa.table(
        {
            "received_at": pa.array(
                [start + dt.timedelta(minutes=int(m)) for m in minutes],
                pa.timestamp("us", tz="UTC"),
            ),
            "area": [["A", "B"][i] for i in rng.integers(0, 2, size=n)],
            "category": [["噪音", "供暖", None][i] for i in rng.integers(0, 3, size=n)],
        }
    )


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 400),
    by=st.sampled_from([("area", "category"), ("area",), ()]),
    window=st.sampled_from([7, 10, 14]),
)
def test_spikes_follow_the_stated_model_on_every_backend(
    *, as_backend: Any, to_rows: Any, seed: int, n: int, by: tuple[str, ...], window: int
) -> None:
    table = _random_tickets(seed, n, days=35)
    expected = reference(table, by, window)
    first = None
    for backend in BACKENDS:
        out = to_rows(detect_spikes(as_backend(table, backend), by=by, baseline_days=window))
        assert list(out[0]) if out else True
        assert len(out) == len(expected), backend
        for row in out:
            want = expected[(*(row[c] for c in by), row["date"])]
            assert all(_close(row[c], want[c]) for c in want), (backend, row, want)
            assert (row["score"] is None) == (row["p_value"] is None)
        if first is None:
            first = out
        assert out == first, backend  # identical rows in the same order


def _flat_and_planted(
    seed: int, *, cells: int, days: int, plant: int
) -> tuple[pa.Table, set[tuple[str, dt.date]]]:
    """Poisson tickets with a weekday effect (weekends at half), plus ``plant`` spikes after day 28."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(0.5, 4.0, size=cells)
    weekday = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5])
    start = dt.date(2025, 1, 6)  # a Monday
    dates = [start + dt.timedelta(days=d) for d in range(days)]
    lam = level[:, None] * weekday[[d.weekday() for d in dates]][None, :]
    counts = rng.poisson(lam)
    planted: set[tuple[str, dt.date]] = set()
    for c, d in zip(
        rng.integers(0, cells, size=plant), rng.integers(28, days, size=plant), strict=True
    ):
        counts[c, d] += int(max(6, 5 * lam[c, d] + 6))
        planted.add((f"X{c:03d}", dates[d]))
    cell_of = np.repeat(np.arange(cells), counts.sum(axis=1))
    day_of = np.concatenate([np.repeat(np.arange(days), row) for row in counts])
    base = np.datetime64(start, "us") - np.timedelta64(8, "h")  # local midnight in UTC
    at = base + day_of.astype("timedelta64[D]") + np.timedelta64(9, "h")
    table = pa.table(
        {
            "received_at": pa.array(at.astype("datetime64[us]"), pa.timestamp("us")).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "area": pa.array(np.char.add("X", np.char.zfill(cell_of.astype(str), 3))),
        }
    )
    return table, planted


def test_planted_spikes_are_found_and_flat_data_raises_few_alarms(to_rows: Any) -> None:
    table, planted = _flat_and_planted(1, cells=200, days=120, plant=60)
    found = {(r["area"], r["date"]) for r in to_rows(alerts(detect_spikes(table, by=("area",))))}
    recall = len(found & planted) / len(planted)
    assert recall >= 0.9, recall
    false = found - planted
    cell_days = 200 * (120 - 28)
    assert len(false) / cell_days <= 0.003, len(false)
    flat, _ = _flat_and_planted(2, cells=200, days=120, plant=0)
    alarms = to_rows(alerts(detect_spikes(flat, by=("area",))))
    assert len(alarms) / cell_days <= 0.003, len(alarms)


def test_alerts_are_sorted_by_score_and_need_the_minimum_count() -> None:
    days = [dt.datetime(2025, 3, 1, 2, tzinfo=dt.UTC) + dt.timedelta(days=i) for i in range(30)]
    quiet = [
        days[-1]
    ] * 2  # a silent cell with two tickets on the last day: p is tiny, count below 3
    frame = pl.DataFrame(
        {
            "received_at": days + [days[-1]] * 9 + quiet,
            "area": ["A"] * 39 + ["B"] * 2,
            "category": ["噪音"] * 41,
        }
    )
    out = detect_spikes(frame)
    b = out.filter(pl.col("area") == "B").row(0, named=True)
    assert b["p_value"] < 0.001
    assert not b["alert"]
    assert detect_spikes(frame, min_count=2).filter(pl.col("alert"))["area"].to_list() == ["A", "B"]
    ranked = alerts(detect_spikes(frame, min_count=2))
    assert ranked["score"].to_list() == sorted(ranked["score"].to_list(), reverse=True)
    assert out.columns == ["area", "category", *SPIKE_COLUMNS]


def test_weeks_count_monday_weeks_against_the_weeks_before() -> None:
    start = dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC)  # a Monday
    at = [start + dt.timedelta(days=i) for i in range(0, 56, 7)]  # one a week for eight weeks
    at += [start + dt.timedelta(days=52)] * 12  # then twelve more in the eighth week (a Saturday)
    frame = pl.DataFrame({"received_at": at, "area": ["A"] * len(at)})
    out = detect_spikes(frame, by=("area",), freq="week", baseline_days=28)
    assert out["date"].to_list() == [dt.date(2025, 3, 3) + dt.timedelta(weeks=w) for w in range(8)]
    assert all(d.weekday() == 0 for d in out["date"].to_list())
    last = out.row(-1, named=True)
    assert (last["count"], last["baseline"], last["alert"]) == (13, 4, True)
    assert math.isclose(last["expected"], 4.5 / 4)
    assert out["baseline"].null_count() == 4  # the first four weeks have no full window


def test_an_empty_table_gives_the_columns(as_backend: Any, to_rows: Any) -> None:
    table = pa.table(
        {
            "received_at": pa.array([], pa.timestamp("us", tz="UTC")),
            "area": pa.array([], pa.string()),
        }
    )
    for backend in BACKENDS:
        assert to_rows(detect_spikes(as_backend(table, backend), by=("area",))) == []
    assert detect_spikes(table, by=("area",)).column_names == ["area", *SPIKE_COLUMNS]


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "received_at": [dt.datetime(2025, 3, 1, tzinfo=dt.UTC)],
            "area": ["A"],
            "category": ["噪音"],
        }
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"by": ("street",)}, "by"),
        ({"by": ("area", "area")}, "by"),
        ({"freq": "month"}, "freq"),
        ({"baseline_days": 6}, "baseline_days"),
        ({"baseline_days": 13, "freq": "week"}, "baseline_days"),
        ({"baseline_days": True}, "baseline_days"),
        ({"baseline_days": 28.0}, "baseline_days"),
        ({"alpha": 0}, "alpha"),
        ({"alpha": 1.5}, "alpha"),
        ({"min_count": 0}, "min_count"),
        ({"zone": "Europe/Paris"}, "zone"),
        ({"by": ("unit",)}, "unit"),
    ],
)
def test_bad_parameters_are_refused_by_name(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        detect_spikes(_frame(), **change)
    assert caught.value.field == field


def test_alerts_refuse_a_frame_that_is_not_a_spike_table() -> None:
    with pytest.raises(ValidationError, match="not a detect_spikes result"):
        alerts(_frame())


@pytest.mark.slow
@pytest.mark.spark
def test_spark_gives_the_same_spikes(spark: Any, to_rows: Any) -> None:
    table = _random_tickets(4, 300, days=40)
    out = detect_spikes(spark.createDataFrame(table.to_pandas()), baseline_days=14)
    assert type(out).__module__.startswith("pyspark")
    assert to_rows(out) == to_rows(detect_spikes(table, baseline_days=14))
