"""An export has a row per (ticket, unit) and repeated rows: every analytic counts a ticket once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import (
    REPEAT_COLUMNS,
    detect_spikes,
    find_repeats,
    monthly_topics,
    repeat_summary,
)
from jiesu.errors import ValidationReport

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")


def _with_copies(table: pa.Table, copies: list[int]) -> pa.Table:
    """Each ticket repeated ``copies[i]`` more times: a co-handler's row, blank where exports leave it."""
    blank = {"caller_key": None, "area": None, "lon": None, "lat": None, "satisfaction": None}
    rows = []
    for i, row in enumerate(table.to_pylist()):
        rows.append(row)
        rows.extend({**row, **blank, "unit": "X99"} for _ in range(copies[i % len(copies)]))
    return pa.Table.from_pylist(rows, schema=table.schema)


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), copies=st.lists(st.integers(0, 2), min_size=1, max_size=5))
def test_copies_of_a_ticket_change_nothing(
    *, as_backend: Any, to_rows: Any, make_tickets: Any, seed: int, copies: list[int]
) -> None:
    table = make_tickets(50, seed=seed, days=40, callers=3)
    copied = _with_copies(table, copies)
    chains = {
        r["ticket_id"]: tuple(r[c] for c in REPEAT_COLUMNS) for r in to_rows(find_repeats(table))
    }
    near = {r["ticket_id"]: r["repeat_size"] for r in to_rows(find_repeats(table, radius_m=500))}
    topics = to_rows(monthly_topics(table, period="2024-01", by="area", top=None))
    spikes = to_rows(detect_spikes(table, by=("area",), baseline_days=7))
    for backend in BACKENDS:
        frame = as_backend(copied, backend)
        out = to_rows(find_repeats(frame))
        assert len(out) == copied.num_rows, backend  # every row is kept
        assert all(tuple(r[c] for c in REPEAT_COLUMNS) == chains[r["ticket_id"]] for r in out), (
            backend
        )
        placed = to_rows(find_repeats(frame, radius_m=500))
        assert all(r["repeat_size"] == near[r["ticket_id"]] for r in placed), backend
        assert to_rows(monthly_topics(frame, period="2024-01", by="area", top=None)) == topics, (
            backend
        )
        assert to_rows(detect_spikes(frame, by=("area",), baseline_days=7)) == spikes, backend
    summary = {r["unit"]: r for r in to_rows(repeat_summary(find_repeats(table)))}
    for backend in BACKENDS:
        copied_summary = to_rows(repeat_summary(find_repeats(as_backend(copied, backend))))
        assert {r["unit"]: r for r in copied_summary if r["unit"] != "X99"} == summary, backend
    in_order = find_repeats(copied.to_pandas())
    assert in_order["ticket_id"].tolist() == copied.column("ticket_id").to_pylist()


def test_by_unit_a_ticket_counts_once_for_each_unit_that_handles_it(make_tickets: Any) -> None:
    table = make_tickets(30, seed=2, days=20)
    copied = _with_copies(table, [1])
    out = monthly_topics(copied, period="2024-01", by="unit", top=None)
    x99 = out.filter(pa.compute.equal(out.column("unit"), "X99"))
    assert sum(x99.column("count").to_pylist()) == 30


def test_rows_of_one_ticket_that_disagree_are_refused(as_backend: Any) -> None:
    at = pa.array(
        [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (1, 2, 3, 4)], pa.timestamp("us", tz="UTC")
    )
    table = pa.table(
        {
            "ticket_id": ["T1", "T1", "T2", "T2"],
            "received_at": at,
            "caller_key": ["k", "k", "k", "k"],
            "category": ["噪音", "噪音", "噪音", "噪音"],
        }
    )
    for backend in BACKENDS:
        with pytest.raises(ValidationReport) as caught:
            find_repeats(as_backend(table, backend))
        assert [p.row for p in caught.value.problems] == ["T1", "T2"], backend


def test_rows_without_an_id_each_count(as_backend: Any, to_rows: Any) -> None:
    at = pa.array([dt.datetime(2025, 3, 1, tzinfo=dt.UTC)] * 3, pa.timestamp("us", tz="UTC"))
    table = pa.table(
        {
            "ticket_id": [None, None, "T1"],
            "received_at": at,
            "area": ["A"] * 3,
            "category": ["噪音"] * 3,
        }
    )
    for backend in BACKENDS:
        out = to_rows(monthly_topics(as_backend(table, backend), period="2025-03"))
        assert [r["count"] for r in out] == [3], backend
