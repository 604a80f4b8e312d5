"""Property tests: for any arguments in range, the generators give valid, deterministic output."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.model import Complaint
from jiesu.sample import categories, generate_complaints, generate_ticket_table, raw_complaint_table

SEEDS = st.integers(0, 2**63 - 1)


@settings(max_examples=20, deadline=None)
@given(year=st.integers(2000, 2099), month=st.integers(1, 12), n=st.integers(0, 40), seed=SEEDS)
def test_complaints_are_valid_for_any_month(year: int, month: int, n: int, seed: int) -> None:
    complaints = generate_complaints(year=year, month=month, n=n, seed=seed)
    assert len(complaints) == n
    assert len({c.id for c in complaints}) == n
    assert all(isinstance(c, Complaint) for c in complaints)
    assert all((c.received_at.year, c.received_at.month) == (year, month) for c in complaints)
    assert all(c.category in categories() for c in complaints)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (after - dt.timedelta(days=1)).day
    assert all(1 <= c.received_at.day <= last_day for c in complaints)
    assert generate_complaints(year=year, month=month, n=n, seed=seed) == complaints


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 3000),
    units=st.one_of(
        st.integers(1, 50),
        st.lists(st.text("ABCS0123-", min_size=1, max_size=5), min_size=1, max_size=8, unique=True),
    ),
    months=st.integers(1, 24),
    seed=SEEDS,
)
def test_ticket_table_invariants(n: int, units: int | list[str], months: int, seed: int) -> None:
    t = generate_ticket_table(n=n, units=units, months=months, seed=seed)
    count = units if isinstance(units, int) else len(units)
    assert all(len(col) == n for col in t.values())
    assert ((t["unit_index"] >= 0) & (t["unit_index"] < count)).all()
    assert not (t["excluded"] & ~t["eligible"]).any()
    assert not (t["unreachable"] & (t["responded"] | t["solved"])).any()
    assert np.array_equal(t["unreachable"], t["callback"] != 1)
    assert np.isin(t["satisfaction"], (0, 1, 2)).all()
    if n:
        assert t["period"].min() >= np.datetime64("2025-01")
        assert t["period"].max() < np.datetime64("2025-01") + months


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 60), share=st.floats(0, 1), seed=SEEDS)
def test_raw_table_bad_rows_for_any_share(n: int, share: float, seed: int) -> None:
    table = raw_complaint_table(year=2025, month=5, n=n, seed=seed, bad_share=share)
    assert len(table.rows) == n
    assert all(0 < i < n for i in table.bad_rows)
    if n > 1 and share > 0:
        assert 1 <= len(table.bad_rows) <= n - 1
    else:
        assert table.bad_rows == {}
