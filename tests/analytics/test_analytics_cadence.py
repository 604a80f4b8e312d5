"""Cadence tables (日梳理·周统计·月报告·年分析): a plain recount on every backend; periods nest; rates are exact."""

from __future__ import annotations

import datetime as dt
import decimal
import zoneinfo
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import CADENCE_COLUMNS, SLA_STATUSES, cadence_table
from jiesu.errors import ValidationError, ValidationReport
from jiesu.scoring import Rules

BACKENDS = ("pyarrow", "pandas", "polars", "polars-lazy", "duckdb")
UTC = pa.timestamp("us", tz="UTC")
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 12, 20, tzinfo=dt.UTC)


def _tickets(n: int, seed: int, days: int = 60) -> pa.Table:
    """Lead rows with every field, and a co-handler row for some tickets with blanks."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        at = START + dt.timedelta(minutes=int(rng.integers(0, days * 1440)))
        outcome = ["answered", "answered", "unreachable", None][rng.integers(4)]
        answered = outcome == "answered"
        row = {
            "ticket_id": f"T{i:04d}",
            "received_at": at,
            "category": [None, "噪音", "供暖", "占道"][rng.integers(4)],
            "dispatch_mode": ["direct", "via_district", None][rng.integers(3)],
            "returned": bool(rng.random() < 0.1),
            "closed_at": at + dt.timedelta(days=3) if rng.random() < 0.7 else None,
            "callback": outcome,
            "contacted": bool(rng.random() < 0.9) if answered else None,
            "solved": [True, False, None][rng.integers(3)] if answered else None,
            "satisfaction": (
                ["satisfied", "basically_satisfied", "dissatisfied", None][rng.integers(4)]
                if answered
                else None
            ),
            "excluded": bool(rng.random() < 0.05),
            "reply_status": list(SLA_STATUSES)[rng.integers(5)],
            "repeat_index": [None, 1, 2, 3][rng.integers(4)],
            "unit": "S01",
        }
        rows.append(row)
        if rng.random() < 0.3:  # a 协办 row: the same ticket, another unit, blanks
            rows.append(
                {
                    **dict.fromkeys(row),
                    "ticket_id": row["ticket_id"],
                    "received_at": at,
                    "unit": "S02",
                }
            )
    schema = pa.schema(
        [
            ("ticket_id", pa.string()),
            ("received_at", UTC),
            ("category", pa.string()),
            ("dispatch_mode", pa.string()),
            ("returned", pa.bool_()),
            ("closed_at", UTC),
            ("callback", pa.string()),
            ("contacted", pa.bool_()),
            ("solved", pa.bool_()),
            ("satisfaction", pa.string()),
            ("excluded", pa.bool_()),
            ("reply_status", pa.string()),
            ("repeat_index", pa.int64()),
            ("unit", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _period(at: dt.datetime, freq: str) -> str:
    local = at.astimezone(ZONE).date()
    if freq == "day":
        return local.isoformat()
    if freq == "week":
        return (local - dt.timedelta(days=local.weekday())).isoformat()
    if freq == "month":
        return local.isoformat()[:7]
    return str(local.year)


def reference(table: pa.Table, freq: str, rules: Rules | None) -> dict[str, dict[str, Any]]:
    """Period → row, counted ticket by ticket (the lead row holds every field)."""
    leads = [r for r in table.to_pylist() if r["unit"] == "S01"]
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in leads:
        by[_period(r["received_at"], freq)].append(r)
    places = 2 if rules is None else rules.places
    q = decimal.Decimal(1).scaleb(-places)
    out = {}
    for period, rows in by.items():
        answered = [r for r in rows if r["callback"] == "answered" and not r["excluded"]]

        def rate(values: list[decimal.Decimal]) -> float | None:
            if not values:
                return None
            total = sum(values, decimal.Decimal(0))
            return float((total * 100 / len(values)).quantize(q, rounding=decimal.ROUND_HALF_UP))

        if rules is None:
            yes = {True: decimal.Decimal(1)}
            sat = {"satisfied": decimal.Decimal(1), "basically_satisfied": decimal.Decimal(1)}
            res_yes = yes
        else:
            yes = {True: rules.response_values["yes"]}
            res_yes = {True: rules.resolution_values["yes"]}
            sat = dict(rules.satisfaction_values)
        zero = decimal.Decimal(0)
        cats = Counter(r["category"] for r in rows if r["category"] is not None)
        tops = sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        out[period] = {
            "received": len(rows),
            "direct": sum(r["dispatch_mode"] == "direct" for r in rows),
            "via_district": sum(r["dispatch_mode"] == "via_district" for r in rows),
            "returned": sum(bool(r["returned"]) for r in rows),
            "closed": sum(r["closed_at"] is not None for r in rows),
            "callbacks": len(answered),
            "response_rate": rate([yes.get(r["contacted"], zero) for r in answered]),
            "resolution_rate": rate([res_yes.get(r["solved"], zero) for r in answered]),
            "satisfaction_rate": rate(
                [decimal.Decimal(sat.get(r["satisfaction"], zero)) for r in answered]
            ),
            "repeats": sum((r["repeat_index"] or 0) > 1 for r in rows),
            "top_categories": "、".join(f"{c} {k}" for c, k in tops) or None,
            **{s: sum(r["reply_status"] == s for r in rows) for s in SLA_STATUSES},
        }
    return out


def _by_period(frame: Any, to_rows: Any) -> dict[str, dict[str, Any]]:
    return {
        r["period"]: {k: v for k, v in r.items() if k not in ("period", "start")}
        for r in to_rows(frame)
    }


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 60),
    freq=st.sampled_from(["day", "week", "month", "year"]),
    weighted=st.booleans(),
)
def test_rows_match_a_plain_recount_on_every_backend(
    *, as_backend: Any, to_rows: Any, seed: int, n: int, freq: str, weighted: bool
) -> None:
    table = _tickets(n, seed, days=400 if freq == "year" else 60)
    rules = Rules.preset("beijing-2025") if weighted else None
    want = reference(table, freq, rules)
    for backend in BACKENDS:
        out = cadence_table(as_backend(table, backend), freq=freq, rules=rules)
        rows = to_rows(out)
        assert _by_period(out, to_rows) == want, backend
        assert [r["period"] for r in rows] == sorted(want), backend  # oldest first
        assert list(rows[0])[: len(CADENCE_COLUMNS)] == list(CADENCE_COLUMNS) if rows else True


@given(seed=st.integers(0, 10_000))
def test_days_add_up_to_weeks_months_and_years(to_rows: Any, seed: int) -> None:
    table = _tickets(120, seed, days=90)
    days = to_rows(cadence_table(table, freq="day"))
    counted = ("received", "direct", "via_district", "returned", "closed", "callbacks", "repeats")
    for freq in ("week", "month", "year"):
        for row in to_rows(cadence_table(table, freq=freq)):
            inside = [
                d
                for d in days
                if _period(dt.datetime.combine(d["start"], dt.time(12), tzinfo=ZONE), freq)
                == row["period"]
            ]
            assert row["start"] <= min(d["start"] for d in inside)
            for key in counted:
                assert row[key] == sum(d[key] for d in inside), (freq, key)
    assert sum(d["received"] for d in days) == len(set(table.column("ticket_id").to_pylist()))


def test_weeks_start_on_monday_in_the_district_zone(to_rows: Any) -> None:
    # Sunday 2025-03-09 23:30 in Beijing is Sunday 15:30 UTC; Monday 00:30 in Beijing is Sunday 16:30 UTC
    at = [
        dt.datetime(2025, 3, 9, 15, 30, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 9, 16, 30, tzinfo=dt.UTC),
    ]
    frame = pl.DataFrame({"received_at": at, "category": ["噪音", "噪音"]})
    rows = to_rows(cadence_table(frame, freq="week"))
    assert [(r["period"], r["received"]) for r in rows] == [("2025-03-03", 1), ("2025-03-10", 1)]
    assert rows[0]["start"] == dt.date(2025, 3, 3)
    assert rows[0]["callbacks"] is None  # no answer columns: null, not 0
    assert rows[0]["response_rate"] is None
    assert "overdue" not in rows[0]


def test_leap_days_and_year_ends_fall_in_their_months(to_rows: Any) -> None:
    at = [
        dt.datetime(2024, 2, 28, 16, 30, tzinfo=dt.UTC),  # 2024-02-29 00:30 in Beijing
        dt.datetime(2024, 12, 31, 16, 0, tzinfo=dt.UTC),  # 2025-01-01 00:00 in Beijing
        dt.datetime(2000, 3, 1, 0, 0, tzinfo=dt.UTC),
    ]
    frame = pl.DataFrame({"received_at": at, "category": ["噪音"] * 3})
    months = [r["period"] for r in to_rows(cadence_table(frame, freq="month"))]
    assert months == ["2000-03", "2024-02", "2025-01"]
    days = [r["period"] for r in to_rows(cadence_table(frame, freq="day"))]
    assert days == ["2000-03-01", "2024-02-29", "2025-01-01"]
    years = [r["period"] for r in to_rows(cadence_table(frame, freq="year"))]
    assert years == ["2000", "2024", "2025"]


def test_pyspark_gives_the_same_rows(spark: Any, to_rows: Any) -> None:
    table = _tickets(50, 13)
    want = _by_period(
        cadence_table(table, freq="week", rules=Rules.preset("beijing-2025")), to_rows
    )
    frame = spark.createDataFrame(table.to_pandas())
    got = _by_period(cadence_table(frame, freq="week", rules=Rules.preset("beijing-2025")), to_rows)
    assert got == want


def test_answers_without_a_callback_column_and_mapped_names(to_rows: Any) -> None:
    at = [dt.datetime(2025, 3, 3, tzinfo=dt.UTC)] * 3
    frame = pl.DataFrame(
        {
            "受理时间": at,
            "诉求分类": ["噪音"] * 3,
            "solved": [True, None, False],
            "satisfaction": ["basically_satisfied", None, None],
        }
    )
    rows = to_rows(
        cadence_table(
            frame, columns={"received_at": "受理时间", "category": "诉求分类"}, status=None
        )
    )
    assert rows[0]["callbacks"] == 2
    assert rows[0]["resolution_rate"] == 50.0
    assert rows[0]["satisfaction_rate"] == 50.0
    assert rows[0]["response_rate"] is None  # no contacted column
    solved_only = to_rows(
        cadence_table(
            frame.drop("satisfaction"),
            columns={"received_at": "受理时间", "category": "诉求分类"},
        )
    )
    assert solved_only[0]["callbacks"] == 2
    assert solved_only[0]["resolution_rate"] == 50.0
    assert solved_only[0]["satisfaction_rate"] is None


def test_a_missing_received_time_is_reported() -> None:
    table = pa.table(
        {
            "ticket_id": ["T1", "T2"],
            "received_at": pa.array([None, dt.datetime(2025, 3, 3, tzinfo=dt.UTC)], UTC),
            "category": ["噪音", "噪音"],
        }
    )
    with pytest.raises(ValidationReport) as caught:
        cadence_table(table)
    assert caught.value.rows == ("T1",)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"freq": "quarter"}, "freq"),
        ({"top": 0}, "top"),
        ({"zone": "Europe/Paris"}, "zone"),
        ({"status": "category"}, "status"),
        ({"columns": {"place": "x"}}, "columns"),
    ],
)
def test_bad_parameters_are_refused_by_name(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        cadence_table(_tickets(5, 1), **change)
    assert caught.value.field == field
