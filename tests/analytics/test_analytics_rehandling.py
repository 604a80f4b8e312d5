"""不满意工单清零: each ticket's re-handling state matches a plain reading on every backend; counts add up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import REHANDLING_STATES, rehandling_list, rehandling_summary
from jiesu.errors import ValidationError, ValidationReport

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
UTC = pa.timestamp("us", tz="UTC")
START = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _tickets(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)

    def when(p: float) -> list[dt.datetime | None]:
        return [
            None if rng.random() < p else START + dt.timedelta(hours=int(h))
            for h in rng.integers(0, 240, size=n)
        ]

    outcome = [["answered", "answered", "unreachable", None][i] for i in rng.integers(0, 4, size=n)]
    answered = [o == "answered" for o in outcome]
    return pa.table(
        {
            "ticket_id": [f"T{i:03d}" for i in range(n)],
            "unit": [f"S0{i}" for i in rng.integers(1, 4, size=n)],
            "category": [["噪音", "供暖"][i] for i in rng.integers(0, 2, size=n)],
            "callback": pa.array(outcome, pa.string()),
            "solved": pa.array(
                [bool(rng.random() < 0.6) if a else None for a in answered], pa.bool_()
            ),
            "satisfaction": pa.array(
                [
                    ["satisfied", "basically_satisfied", "dissatisfied"][rng.integers(3)]
                    if a
                    else None
                    for a in answered
                ],
                pa.string(),
            ),
            "callback_at": pa.array(when(0.1), UTC),
            "reopened_at": pa.array(when(0.6), UTC),
            "replied_at": pa.array(when(0.2), UTC),
        }
    )


def reference(rows: list[dict[str, Any]], satisfied: tuple[str, ...]) -> dict[str, str]:
    """Ticket id → state, read row by row from the rule's words."""
    out = {}
    for r in rows:
        answered = r["callback"] == "answered"
        both = r["solved"] is True and r["satisfaction"] in satisfied
        cb, re_, rp = r["callback_at"], r["reopened_at"], r["replied_at"]
        if re_ is not None and cb is not None and cb > re_ and answered:
            state = "cleared" if both else "still_unsatisfied"
        elif re_ is not None:
            state = "replied" if rp is not None and rp > re_ else "rehandling"
        elif answered and not both:
            state = "to_rehandle"
        else:
            continue
        out[r["ticket_id"]] = state
    return out


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 60),
    strict=st.booleans(),
)
def test_states_match_the_reference_on_every_backend(
    *, as_backend: Any, to_rows: Any, seed: int, n: int, strict: bool
) -> None:
    table = _tickets(n, seed)
    satisfied = ("satisfied",) if strict else ("satisfied", "basically_satisfied")
    want = reference(table.to_pylist(), satisfied)
    order = list(REHANDLING_STATES)
    for backend in BACKENDS:
        rows = to_rows(rehandling_list(as_backend(table, backend), satisfied=satisfied))
        assert {r["ticket_id"]: r["state"] for r in rows} == want, backend
        keys = [(order.index(r["state"]), r["unit"], r["ticket_id"]) for r in rows]
        assert keys == sorted(keys), backend  # by state, unit, ticket


@given(seed=st.integers(0, 10_000))
def test_the_summary_adds_up_per_unit(to_rows: Any, seed: int) -> None:
    listing = rehandling_list(_tickets(80, seed))
    summary = to_rows(rehandling_summary(listing))
    listed = to_rows(listing)
    for row in summary:
        mine = [r for r in listed if r["unit"] == row["unit"]]
        assert row["listed"] == len(mine) == sum(row[s] for s in REHANDLING_STATES)
        assert row["cleared_rate"] == round(row["cleared"] * 100 / row["listed"], 2)
        assert 0 <= row["cleared_rate"] <= 100
    assert sum(r["listed"] for r in summary) == len(listed)
    left = [r["listed"] - r["cleared"] for r in summary]
    assert left == sorted(left, reverse=True)


