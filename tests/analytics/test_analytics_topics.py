"""每月一题 candidates: counts match a plain reference on every backend and add up to the volume."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import TOPIC_COLUMNS, monthly_topics
from jiesu.errors import ValidationError, ValidationReport

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _month(at: dt.datetime) -> tuple[int, int]:
    local = at.astimezone(SHANGHAI)
    return local.year, local.month


def _shift(month: tuple[int, int], by: int) -> tuple[int, int]:
    k = month[0] * 12 + month[1] - 1 + by
    return k // 12, k % 12 + 1


def _key(row: dict[str, Any], by: str) -> Any:
    return None if by == "district" else row[by]


def reference(
    table: pa.Table, period: tuple[int, int], by: str
) -> dict[tuple[Any, Any], dict[str, Any]]:
    """(by value, category) → the expected row, every category (top=None)."""
    rows = table.to_pylist()
    counts: Counter[tuple[Any, Any, tuple[int, int]]] = Counter()
    areas: dict[tuple[Any, Any], set[Any]] = defaultdict(set)
    callers: dict[tuple[Any, Any], set[Any]] = defaultdict(set)
    for r in rows:
        month = _month(r["received_at"])
        counts[_key(r, by), r["category"], month] += 1
        if month == period:
            areas[_key(r, by), r["category"]].add(r["area"])
            if r["caller_key"] is not None:
                callers[_key(r, by), r["category"]].add(r["caller_key"])
    out = {}
    for (k, c, m), n in counts.items():
        if m != period:
            continue
        years: dict[int, Counter[int]] = defaultdict(Counter)
        for (k2, c2, m2), n2 in counts.items():
            if (k2, c2) == (k, c) and m2[0] < period[0]:
                years[m2[0]][m2[1]] += n2
        peaked = sum(1 for y in years.values() if y[period[1]] == max(y.values()))
        previous = counts[k, c, _shift(period, -1)]
        year_ago = counts[k, c, _shift(period, -12)]
        out[k, c] = {
            "count": n,
            "previous": previous,
            "change": n - previous,
            "year_ago": year_ago,
            "change_year": n - year_ago,
            "areas": len(areas[k, c]),
            "callers": len(callers[k, c]),
            "seasonal": bool(years) and 2 * peaked >= len(years),
        }
    return out


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 150),
    by=st.sampled_from(["area", "unit", "district"]),
    month=st.integers(1, 12),
)
def test_topics_match_the_reference_and_add_up_on_every_backend(
    *, as_backend: Any, to_rows: Any, make_tickets: Any, seed: int, n: int, by: str, month: int
) -> None:
    table = make_tickets(n, seed=seed, days=800, callers=30)
    period = (2025, month)
    expected = reference(table, period, by)
    label = f"{period[0]}-{period[1]:02d}"
    volume = Counter(
        None if by == "district" else r[by]
        for r in table.to_pylist()
        if _month(r["received_at"]) == period
    )
    first = None
    for backend in BACKENDS:
        out = to_rows(monthly_topics(as_backend(table, backend), period=label, by=by, top=None))
        got = {
            (r.get(by), r["category"]): {
                c: r[c] for c in expected.get((r.get(by), r["category"]), {})
            }
            for r in out
        }
        assert got == expected, backend
        assert all(r["period"] == label for r in out)
        totals: Counter[Any] = Counter()
        shares: defaultdict[Any, float] = defaultdict(float)
        for r in out:
            totals[r.get(by)] += r["count"]
            shares[r.get(by)] += r["share"]
        assert totals == volume
        assert all(abs(s - 1) < 1e-9 for s in shares.values())
        if first is None:
            first = out
        assert out == first, backend  # identical rows, in the same order


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), top=st.integers(1, 3))
def test_top_keeps_the_ranks_up_to_it(to_rows: Any, make_tickets: Any, seed: int, top: int) -> None:
    table = make_tickets(120, seed=seed, days=200)
    every = to_rows(monthly_topics(table, period="2024-03", top=None))
    kept = to_rows(monthly_topics(table, period="2024-03", top=top))
    assert kept == [r for r in every if r["rank"] <= top]
    for area in {r["area"] for r in every}:
        ranked = [r for r in every if r["area"] == area]
        assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
        assert [r["count"] for r in ranked] == sorted((r["count"] for r in ranked), reverse=True)


def test_months_are_taken_in_the_declared_zone() -> None:
    at = [dt.datetime(2025, 3, 31, 17, tzinfo=dt.UTC), dt.datetime(2025, 3, 31, 15, tzinfo=dt.UTC)]
    frame = pl.DataFrame({"received_at": at, "area": ["A", "A"], "category": ["噪音", "供暖"]})
    assert monthly_topics(frame, period="2025-04")["category"].to_list() == ["噪音"]
    assert monthly_topics(frame, period="2025-03")["category"].to_list() == ["供暖"]
    utc = monthly_topics(frame, period="2025-03", zone="UTC")["category"].to_list()
    assert sorted(utc) == ["供暖", "噪音"]


def test_a_month_without_tickets_gives_an_empty_table_with_the_columns(
    as_backend: Any, to_rows: Any
) -> None:
    frame = pl.DataFrame(
        {
            "received_at": [dt.datetime(2025, 3, 1, tzinfo=dt.UTC)],
            "area": ["A"],
            "category": ["噪音"],
        }
    )
    for backend in BACKENDS:
        out = monthly_topics(as_backend(frame.to_arrow(), backend), period="2025-05")
        assert to_rows(out) == []
    assert monthly_topics(frame, period="2025-05").columns == ["area", *TOPIC_COLUMNS]
    assert monthly_topics(frame, period="2025-03")["callers"].to_list() == [None]


def test_mapped_column_names_and_the_district_table() -> None:
    frame = pl.DataFrame(
        {
            "受理时间": [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 2, 3)],
            "区域": ["A", "B", "B"],
            "诉求类别": ["噪音", "噪音", "供暖"],
        }
    )
    out = monthly_topics(
        frame,
        period="2025-03",
        by="district",
        columns={"received_at": "受理时间", "area": "区域", "category": "诉求类别"},
    )
    assert out.select("rank", "category", "count", "areas").rows() == [
        (1, "噪音", 2, 2),
        (2, "供暖", 1, 1),
    ]


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
        ({"period": "2025-3"}, "period"),
        ({"period": "2025-13"}, "period"),
        ({"period": "March"}, "period"),
        ({"period": 202503}, "period"),
        ({"by": "street"}, "by"),
        ({"top": 0}, "top"),
        ({"top": True}, "top"),
        ({"zone": "America/New_York"}, "zone"),
        ({"zone": "Mars/Olympus"}, "zone"),
        ({"by": "unit"}, "unit"),
    ],
)
def test_bad_parameters_are_refused_by_name(change: dict[str, Any], field: str) -> None:
    options: dict[str, Any] = {"period": "2025-03", **change}
    with pytest.raises(ValidationError) as caught:
        monthly_topics(_frame(), **options)
    assert caught.value.field == field


def test_every_row_without_a_received_time_is_reported(as_backend: Any) -> None:
    at = [dt.datetime(2025, 3, 1, tzinfo=dt.UTC), None, None]
    table = pa.table(
        {
            "ticket_id": ["T1", "T2", "T3"],
            "received_at": pa.array(at, pa.timestamp("us", tz="UTC")),
            "area": ["A"] * 3,
            "category": ["噪音"] * 3,
        }
    )
    for backend in BACKENDS:
        with pytest.raises(ValidationReport) as caught:
            monthly_topics(as_backend(table, backend), period="2025-03")
        assert sorted(p.row for p in caught.value.problems) == ["T2", "T3"], backend
    anonymous = table.drop_columns("ticket_id")
    with pytest.raises(ValidationReport) as caught:
        monthly_topics(anonymous, period="2025-03")
    assert [p.row for p in caught.value.problems] == [1, 2]
    with pytest.raises(ValidationReport) as caught:
        monthly_topics(as_backend(anonymous, "duckdb"), period="2025-03")
    assert len(caught.value.problems) == 2
    assert "ticket_id" in str(caught.value.problems[0].row)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_gives_the_same_topics(spark: Any, to_rows: Any, make_tickets: Any) -> None:
    table = make_tickets(200, seed=9, days=500)
    out = monthly_topics(spark.createDataFrame(table.to_pandas()), period="2025-02", top=None)
    assert type(out).__module__.startswith("pyspark")
    assert to_rows(out) == to_rows(monthly_topics(table, period="2025-02", top=None))


def test_an_export_without_areas_is_told_where_to_get_them() -> None:
    frame = _frame().drop("area")
    with pytest.raises(ValidationError, match=r"MonthResult\.tickets") as caught:
        monthly_topics(frame, period="2025-03")
    assert (caught.value.field, caught.value.value) == ("area", "area")
    assert monthly_topics(frame, period="2025-03", by="district")["count"].to_list() == [1]
