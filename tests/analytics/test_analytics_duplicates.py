"""Duplicates by place (重复件): suggestions match a plain greedy pass on every backend, in any row order."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import DUPLICATE_COLUMNS, find_duplicates
from jiesu.errors import ValidationError
from jiesu.routing import convert_many

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
EARTH = 6_371_008.8


def _distance(a: dict[str, Any], b: dict[str, Any]) -> float:
    rad = math.pi / 180
    dlat = (a["lat"] - b["lat"]) * rad
    dlon = (a["lon"] - b["lon"]) * rad * math.cos((a["lat"] + b["lat"]) * rad / 2)
    return math.hypot(dlat, dlon) * EARTH


def reference(table: pa.Table, radius_m: float, window_days: float) -> dict[str, tuple[Any, ...]]:
    """Ticket id → (original, distance, count), by one pass in time order over every pair."""
    window = dt.timedelta(days=window_days)
    rows = [
        r
        for r in table.to_pylist()
        if None not in (r["ticket_id"], r["category"], r["received_at"], r["lon"], r["lat"])
        and not (math.isnan(r["lon"]) or math.isnan(r["lat"]))
    ]
    rows.sort(key=lambda r: (r["received_at"], r["ticket_id"]))
    originals: list[dict[str, Any]] = []
    out: dict[str, tuple[Any, ...]] = {
        r["ticket_id"]: (None, None, None) for r in table.to_pylist()
    }
    counts: dict[str, int] = {}
    for row in rows:
        near = [
            o
            for o in originals
            if o["category"] == row["category"]
            and row["received_at"] - o["received_at"] <= window
            and _distance(o, row) <= radius_m
        ]
        if near:
            first = near[0]
            out[row["ticket_id"]] = (first["ticket_id"], _distance(first, row), None)
            counts[first["ticket_id"]] = counts.get(first["ticket_id"], 0) + 1
        else:
            originals.append(row)
    for tid, n in counts.items():
        out[tid] = (None, None, n)
    return out


def _found(frame: Any, to_rows: Any) -> dict[str, tuple[Any, ...]]:
    return {r["ticket_id"]: tuple(r[c] for c in DUPLICATE_COLUMNS) for r in to_rows(frame)}


def _same(got: dict[str, tuple[Any, ...]], want: dict[str, tuple[Any, ...]]) -> None:
    assert got.keys() == want.keys()
    for tid, (of, dist, count) in want.items():
        g_of, g_dist, g_count = got[tid]
        assert (g_of, g_count) == (of, count), tid
        assert (g_dist is None) == (dist is None), tid
        if dist is not None:
            assert g_dist == pytest.approx(dist, abs=1e-6)


def _points(n: int, seed: int, spread: float) -> pa.Table:
    """Tickets on a few streets: points close enough that neighbourhoods overlap and chain."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    at = [start + dt.timedelta(hours=int(h)) for h in rng.integers(0, 24 * 20, size=n)]
    lon = 116.4 + rng.random(n) * spread
    lon[rng.random(n) < 0.05] = np.nan
    return pa.table(
        {
            "ticket_id": pa.array([f"T{i:04d}" for i in range(n)], pa.string()),
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "category": pa.array(
                [
                    None if rng.random() < 0.03 else ["占道", "噪音"][i]
                    for i in rng.integers(0, 2, size=n)
                ],
                pa.string(),
            ),
            "lon": pa.array(lon, pa.float64()),
            "lat": pa.array(39.9 + rng.random(n) * spread, pa.float64()),
        }
    )


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 70),
    radius=st.sampled_from([50.0, 150.0, 400.0]),
    window=st.sampled_from([0.0, 1.0, 3.0, 30.0]),
)
def test_suggestions_match_the_reference_on_every_backend(
    *, as_backend: Any, to_rows: Any, seed: int, n: int, radius: float, window: float
) -> None:
    table = _points(n, seed, spread=0.01)
    want = reference(table, radius, window)
    for backend in BACKENDS:
        out = find_duplicates(as_backend(table, backend), radius_m=radius, window_days=window)
        _same(_found(out, to_rows), want)
        assert len(to_rows(out)) == n  # no row dropped


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), shuffle=st.randoms(use_true_random=False))
def test_suggestions_do_not_depend_on_row_order(to_rows: Any, seed: int, shuffle: Any) -> None:
    table = _points(60, seed, spread=0.005)
    order = list(range(60))
    shuffle.shuffle(order)
    first = _found(find_duplicates(table, radius_m=200, window_days=5), to_rows)
    again = _found(
        find_duplicates(table.take(pa.array(order)), radius_m=200, window_days=5), to_rows
    )
    assert len(again) == len(first) == 60
    _same(again, first)


