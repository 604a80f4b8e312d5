"""Real exports read right: 1/0 and 1.0/0.0 codes, Unicode spaces, blank-like keys, phantom periods,
unknown units, co-handler rows and the opt-in category split, the same on every path and backend."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import ValidationError, ValidationReport
from jiesu.model import Unit
from jiesu.scoring import ColumnMap, Rules, Tally, score_frame, score_many, tally_frame, tally_many

RULES = Rules.preset("beijing-2021")
BACKENDS: dict[str, Any] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "polars-lazy": lambda d: pl.DataFrame(d).lazy(),
    "pyarrow": pa.table,
    "duckdb": lambda d: duckdb.from_arrow(pa.table(d)),
}
LAZY = frozenset({"polars-lazy", "duckdb"})
SPACES = ["", " ", "\u3000", "\u00a0", "\t", "\u2002", "\ufeff"]
ANSWER = ("callback", "contacted", "solved", "satisfaction")


def clean() -> dict[str, list[Any]]:
    return {
        "unit": ["S01", "S01", "S02", "S02", "S03"],
        "period": ["2025-03"] * 5,
        "callback": [1, 1, 1, 2, 0],
        "contacted": [1, 1, 0, 0, 0],
        "solved": [1, 0, 0, 0, 0],
        "satisfaction": [2, 1, 0, 0, 0],
    }


def many(fn: Any, d: dict[str, Any], dtype: Any = object, **kw: Any) -> Any:
    """Call an array-path function on the columns of a table."""
    a = {k: np.asarray(v, dtype=dtype) for k, v in d.items() if k in {"unit", "period", *ANSWER}}
    return fn(
        a["unit"],
        a["period"],
        callback=a["callback"],
        contacted=a["contacted"],
        solved=a["solved"],
        satisfaction=a["satisfaction"],
        rules=RULES,
        **kw,
    )


def via_arrays(d: dict[str, Any], **kw: Any) -> Any:
    return many(tally_many, d, **kw)


def tallies(d: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The tally of one table on the array path and on every backend."""
    out = {"arrays": via_arrays(d, **kw)}
    for name, make in BACKENDS.items():
        out[name] = tally_frame(make(d), rules=RULES, **kw)
    return out


def reports(d: dict[str, Any], **kw: Any) -> dict[str, ValidationReport]:
    out = {}
    _, out["arrays"] = via_arrays(d, errors="collect", **kw)
    for name, make in BACKENDS.items():
        _, out[name] = tally_frame(make(d), rules=RULES, errors="collect", **kw)
    return out


def test_one_zero_as_text_and_as_floats_are_codes() -> None:
    expected = via_arrays(clean())
    text = clean() | {k: [str(v) for v in clean()[k]] for k in ANSWER}
    # a blank turns a column to floats: 1.0 / 0.0, and NaN where the callback was not answered
    floats = clean() | {
        "contacted": [1.0, 1.0, 0.0, float("nan"), None],
        "solved": [1.0, 0.0, 0.0, None, float("nan")],
    }
    float_text = clean() | {k: [f"{v}.0" for v in clean()[k]] for k in ANSWER}
    for data in (text, float_text):
        assert all(t == expected for t in tallies(data).values())
    assert via_arrays(floats) == expected
    numeric = clean() | {"contacted": np.array([1.0, 1.0, 0.0, np.nan, np.nan])}
    assert many(tally_many, numeric, dtype=None) == expected
    column = clean() | {"contacted": [1.0, 1.0, 0.0, None, None]}  # a float column with blanks
    for name, tally in tallies(column).items():
        assert tally == expected, name


def test_words_with_unicode_spaces_are_trimmed_on_every_backend() -> None:
    expected = via_arrays(clean())
    spaced = {
        "unit": ["S01\u3000", " S01", "\u00a0S02", "S02\t", "\ufeffS03"],
        "period": ["2025-03\u3000"] * 5,
        "callback": ["已回访\u3000", " answered", "1\u00a0", "\u2002无法联系", "未回访"],
        "contacted": ["是\u3000", "yes ", "\t否", "", None],
        "solved": ["\u00a0是", "否", "0", None, None],
        "satisfaction": ["满意\u3000", "\u3000基本满意", "不满意", None, None],
    }
    got = tallies(spaced)
    assert all(t == expected for t in got.values()), {k: repr(t) for k, t in got.items()}