def test_without_reopen_times_every_non_both_yes_ticket_waits(to_rows: Any) -> None:
    table = _tickets(40, 3).drop_columns(["reopened_at"])
    rows = to_rows(rehandling_list(table))
    assert {r["state"] for r in rows} <= {"to_rehandle"}
    want = [
        r["ticket_id"]
        for r in table.to_pylist()
        if r["callback"] == "answered"
        and not (r["solved"] and r["satisfaction"] in ("satisfied", "basically_satisfied"))
    ]
    assert sorted(r["ticket_id"] for r in rows) == sorted(want)
    assert all("reopened_at" not in r for r in rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_callback_column_reads_the_answers(as_backend: Any, to_rows: Any, backend: str) -> None:
    frame = pl.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3"],
            "unit": ["S01"] * 3,
            "solved": [True, None, False],
            "satisfaction": ["satisfied", None, "satisfied"],
            "category": ["噪音"] * 3,
        }
    )
    rows = to_rows(rehandling_list(as_backend(frame.to_arrow(), backend), keep=["category"]))
    assert [(r["ticket_id"], r["state"], r["category"]) for r in rows] == [
        ("T3", "to_rehandle", "噪音")
    ]


def test_co_handler_rows_and_repeats_count_once_under_the_lead(to_rows: Any) -> None:
    at = dt.datetime(2025, 3, 5, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "ticket_id": ["T1", "T1", "T1"],
            "unit": ["S01", "S02", "S01"],
            "role": ["lead", "co_handler", "lead"],
            "solved": [False, None, False],
            "satisfaction": ["dissatisfied", None, "dissatisfied"],
            "callback_at": [at, None, at],
        }
    )
    rows = to_rows(rehandling_list(frame))
    assert [(r["ticket_id"], r["unit"], r["state"]) for r in rows] == [("T1", "S01", "to_rehandle")]
    clash = frame.with_columns(pl.Series("solved", [False, None, True]))
    with pytest.raises(ValidationReport):
        rehandling_list(clash)


def test_a_callback_that_reached_no_one_clears_nothing(to_rows: Any) -> None:
    t = [dt.datetime(2025, 3, d, tzinfo=dt.UTC) for d in (5, 8, 12, 14)]
    frame = pl.DataFrame(
        {
            "ticket_id": ["T1", "T2"],
            "unit": ["S01", "S01"],
            "callback": ["unreachable", "answered"],
            "solved": [None, True],
            "satisfaction": [None, "basically_satisfied"],
            "callback_at": [t[3], t[3]],
            "reopened_at": [t[1], t[1]],
            "replied_at": [t[2], t[2]],
        }
    )
    rows = to_rows(rehandling_list(frame))
    assert [(r["ticket_id"], r["state"]) for r in rows] == [("T1", "replied"), ("T2", "cleared")]
    strict = to_rows(rehandling_list(frame, satisfied=["satisfied"]))
    assert [(r["ticket_id"], r["state"]) for r in strict] == [
        ("T1", "replied"),
        ("T2", "still_unsatisfied"),
    ]


def test_pyspark_gives_the_same_states(spark: Any, to_rows: Any) -> None:
    table = _tickets(40, 11)
    want = {r["ticket_id"]: r["state"] for r in to_rows(rehandling_list(table))}
    frame = spark.createDataFrame(table.to_pandas())
    got = {r["ticket_id"]: r["state"] for r in to_rows(rehandling_list(frame))}
    assert got == want


def test_mapped_columns_and_pandas_index(to_rows: Any) -> None:
    table = _tickets(30, 5).rename_columns(
        [
            "工单编号",
            "unit",
            "category",
            "回访结果",
            "solved",
            "满意度",
            "回访时间",
            "重办时间",
            "办结时间",
        ]
    )
    mapping = {
        "ticket_id": "工单编号",
        "callback": "回访结果",
        "satisfaction": "满意度",
        "callback_at": "回访时间",
        "reopened_at": "重办时间",
        "replied_at": "办结时间",
    }
    out = rehandling_list(table.to_pandas(), columns=mapping)
    assert list(out.index) == list(range(len(out)))
    plain = to_rows(rehandling_list(_tickets(30, 5)))
    assert [r["ticket_id"] for r in to_rows(out)] == [r["ticket_id"] for r in plain]
    summary = rehandling_summary(out)
    assert list(summary.index) == list(range(len(summary)))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: rehandling_list(t.drop_columns(["unit"])), "unit"),
        (lambda t: rehandling_list(t, columns={"place": "x"}), "columns"),
        (lambda t: rehandling_list(t, keep=["nope"]), "keep"),
        (lambda t: rehandling_list(t.drop_columns(["callback_at"])), "callback_at"),
        (rehandling_summary, "listing"),
        (lambda t: rehandling_summary(rehandling_list(t), by="area"), "by"),
        (lambda t: rehandling_list([t]), "frame"),
    ],
)
def test_bad_input_is_refused_by_field(call: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call(_tickets(5, 1))
    assert caught.value.field == field