@given(seed=st.integers(0, 10_000))
def test_every_duplicate_is_near_its_original_which_is_no_duplicate(
    to_rows: Any, seed: int
) -> None:
    table = _points(80, seed, spread=0.004)
    rows = {r["ticket_id"]: r for r in to_rows(find_duplicates(table, radius_m=120, window_days=4))}
    suggested = 0
    for row in rows.values():
        if row["duplicate_of"] is None:
            continue
        suggested += 1
        original = rows[row["duplicate_of"]]
        assert original["duplicate_of"] is None
        assert original["category"] == row["category"]
        assert (
            dt.timedelta(0) <= row["received_at"] - original["received_at"] <= dt.timedelta(days=4)
        )
        assert _distance(original, row) <= 120
    assert sum(r["duplicate_count"] or 0 for r in rows.values()) == suggested


def test_a_long_street_settles_in_time_order() -> None:
    """Points 80 m apart along a street, a day apart: every second one is an original."""
    n = 30
    at = [dt.datetime(2025, 3, 1, tzinfo=dt.UTC) + dt.timedelta(days=i) for i in range(n)]
    step = 80 / (6_371_008.8 * math.pi / 180)
    frame = pl.DataFrame(
        {
            "ticket_id": [f"T{i:02d}" for i in range(n)],
            "received_at": at,
            "category": ["占道"] * n,
            "lat": [39.9 + i * step for i in range(n)],
            "lon": [116.4] * n,
        }
    )
    out = find_duplicates(frame, radius_m=100, window_days=2)
    assert out["duplicate_of"].to_list() == [
        None if i % 2 == 0 else f"T{i - 1:02d}" for i in range(n)
    ]
    assert out["duplicate_count"].to_list() == [1 if i % 2 == 0 else None for i in range(n)]


def test_a_ticket_waits_for_an_earlier_neighbour_still_unsettled() -> None:
    """X is near P (an original from the start) and Q (earlier, an original only once R1 is settled)."""
    metre = 1 / (6_371_008.8 * math.pi / 180)
    places = {"R0": 0, "R1": 90, "Q": 180, "P": 360, "X": 270}
    frame = pl.DataFrame(
        {
            "ticket_id": list(places),
            "received_at": [
                dt.datetime(2025, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=h) for h in range(5)
            ],
            "category": ["占道"] * 5,
            "lat": [39.9 + m * metre for m in places.values()],
            "lon": [116.4] * 5,
        }
    )
    out = find_duplicates(frame, radius_m=100, window_days=1)
    assert out["duplicate_of"].to_list() == [None, "R0", None, None, "Q"]


def test_rows_of_one_ticket_count_once_and_keep_their_order(to_rows: Any) -> None:
    at = [dt.datetime(2025, 3, 1, h, tzinfo=dt.UTC) for h in (8, 9, 9, 10)]
    table = pa.table(
        {
            "ticket_id": ["T1", "T2", "T2", None],
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "category": ["占道"] * 4,
            "lon": [116.4, 116.4001, None, 116.4],
            "lat": [39.9] * 4,
            "unit": ["S01", "S01", "S02", "S01"],
        }
    )
    rows = to_rows(find_duplicates(table))
    assert [r["unit"] for r in rows] == ["S01", "S01", "S02", "S01"]
    assert [r["duplicate_of"] for r in rows] == [None, "T1", "T1", None]
    assert rows[0]["duplicate_count"] == 1