@pytest.mark.parametrize("blank", ["   ", "nan", "None", "", "\u3000", "NaN", "null"])
def test_blank_like_unit_keys_are_bad_rows(blank: str) -> None:
    d = clean() | {"unit": ["S01", blank, "S02", "S02", "S03"]}
    for name, report in reports(d).items():
        assert [(p.field, p.reason) for p in report.problems] == [("unit", "missing unit")], name
        if name not in LAZY:
            assert report.rows == (1,), name


@pytest.mark.parametrize("period", ["2025-13", "2025-00", "2025-3", "March", "2025/03"])
def test_phantom_periods_are_bad_rows(period: str) -> None:
    d = clean() | {"period": ["2025-03", "2025-03", period, "2025-03", "2025-03"]}
    for name, report in reports(d).items():
        assert [p.field for p in report.problems] == ["period"], name
        assert report.problems[0].reason.startswith("not a period"), name
        assert report.problems[0].value == period


def test_chinese_month_periods_read_as_yyyy_mm() -> None:
    d = clean() | {"period": ["2025年3月", "2025-03", "2025年03月", "2025-03", "2025 年 3 月"]}
    assert all(t == via_arrays(clean()) for t in tallies(d).values())


def test_unknown_units_are_bad_rows_with_the_nearest_name() -> None:
    table = [
        Unit("S01", "东华门街道", "street"),
        Unit("S02", "景山街道", "street"),
        Unit("S03", "交道口街道", "street"),
    ]
    d = clean() | {"unit": ["S01", "东华门街道\u3000", "景山 街道", "S22", "交道口街道"]}
    for name, report in reports(d, units=table).items():
        assert report.problems[0].value == "S22", name
        assert report.problems[0].reason == (
            "unknown unit (not in the units table); did you mean 'S02'?"
        ), name
        assert len(report) == 1, name
    tally, _ = via_arrays(d, units=table, errors="collect")
    assert tally.row("S01", "2025-03")["tickets"] == 2
    assert tally.row("S02", "2025-03")["tickets"] == 1
    by_name = {"东华门街道": "S01", "景山街道": "S02", "交道口街道": "S03"}
    assert via_arrays(d, units=by_name, errors="collect")[0] == tally
    codes = ["S01", "S02", "S03"]
    _, report = via_arrays(
        clean() | {"unit": ["S01", "S01", "X", "S02", "S03"]}, units=codes, errors="collect"
    )
    assert report.problems[0].reason == "unknown unit (not in the units table)"


def test_units_argument_is_checked() -> None:
    for bad in (42, [1, 2], {"a": 1}):
        with pytest.raises(ValidationError, match="units"):
            via_arrays(clean(), units=bad)


def test_co_handler_rows_are_validated_like_lead_rows() -> None:
    d = clean() | {"role": ["主办", "协办", "主办", "主办", "主办"]}
    d["satisfaction"] = [2, "也许", 0, 0, 0]
    for name, make in BACKENDS.items():
        _, report = tally_frame(
            make({k: [str(v) for v in vals] for k, vals in d.items()}),
            rules=RULES,
            columns=ColumnMap(role="role"),
            errors="collect",
        )
        assert [(p.field, p.value) for p in report.problems] == [("satisfaction", "也许")], name
    lead = np.array([True, False, True, True, True])
    _, report = via_arrays(d, lead=lead, errors="collect")
    assert [(p.row, p.field) for p in report.problems] == [(1, "satisfaction")]


def chinese_export() -> dict[str, list[Any]]:
    return {
        "承办单位": ["S01", "S01", "S02", "S02"],
        "考核周期": ["2025-03"] * 4,
        "回访结果": ["已回访"] * 4,
        "是否联系": ["是"] * 4,
        "是否解决": ["是", "否", "否", "是"],
        "是否满意": ["满意"] * 4,
        "诉求类别": ["噪声", "供暖", "噪声", "供暖"],
    }


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_category_split_is_opt_in(backend: str) -> None:
    table = BACKENDS[backend](chinese_export())
    plain = tally_frame(table, rules=RULES, columns=ColumnMap.chinese())
    assert len(plain) == 2
    assert set(plain.categories.tolist()) == {""}
    split = tally_frame(table, rules=RULES, columns=ColumnMap.chinese(), by_category=True)
    assert len(split) == 4
    card = Tally.scores(split, RULES)
    ranks = {(s.unit, s.category): s.rank for s in card.rows()}
    assert ranks == {("S01", "噪声"): 1, ("S02", "噪声"): 2, ("S01", "供暖"): 2, ("S02", "供暖"): 1}
    assert tally_frame(table, rules=RULES, columns=ColumnMap.chinese(by_category=True)) == split


