"""Supervision lists (督办) and the requester split (涉企 / 民生)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pendulum
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import (
    CARD_COLUMNS,
    REQUESTER_GROUPS,
    requester_scorecards,
    supervision_list,
    supervision_summary,
)
from jiesu.calendar import DeadlinePolicy, WorkCalendar, sla_frame
from jiesu.errors import ValidationError
from jiesu.scoring import ColumnMap, Rules, score_frame

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
POLICY = DeadlinePolicy.preset("jinan")
CAL = WorkCalendar.china()
UTC = pa.timestamp("us", tz="UTC")


def _tickets(seed: int, n: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2025, 9, 20, tzinfo=dt.UTC)  # around the National Day holiday
    at = [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 30 * 1440, size=n)]
    replied = [
        a + dt.timedelta(days=int(d)) if rng.random() < 0.4 else None
        for a, d in zip(at, rng.integers(0, 12, size=n), strict=True)
    ]
    return pa.table(
        {
            "ticket_id": [f"T{i:04d}" for i in range(n)],
            "received_at": pa.array(at, UTC),
            "dispatched_at": pa.array(at, UTC),
            "replied_at": pa.array(replied, UTC),
            "kind": [["complaint", "help", "consultation"][i] for i in rng.integers(0, 3, size=n)],
            "urgency": ["normal"] * n,
            "unit": [f"S0{i}" for i in rng.integers(1, 4, size=n)],
        }
    )


def reference(table: pa.Table, now: pendulum.DateTime) -> dict[str, str]:
    """Ticket id → card, from the clocks and the rule read plainly, one ticket at a time."""
    clocks = sla_frame(table, POLICY, CAL, now=now).to_pylist()
    today = now.in_timezone(CAL.tz).date()
    end = pendulum.instance(dt.datetime.combine(CAL.next_workday(today), dt.time()), tz=CAL.tz).add(
        days=1
    )
    out = {}
    for row in clocks:
        if row["reply_status"] == "overdue":
            out[row["ticket_id"]] = "red"
        elif row["reply_status"] in {"pending", "due_soon"} and row["reply_due"] <= end:
            out[row["ticket_id"]] = "yellow"
    return out


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), n=st.integers(0, 60), hours=st.integers(0, 40 * 24))
def test_cards_follow_the_rule_on_every_backend(
    *, as_backend: Any, to_rows: Any, seed: int, n: int, hours: int
) -> None:
    table = _tickets(seed, n)
    now = pendulum.datetime(2025, 9, 22, 9, tz="Asia/Shanghai").add(hours=hours)
    expected = reference(table, now)
    for backend in BACKENDS:
        out = to_rows(supervision_list(as_backend(table, backend), POLICY, CAL, now=now))
        assert {r["ticket_id"]: r["card"] for r in out} == expected, backend
        assert all("__index_level_0__" not in r for r in out), backend  # pandas: a fresh index
        order = [(r["card"], r["due"], r["ticket_id"]) for r in out]
        assert order == sorted(order)  # red first, then by due instant
        assert all(r["remaining"] <= 0 for r in out if r["card"] == "red")
        counted = {
            (r["unit"], r["red"], r["yellow"])
            for r in to_rows(
                supervision_summary(
                    supervision_list(as_backend(table, backend), POLICY, CAL, now=now)
                )
            )
        }
        assert sum(red + yellow for _, red, yellow in counted) == len(expected)


def test_the_yellow_card_is_one_working_day_before_due() -> None:
    """Due at the end of Friday 2025-03-14: no card on Wednesday, yellow on Thursday and Friday, red on Saturday."""
    at = dt.datetime(2025, 3, 7, 1, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "ticket_id": ["T1"],
            "received_at": [at],
            "dispatched_at": [at],
            "kind": ["complaint"],
            "urgency": ["normal"],
            "unit": ["S01"],
        }
    )
    cards = {
        day: supervision_list(
            frame, POLICY, CAL, now=pendulum.datetime(2025, 3, day, 9, tz="Asia/Shanghai")
        )["card"].to_list()
        for day in (12, 13, 14, 15)
    }
    assert cards == {12: [], 13: ["yellow"], 14: ["yellow"], 15: ["red"]}
    # over a weekend: due at the end of Monday 2025-03-17, yellow already on Friday the 14th
    monday = dt.datetime(2025, 3, 10, 1, tzinfo=dt.UTC)
    later = frame.with_columns(received_at=pl.lit(monday), dispatched_at=pl.lit(monday))
    friday = supervision_list(
        later, POLICY, CAL, now=pendulum.datetime(2025, 3, 14, 9, tz="Asia/Shanghai")
    )
    assert friday["card"].to_list() == ["yellow"]
    thursday = supervision_list(
        later, POLICY, CAL, now=pendulum.datetime(2025, 3, 13, 9, tz="Asia/Shanghai")
    )
    assert thursday["card"].to_list() == []
    replied = frame.with_columns(replied_at=pl.lit(dt.datetime(2025, 3, 20, tzinfo=dt.UTC)))
    assert supervision_list(
        replied, POLICY, CAL, now=pendulum.datetime(2025, 3, 25, tz="Asia/Shanghai")
    ).is_empty()


def test_other_names_other_clocks_and_lazy_frames() -> None:
    at = dt.datetime(2025, 3, 3, 1, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "编号": ["T1"],
            "受理时间": [at],
            "派单时间": [at],
            "签收时间": [at],
            "kind": ["complaint"],
            "urgency": ["normal"],
            "单位": ["S01"],
        }
    )
    now = pendulum.datetime(2025, 3, 20, 9, tz="Asia/Shanghai")
    names = {
        "received_at": "受理时间",
        "dispatched_at": "派单时间",
        "signed_at": "签收时间",
        "ticket_id": "编号",
    }
    beijing = DeadlinePolicy.preset("beijing")
    out = supervision_list(
        frame.lazy(), beijing, CAL, now=now, milestone="first_contact", columns=names
    )
    assert isinstance(out, pl.LazyFrame)
    got = out.collect()
    assert got["card"].to_list() == ["red"]
    assert set(CARD_COLUMNS) <= set(got.columns)
    assert supervision_summary(got, by="单位").rows() == [("S01", 1, 0)]


def test_repeated_rows_of_a_ticket_get_one_card_in_the_summary() -> None:
    cards = pl.DataFrame(
        {"ticket_id": ["T1", "T1", "T2"], "unit": ["S01"] * 3, "card": ["red", "red", "yellow"]}
    )
    assert supervision_summary(cards).rows() == [("S01", 1, 1)]
    assert supervision_summary(cards.drop("ticket_id")).rows() == [("S01", 2, 1)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_co_handler_rows_are_left_out(as_backend: Any, to_rows: Any, backend: str) -> None:
    """A 协办 row has no kind or urgency of its own: the lead's row carries the ticket's clock."""
    at = dt.datetime(2025, 3, 3, 1, tzinfo=dt.UTC)
    table = pa.table(
        {
            "ticket_id": ["T1", "T1", "T2"],
            "received_at": pa.array([at, at, at], UTC),
            "dispatched_at": pa.array([at, at, at], UTC),
            "kind": ["complaint", None, "complaint"],
            "urgency": ["normal", None, "normal"],
            "unit": ["S01", "S02", "S01"],
            "角色": ["lead", "co_handler", None],
        }
    )
    now = pendulum.datetime(2025, 3, 20, 9, tz="Asia/Shanghai")
    frame = as_backend(table, backend)
    rows = to_rows(supervision_list(frame, POLICY, CAL, now=now, columns={"role": "角色"}))
    assert [(r["ticket_id"], r["unit"], r["card"]) for r in rows] == [
        ("T1", "S01", "red"),
        ("T2", "S01", "red"),
    ]


def test_bad_arguments_are_refused_by_name() -> None:
    at = dt.datetime(2025, 3, 3, 1, tzinfo=dt.UTC)
    frame = pl.DataFrame({"received_at": [at], "kind": ["complaint"], "urgency": ["normal"]})
    now = pendulum.datetime(2025, 3, 20, 9, tz="Asia/Shanghai")
    with pytest.raises(ValidationError) as caught:
        supervision_list(frame, POLICY, CAL, now=now, milestone="finish")
    assert (caught.value.field, caught.value.value) == ("milestone", "finish")
    with pytest.raises(ValidationError) as caught:
        supervision_list(frame, POLICY, CAL, now=now, columns={"phone": "x"})
    assert caught.value.field == "columns"
    with pytest.raises(ValidationError) as caught:
        supervision_summary(frame)
    assert caught.value.field == "cards"
    cards = supervision_list(frame, POLICY, CAL, now=now)
    with pytest.raises(ValidationError) as caught:
        supervision_summary(cards)
    assert (caught.value.field, caught.value.value) == ("by", "unit")


# ------------------------------------------------------------------------------- requester split
RULES = Rules.preset("beijing-2025")


def _scored(seed: int, n: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "承办单位": [f"S0{i}" for i in rng.integers(1, 5, size=n)],
            "考核周期": ["2025-03"] * n,
            "回访结果": ["已回访"] * n,
            "是否联系": [["是", "否"][i] for i in rng.integers(0, 2, size=n)],
            "是否解决": [["是", "否"][i] for i in rng.integers(0, 2, size=n)],
            "是否满意": [["满意", "基本满意", "不满意"][i] for i in rng.integers(0, 3, size=n)],
            "requester_type": [REQUESTER_GROUPS[i] for i in rng.integers(0, 2, size=n)],
        }
    )


@pytest.mark.slow
@given(seed=st.integers(0, 10_000), n=st.integers(1, 80))
def test_each_group_is_scored_on_its_own_tickets_by_the_same_rules(
    *, as_backend: Any, to_rows: Any, seed: int, n: int
) -> None:
    frame = _scored(seed, n)
    for backend in ("polars", "polars-lazy", "duckdb", "pandas"):
        cards = requester_scorecards(
            as_backend(frame.to_arrow(), backend), rules=RULES, columns=ColumnMap.chinese()
        )
        assert set(cards) == set(frame["requester_type"].unique().to_list())
        for group, card in cards.items():
            alone = frame.filter(pl.col("requester_type") == group)
            assert to_rows(card) == to_rows(
                score_frame(alone, rules=RULES, columns=ColumnMap.chinese())
            ), backend


def test_the_requester_column_must_hold_the_two_groups() -> None:
    frame = _scored(1, 6)
    with pytest.raises(ValidationError) as caught:
        requester_scorecards(frame.drop("requester_type"), rules=RULES, columns=ColumnMap.chinese())
    assert caught.value.field == "requester"
    odd = frame.with_columns(
        requester_type=pl.Series(["企业", None, "citizen", "citizen", "x", "enterprise"])
    )
    with pytest.raises(ValidationError) as caught:
        requester_scorecards(odd, rules=RULES, columns=ColumnMap.chinese())
    assert (caught.value.field, caught.value.value) == ("requester_type", "(blank), x, 企业")
    zh = frame.rename({"requester_type": "诉求人类型"})
    cards = requester_scorecards(
        zh, rules=RULES, requester="诉求人类型", columns=ColumnMap.chinese(), headers="zh"
    )
    assert "综合成绩" in cards["citizen"].columns