def test_pandas_gets_nullable_columns_and_integer_ids_join() -> None:
    at = [dt.datetime(2025, 3, 1, h, tzinfo=dt.UTC) for h in (8, 9)]
    frame = pd.DataFrame(
        {
            "ticket_id": [1, 2],
            "received_at": at,
            "category": ["占道"] * 2,
            "lon": [116.4] * 2,
            "lat": [39.9] * 2,
        }
    )
    out = find_duplicates(frame)
    assert [str(out[c].dtype) for c in DUPLICATE_COLUMNS] == ["string", "Float64", "Int64"]
    assert out["duplicate_of"].tolist()[1] == "1"
    assert out["duplicate_of"].isna().tolist() == [True, False]


def test_pyspark_gives_the_same_suggestions(spark: Any, to_rows: Any) -> None:
    table = _points(50, 7, spread=0.004)
    want = _found(find_duplicates(table, radius_m=150, window_days=3), to_rows)
    frame = spark.createDataFrame(table.to_pandas())
    got = _found(find_duplicates(frame, radius_m=150, window_days=3), to_rows)
    assert any(of is not None for of, _, _ in got.values())  # the table has suggestions to compare
    _same(got, want)


def test_an_empty_table_gives_the_columns() -> None:
    table = _points(0, 1, spread=0.01)
    out = find_duplicates(table)
    assert out.num_rows == 0
    assert out.column_names[-3:] == list(DUPLICATE_COLUMNS)


@pytest.mark.parametrize("backend", BACKENDS)
def test_columns_of_nulls_give_no_suggestion(as_backend: Any, to_rows: Any, backend: str) -> None:
    at = [dt.datetime(2025, 3, 1, h, tzinfo=dt.UTC) for h in (8, 9)]
    table = pa.table(
        {
            "ticket_id": [None, None],
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "category": [None, None],
            "lon": [None, None],
            "lat": [None, None],
        }
    )
    rows = to_rows(find_duplicates(as_backend(table, backend)))
    assert [tuple(r[c] for c in DUPLICATE_COLUMNS) for r in rows] == [(None, None, None)] * 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"radius_m": 0}, "radius_m"),
        ({"radius_m": float("inf")}, "radius_m"),
        ({"radius_m": float("nan")}, "radius_m"),
        ({"window_days": -1}, "window_days"),
        ({"window_days": float("inf")}, "window_days"),
        ({"columns": {"place": "x"}}, "columns"),
    ],
)
def test_bad_parameters_are_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        find_duplicates(_points(3, 1, spread=0.01), **change)
    assert caught.value.field == field


def test_mixed_systems_are_compared_in_wgs84(to_rows: Any) -> None:
    """The same spot written in WGS-84, GCJ-02 and BD-09 is one place; a blank system is WGS-84."""
    lon, lat = 116.4, 39.9
    (g_lon,), (g_lat,) = convert_many([lon], [lat], source="WGS84", target="GCJ02")
    (b_lon,), (b_lat,) = convert_many([lon], [lat], source="WGS84", target="BD09")
    at = [dt.datetime(2025, 3, 1, h, tzinfo=dt.UTC) for h in (8, 9, 10, 11)]
    table = pa.table(
        {
            "ticket_id": ["T1", "T2", "T3", "T4"],
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "category": ["占道"] * 4,
            "lon": [lon, float(g_lon), float(b_lon), lon],
            "lat": [lat, float(g_lat), float(b_lat), lat],
            "crs": ["WGS84", "GCJ02", "BD09", None],
        }
    )
    rows = to_rows(find_duplicates(table, radius_m=5))
    assert [r["duplicate_of"] for r in rows] == [None, "T1", "T1", "T1"]
    assert all(r["duplicate_distance_m"] < 0.01 for r in rows[1:])
    # read as WGS-84, the GCJ-02 point is hundreds of metres away
    plain = to_rows(find_duplicates(table.drop_columns(["crs"]), radius_m=5))
    assert [r["duplicate_of"] for r in plain] == [None, None, None, "T1"]


def test_unknown_systems_and_missing_columns_are_refused() -> None:
    table = _points(3, 1, spread=0.01)
    with pytest.raises(ValidationError, match="crs|CRS|coordinate"):
        find_duplicates(table.append_column("crs", pa.array(["WGS84", "MARS", None])))
    with pytest.raises(ValidationError, match="no lat column"):
        find_duplicates(table.drop_columns(["lat"]))