def test_category_split_needs_a_column() -> None:
    d = chinese_export()
    del d["诉求类别"]
    with pytest.raises(ValidationError, match="by_category needs a category column"):
        score_frame(pl.DataFrame(d), rules=RULES, columns=ColumnMap.chinese(), by_category=True)
    english = {"category": ["a", "b", "a", "b"]} | dict(
        zip(("unit", "period", *ANSWER), chinese_export().values(), strict=False)
    )
    assert len(tally_frame(pl.DataFrame(english), rules=RULES, by_category=True)) == 4


# ------------------------------------------------------------------ every spelling, every path
_SPELLINGS: dict[str, list[list[Any]]] = {
    "callback": [
        ["none", "未回访", "0"],
        ["answered", "已回访", "1", "1.0"],
        ["unreachable", "无法联系", "2"],
        ["refused", "拒绝回访", "3.0"],
    ],
    "contacted": [["no", "否", "0", "0.0", "false"], ["yes", "是", "1", "1.0", "TRUE"]],
    "satisfaction": [
        ["dissatisfied", "不满意", "0"],
        ["basically_satisfied", "基本满意", "1.0"],
        ["satisfied", "满意", "2"],
    ],
}
_SPELLINGS["solved"] = _SPELLINGS["contacted"]


@st.composite
def spelt_rows(draw: st.DrawFn) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    n = draw(st.integers(1, 12))
    codes: dict[str, list[Any]] = {
        "unit": [draw(st.sampled_from(["S01", "S02"])) for _ in range(n)],
        "period": [draw(st.sampled_from(["2025-01", "2025-02"])) for _ in range(n)],
    }
    spelt = {
        k: [draw(st.sampled_from(SPACES)) + v + draw(st.sampled_from(SPACES)) for v in codes[k]]
        for k in codes
    }
    for name, table in _SPELLINGS.items():
        codes[name] = [draw(st.integers(0, len(table) - 1)) for _ in range(n)]
        spelt[name] = [
            draw(st.sampled_from(SPACES))
            + draw(st.sampled_from(table[c]))
            + draw(st.sampled_from(SPACES))
            for c in codes[name]
        ]
    return codes, spelt


