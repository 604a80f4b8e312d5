"""Repeats (屡办不成): chains match a plain reference on every backend, are maximal and order-free."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import REPEAT_COLUMNS, find_repeats, repeat_summary
from jiesu.errors import ValidationError

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
EARTH = 6_371_008.8


def _distance(a: dict[str, Any], b: dict[str, Any]) -> float:
    rad = math.pi / 180
    dlat = (a["lat"] - b["lat"]) * rad
    dlon = (a["lon"] - b["lon"]) * rad * math.cos((a["lat"] + b["lat"]) * rad / 2)
    return math.hypot(dlat, dlon) * EARTH


def reference(
    table: pa.Table, window_days: float, radius_m: float | None
) -> dict[str, tuple[Any, ...]]:
    """Ticket id → (group, index, size), by sorting each caller × category by hand."""
    window = dt.timedelta(days=window_days)
    keyed: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    out: dict[str, tuple[Any, ...]] = {}
    for row in table.to_pylist():
        out[row["ticket_id"]] = (None, None, None)
        if None not in (row["caller_key"], row["category"], row["received_at"], row["ticket_id"]):
            keyed[row["caller_key"], row["category"]].append(row)
    for group in keyed.values():
        group.sort(key=lambda r: (r["received_at"], r["ticket_id"]))
        chains: list[list[dict[str, Any]]] = []
        for row in group:
            prev = chains[-1][-1] if chains else None
            joins = prev is not None and row["received_at"] - prev["received_at"] <= window
            if joins and radius_m is not None:
                assert prev is not None
                ok = all(not math.isnan(r[c]) for r in (row, prev) for c in ("lon", "lat"))
                joins = ok and _distance(row, prev) <= radius_m
            if joins:
                chains[-1].append(row)
            else:
                chains.append([row])
        for chain in chains:
            if len(chain) > 1:
                for i, row in enumerate(chain, start=1):
                    out[row["ticket_id"]] = (chain[0]["ticket_id"], i, len(chain))
    return out


def _found(frame: Any, to_rows: Any) -> dict[str, tuple[Any, ...]]:
    return {r["ticket_id"]: tuple(r[c] for c in REPEAT_COLUMNS) for r in to_rows(frame)}


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 60),
    window=st.sampled_from([0.5, 3.0, 10.0, 30.0]),
    radius=st.sampled_from([None, 300.0, 800.0]),
)
def test_chains_match_the_reference_on_every_backend(
    *,
    as_backend: Any,
    to_rows: Any,
    make_tickets: Any,
    seed: int,
    n: int,
    window: float,
    radius: float | None,
) -> None:
    table = make_tickets(n, seed=seed, days=40, callers=4)
    expected = reference(table, window, radius)
    for backend in BACKENDS:
        out = find_repeats(as_backend(table, backend), window_days=window, radius_m=radius)
        assert _found(out, to_rows) == expected, backend
        assert len(to_rows(out)) == n  # no row dropped


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), n=st.integers(2, 80), shuffle=st.randoms(use_true_random=False))
def test_chains_do_not_depend_on_row_order(
    *, as_backend: Any, to_rows: Any, make_tickets: Any, seed: int, n: int, shuffle: Any
) -> None:
    table = make_tickets(n, seed=seed, days=30, callers=3)
    order = list(range(n))
    shuffle.shuffle(order)
    shuffled = table.take(pa.array(order))
    for backend in ("pyarrow", "polars"):
        first = _found(find_repeats(as_backend(table, backend), window_days=5), to_rows)
        assert _found(find_repeats(as_backend(shuffled, backend), window_days=5), to_rows) == first


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), window=st.sampled_from([1.0, 4.0, 12.0]))
def test_chains_are_maximal(to_rows: Any, make_tickets: Any, seed: int, window: float) -> None:
    """Within a chain every gap is at most the window; between neighbouring chains it is more."""
    table = make_tickets(50, seed=seed, days=40, callers=3)
    out = to_rows(find_repeats(table, window_days=window))
    keyed: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in out:
        if row["caller_key"] is not None and row["category"] is not None:
            keyed[row["caller_key"], row["category"]].append(row)
    limit = dt.timedelta(days=window)
    for group in keyed.values():
        group.sort(key=lambda r: (r["received_at"], r["ticket_id"]))
        for before, after in itertools.pairwise(group):
            linked = (
                before["repeat_group"] is not None
                and before["repeat_group"] == after["repeat_group"]
            )
            assert linked == (after["received_at"] - before["received_at"] <= limit)
            if linked:
                assert after["repeat_index"] == before["repeat_index"] + 1


def test_the_arrow_path_keeps_row_order_and_pandas_gets_nullable_columns(make_tickets: Any) -> None:
    table = make_tickets(40, seed=3)
    out = find_repeats(table)
    assert out.column("ticket_id").to_pylist() == table.column("ticket_id").to_pylist()
    frame = find_repeats(table.to_pandas())
    assert [str(frame[c].dtype) for c in REPEAT_COLUMNS] == ["string", "Int64", "Int64"]
    assert frame["repeat_index"].isna().any()
    assert not any(isinstance(v, float) for v in frame["repeat_group"].tolist())


def test_a_missing_coordinate_breaks_the_chain_on_every_backend(
    as_backend: Any, to_rows: Any
) -> None:
    at = [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 2, 3, 4)]
    table = pa.table(
        {
            "ticket_id": ["T1", "T2", "T3", "T4"],
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "caller_key": ["k"] * 4,
            "category": ["噪音"] * 4,
            "lon": [116.4, 116.4, float("nan"), 116.4],
            "lat": [39.9, 39.9, 39.9, 39.9],
        }
    )
    for backend in BACKENDS:
        out = _found(find_repeats(as_backend(table, backend), radius_m=100), to_rows)
        assert out == {
            "T1": ("T1", 1, 2),
            "T2": ("T1", 2, 2),
            "T3": (None, None, None),
            "T4": (None, None, None),
        }, backend


def test_null_coordinates_break_the_chain_too(to_rows: Any) -> None:
    at = [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 2, 3)]
    frame = pl.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3"],
            "received_at": at,
            "caller_key": ["k"] * 3,
            "category": ["噪音"] * 3,
            "lon": [116.4, None, 116.4],
            "lat": [39.9, 39.9, 39.9],
        }
    )
    assert all(r["repeat_group"] is None for r in to_rows(find_repeats(frame, radius_m=100)))
    assert all(
        r["repeat_group"] is None for r in to_rows(find_repeats(frame.to_arrow(), radius_m=100))
    )


def _frame() -> pl.DataFrame:
    at = [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 2)]
    return pl.DataFrame(
        {
            "ticket_id": ["T1", "T2"],
            "received_at": at,
            "caller_key": ["k"] * 2,
            "category": ["噪音"] * 2,
        }
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"window_days": -1}, "window_days"),
        ({"window_days": float("nan")}, "window_days"),
        ({"radius_m": 0}, "radius_m"),
        ({"columns": {"phone": "x"}}, "columns"),
        ({"columns": {"caller_key": "来电人"}}, "caller_key"),
        ({"radius_m": 50}, "lon"),
    ],
)
def test_bad_parameters_are_refused_by_name(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        find_repeats(_frame(), **change)
    assert caught.value.field == field


def test_naive_times_mixed_systems_and_non_frames_are_refused() -> None:
    naive = _frame().with_columns(pl.col("received_at").dt.replace_time_zone(None))
    with pytest.raises(ValidationError, match="naive") as caught:
        find_repeats(naive)
    assert caught.value.field == "received_at"
    texts = _frame().with_columns(pl.col("received_at").cast(pl.String))
    with pytest.raises(ValidationError, match="datetime"):
        find_repeats(texts)
    mixed = _frame().with_columns(
        lon=pl.lit(116.4), lat=pl.lit(39.9), crs=pl.Series(["WGS84", "GCJ02"])
    )
    with pytest.raises(ValidationError, match="more than one system") as caught:
        find_repeats(mixed, radius_m=100)
    assert caught.value.value == "GCJ02, WGS84"
    one = mixed.with_columns(crs=pl.lit("GCJ02"))
    assert find_repeats(one, radius_m=100)["repeat_size"].to_list() == [2, 2]
    with pytest.raises(ValidationError, match="expected a dataframe"):
        find_repeats([1, 2])


def _summary_reference(
    table: pa.Table, found: dict[str, tuple[Any, ...]], by: str
) -> dict[Any, tuple[int, ...]]:
    last = {
        r["ticket_id"]: r
        for r in table.to_pylist()
        if found[r["ticket_id"]][0] is not None
        and found[r["ticket_id"]][1] == found[r["ticket_id"]][2]
    }
    out: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for tid, row in last.items():
        size = found[tid][2]
        cell = out[row[by]]
        cell[0] += 1
        cell[1] += size
        cell[2] = max(cell[2], size)
        cell[3] += row["closed_at"] is None
        cell[4] += row["satisfaction"] == "不满意"
    return {k: tuple(v) for k, v in out.items()}


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), by=st.sampled_from(["unit", "area", "category", "caller_key"]))
def test_summary_counts_each_chain_once_under_its_last_ticket(
    as_backend: Any, to_rows: Any, make_tickets: Any, seed: int, by: str
) -> None:
    table = make_tickets(60, seed=seed, days=30, callers=4)
    expected = _summary_reference(table, reference(table, 30, None), by)
    for backend in BACKENDS:
        summary = to_rows(repeat_summary(find_repeats(as_backend(table, backend)), by=by))
        got = {
            r[by]: (r["chains"], r["tickets"], r["longest"], r["open"], r["unsatisfied"])
            for r in summary
        }
        assert got == expected, backend
        chains = [r["chains"] for r in summary]
        assert chains == sorted(chains, reverse=True)


def test_summary_without_optional_columns_and_its_errors() -> None:
    frame = _frame().with_columns(unit=pl.lit("S01"))
    out = repeat_summary(find_repeats(frame))
    assert out.columns == ["unit", "chains", "tickets", "longest"]
    assert out.rows() == [("S01", 1, 2, 2)]
    with pytest.raises(ValidationError) as caught:
        repeat_summary(frame)
    assert caught.value.field == "repeats"
    with pytest.raises(ValidationError) as caught:
        repeat_summary(find_repeats(frame), by="street")
    assert caught.value.field == "by"
    with pytest.raises(ValidationError) as caught:
        repeat_summary(find_repeats(frame), by="area")
    assert caught.value.field == "area"


def test_pandas_and_numpy_inputs_agree_with_polars(to_rows: Any, make_tickets: Any) -> None:
    table = make_tickets(80, seed=11)
    polars_rows = _found(find_repeats(pl.from_arrow(table), radius_m=500), to_rows)
    frame = table.to_pandas()
    frame["lon"] = frame["lon"].astype(np.float64)
    assert _found(find_repeats(pd.DataFrame(frame), radius_m=500), to_rows) == polars_rows


@pytest.mark.slow
@pytest.mark.spark
def test_spark_gives_the_same_chains(spark: Any, to_rows: Any, make_tickets: Any) -> None:
    table = make_tickets(60, seed=5, days=30, callers=4)
    frame = spark.createDataFrame(table.to_pandas())
    out = find_repeats(frame, window_days=10, radius_m=800)
    assert type(out).__module__.startswith("pyspark")
    assert _found(out, to_rows) == reference(table, 10, 800)
    summary = to_rows(repeat_summary(out, by="unit"))
    assert summary == to_rows(
        repeat_summary(find_repeats(table, window_days=10, radius_m=800), by="unit")
    )