@settings(max_examples=25, deadline=None)
@given(spelt_rows())
def test_every_spelling_counts_alike_on_every_path(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    codes, spelt = case
    expected = many(tally_many, codes, dtype=None)
    for name, tally in tallies(spelt).items():
        assert tally == expected, name
    assert len(many(score_many, spelt)) == len(expected)


def test_pandas_results_never_hold_nan() -> None:
    d = clean() | {"unit": ["S01", "S01", "S02", "S02", "S03"]}
    out = score_frame(pd.DataFrame(d), rules=RULES)
    unrated = out[out["unit"] == "S03"].iloc[0]
    assert unrated["grade"] is pd.NA
    assert unrated["composite"] is pd.NA
    for name in out.columns:
        values = out[name].tolist()
        assert not any(isinstance(v, float) and v != v for v in values), name  # noqa: PLR0124 - NaN test


# ------------------------------------------------------------------ duplicates and conflicts
def with_ids() -> dict[str, list[Any]]:
    return clean() | {"id": ["T1", "T2", "T3", "T4", "T5"]}


def test_duplicated_rows_are_reported_and_counted_once() -> None:
    d = with_ids()
    doubled = {k: [*v, v[0], v[2], v[0]] for k, v in d.items()}  # T1 twice more, T3 once more
    tally, report = via_arrays(doubled, ticket_id=doubled["id"], errors="collect")
    assert tally == via_arrays(clean())
    assert [(p.row, p.field, p.value, p.reason) for p in report.problems] == [
        (5, "ticket_id", "T1", "duplicate of row 0: counted once"),
        (6, "ticket_id", "T3", "duplicate of row 2: counted once"),
        (7, "ticket_id", "T1", "duplicate of row 0: counted once"),
    ]
    with pytest.raises(ValidationReport, match="duplicate of row 0"):
        via_arrays(doubled, ticket_id=doubled["id"])
    assert via_arrays(d, ticket_id=d["id"]) == via_arrays(clean())  # no repeated id: nothing to do


def test_different_lead_rows_of_one_ticket_are_bad_rows() -> None:
    d = with_ids()
    d = {k: [*v, v[1]] for k, v in d.items()}
    d["satisfaction"][-1] = 2  # T2 again, with another answer
    d["unit"][-1] = "S01"
    tally, report = via_arrays(d, ticket_id=d["id"], errors="collect")
    assert [(p.row, p.reason) for p in report.problems] == [
        (1, "different lead (主办) rows of one ticket (rows 1, 5): none is counted"),
        (5, "different lead (主办) rows of one ticket (rows 1, 5): none is counted"),
    ]
    assert tally.row("S01", "2025-03")["tickets"] == 1
    # a co-handler row beside its lead is no conflict, and counts under lead_and_co_handlers
    co = {k: [*v[:5], v[1]] for k, v in d.items()}
    co["unit"][-1] = "S09"
    lead = np.array([True] * 5 + [False])
    _, report = via_arrays(co, ticket_id=co["id"], lead=lead, errors="collect")
    assert not report
    twice = {k: [*v, v[-1]] for k, v in co.items()}
    twice["contacted"][-1] = 1 - twice["contacted"][-1]
    _, report = via_arrays(
        twice, ticket_id=twice["id"], lead=np.append(lead, False), errors="collect"
    )
    assert {p.row for p in report.problems} == {5, 6}
    assert "co-handler (协办)" in report.problems[0].reason


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_duplicates_and_conflicts_on_every_backend(backend: str) -> None:
    d = with_ids() | {"role": ["主办"] * 5}
    d = {
        k: [*v, v[0], v[2], v[1]] for k, v in d.items()
    }  # T1, T3 re-exported; T2 with a new answer
    d["satisfaction"][-1] = 2
    d["unit"][-1] = "S01"
    d["callback"][-1] = 1
    d = {k: [str(x) for x in v] for k, v in d.items()}
    tally, report = tally_frame(
        BACKENDS[backend](d),
        rules=RULES,
        columns=ColumnMap(ticket_id="id", role="role"),
        errors="collect",
    )
    arrays, expected = via_arrays(d, ticket_id=d["id"], errors="collect")
    assert tally == arrays
    named = [(p.row, p.field, p.value) for p in report.problems]
    if backend in LAZY:
        assert sorted(named) == sorted((p.value, "id", p.value) for p in expected.problems)
    else:
        assert named == [(p.row, "id", p.value) for p in expected.problems]
        assert [p.reason for p in report.problems] == [p.reason for p in expected.problems]
    assert {p.value for p in report.problems} == {"T1", "T3", "T2"}
    clean_ids = tally_frame(
        BACKENDS[backend](with_ids()), rules=RULES, columns=ColumnMap(ticket_id="id")
    )
    assert clean_ids == via_arrays(clean())


@st.composite
def duplicated_rows(draw: st.DrawFn) -> tuple[dict[str, list[Any]], list[int]]:
    n = draw(st.integers(1, 8))
    base: dict[str, list[Any]] = {
        "id": [f"T{i}" for i in range(n)],
        "unit": [draw(st.sampled_from(["S01", "S02"])) for _ in range(n)],
        "period": [draw(st.sampled_from(["2025-01", "2025-02"])) for _ in range(n)],
        "callback": [draw(st.integers(0, 3)) for _ in range(n)],
        "contacted": [draw(st.integers(0, 1)) for _ in range(n)],
        "solved": [draw(st.integers(0, 1)) for _ in range(n)],
        "satisfaction": [draw(st.integers(0, 2)) for _ in range(n)],
    }
    copies = draw(st.lists(st.integers(0, n - 1), max_size=6))
    order = list(range(n)) + copies
    return {k: [v[i] for i in order] for k, v in base.items()}, order


@settings(max_examples=25, deadline=None)
@given(duplicated_rows())
def test_duplicates_count_once_on_every_path(case: tuple[dict[str, list[Any]], list[int]]) -> None:
    data, order = case
    n = len(set(order))
    unique = {k: v[:n] for k, v in data.items()}
    expected = via_arrays(unique)
    tally, report = via_arrays(data, ticket_id=data["id"], errors="collect")
    assert tally == expected
    assert [p.row for p in report.problems] == list(range(n, len(order)))
    spelt = {k: [f"\u3000{x}" for x in v] if k in ANSWER else v for k, v in data.items()}
    for name in ("pandas", "polars", "duckdb"):
        got, frame_report = tally_frame(
            BACKENDS[name](spelt), rules=RULES, columns=ColumnMap(ticket_id="id"), errors="collect"
        )
        assert got == expected, name
        assert len(frame_report) == len(report), name
