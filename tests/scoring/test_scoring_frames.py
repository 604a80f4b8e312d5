from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiesu.errors import ValidationError, ValidationReport
from jiesu.sample import raw_score_table
from jiesu.scoring import (
    ZH_HEADERS,
    Adjustment,
    ColumnMap,
    Rules,
    Scorecard,
    breakdown_arrays,
    breakdown_frame,
    score_frame,
    score_many,
    tally_frame,
    tally_many,
)

if TYPE_CHECKING:
    from collections.abc import Callable

RULES = Rules.preset("beijing-2025")

Data = dict[str, Any]

BACKENDS: dict[str, Callable[[Data], Any]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "polars-lazy": lambda d: pl.DataFrame(d).lazy(),
    "pyarrow": pa.table,
    "duckdb": lambda d: duckdb.from_arrow(pa.table(d)),
}
LAZY = frozenset({"polars-lazy", "duckdb"})


def sample(n: int = 400, seed: int = 3) -> Data:
    rng = np.random.default_rng(seed)
    return {
        "unit": rng.choice(["S01", "S02", "S03", "D01"], n),
        "period": rng.choice(["2025-01", "2025-02"], n),
        "callback": rng.choice([0, 1, 1, 1, 2, 3], n),
        "contacted": rng.random(n) < 0.9,
        "solved": rng.random(n) < 0.6,
        "satisfaction": rng.choice([0, 1, 2], n),
        "lead": rng.random(n) < 0.8,
        "excluded": rng.random(n) < 0.05,
        "aai": rng.random(n) < 0.05,
    }


def array_tally(d: Data, rules: Rules = RULES) -> Any:
    return tally_many(
        d["unit"],
        d["period"],
        callback=d["callback"],
        contacted=d["contacted"],
        solved=d["solved"],
        satisfaction=d["satisfaction"],
        lead=np.asarray(d["lead"]),
        excluded=np.asarray(d["excluded"]),
        answered_at_intake=np.asarray(d["aai"]),
        rules=rules,
    )


def scorecard_dict(card: Scorecard) -> dict[str, list[Any]]:
    """The array path's scorecard as plain columns, ``None`` where there is no value."""
    data: dict[str, list[Any]] = {}
    for name, column in card.to_arrays().items():
        if isinstance(column, np.ma.MaskedArray):
            mask = np.ma.getmaskarray(column).tolist()
            data[name] = [None if m else v for v, m in zip(column.data.tolist(), mask, strict=True)]
        else:
            data[name] = column.tolist()
    data["group"] = [g or None for g in data["group"]]
    data["grade"] = [g or None for g in data["grade"]]
    if all(c == "" for c in data["category"]):
        del data["category"]
    return data


COLUMNS = ColumnMap(role="lead", excluded="excluded", answered_at_intake="aai")


def to_rows(table: Any) -> list[dict[str, Any]]:
    frame = nw.from_native(table)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    data = frame.to_dict(as_series=False)
    data = {k: [None if v is pd.NA else v for v in values] for k, values in data.items()}
    return dict_rows(data)


def dict_rows(data: dict[str, list[Any]]) -> list[dict[str, Any]]:
    keys = list(data)
    rows = [dict(zip(keys, values, strict=True)) for values in zip(*data.values(), strict=True)]
    return sorted(rows, key=lambda r: (r["unit"], r["period"]))


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_frame_tally_equals_array_tally(backend: str) -> None:
    d = sample()
    assert tally_frame(BACKENDS[backend](d), rules=RULES, columns=COLUMNS) == array_tally(d)


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("attribution", ["lead", "lead_and_co_handlers"])
def test_frame_scores_equal_array_scores(backend: str, attribution: str) -> None:
    rules = Rules.from_mapping({"attribution": {"mode": attribution}}, name="x")
    d = sample(seed=11)
    native = BACKENDS[backend](d)
    out = score_frame(native, rules=rules, columns=COLUMNS, population={"S01": 5000})
    assert type(out) is type(native)
    card = array_tally(d, rules).scores(rules, population={"S01": 5000})
    assert to_rows(out) == dict_rows(scorecard_dict(card))


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["S01", "S02"]),
            st.sampled_from(["2025-01", "2025-02"]),
            st.sampled_from(["已回访", "无法联系", "拒绝回访", "未回访"]),
            st.sampled_from(["是", "否"]),
            st.sampled_from(["是", "否"]),
            st.sampled_from(["满意", "基本满意", "不满意"]),
        ),
        min_size=1,
        max_size=30,
    ),
    backend=st.sampled_from(list(BACKENDS)),
)
def test_chinese_labels_on_any_backend(rows: list[tuple[str, ...]], backend: str) -> None:
    names = ["承办单位", "考核周期", "回访结果", "是否联系", "是否解决", "是否满意"]
    d = {name: [r[i] for r in rows] for i, name in enumerate(names)}
    got = tally_frame(BACKENDS[backend](d), rules=RULES, columns=ColumnMap.chinese())
    want = tally_many(
        d["承办单位"],
        d["考核周期"],
        callback=d["回访结果"],
        contacted=d["是否联系"],
        solved=d["是否解决"],
        satisfaction=d["是否满意"],
        rules=RULES,
    )
    assert got == want


def test_chinese_headers_out() -> None:
    df = pl.DataFrame(
        {
            "承办单位": ["S01", "S02"],
            "考核周期": ["2025-03"] * 2,
            "回访结果": ["已回访", None],
            "是否联系": ["是", None],
            "是否解决": ["是", None],
            "是否满意": ["满意", None],
            "主办/协办": ["主办", "主办"],
            "诉求类别": ["噪声", "噪声"],
        }
    )
    out = score_frame(df, rules=RULES, columns=ColumnMap.chinese(by_category=True), headers="zh")
    assert out.columns[:3] == ["承办单位", "考核周期", "诉求类别"]
    assert set(out.columns) <= set(ZH_HEADERS.values())
    s02 = out.filter(pl.col("承办单位") == "S02").row(0, named=True)
    assert s02["综合成绩"] is None
    assert s02["状态"] == "not rated: no valid callback"


def test_adjustments_and_kinds_through_frames() -> None:
    d = sample(seed=5)
    kinds = {"S01": "street", "S02": "street", "S03": "township", "D01": "district"}
    adj = [Adjustment("S01", "2025-01", "bonus", 0.2, reason="疑难案件", source="市中心")]
    out = score_frame(pd.DataFrame(d), rules=RULES, columns=COLUMNS, kinds=kinds, adjustments=adj)
    card = array_tally(d).scores(RULES, kinds=kinds, adjustments=adj)
    assert to_rows(out) == dict_rows(scorecard_dict(card))
    assert {r["group"] for r in to_rows(out)} == {"streets_and_towns", "districts"}


@pytest.fixture
def bad_data() -> Data:
    return {
        "id": ["T1", "T2", "T3", "T4"],
        "unit": ["S01", None, "S01", "S02"],
        "period": ["2025-03"] * 4,
        "callback": ["answered", "answered", "x", "answered"],
        "contacted": ["是", "是", "是", "也许"],
        "solved": ["是", "是", "是", "否"],
        "satisfaction": ["满意", "满意", "满意", "满意"],
    }


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_bad_rows_reported_all_at_once(backend: str, bad_data: Data) -> None:
    native = BACKENDS[backend](bad_data)
    with pytest.raises(ValidationReport) as info:
        tally_frame(native, rules=RULES, columns=ColumnMap(ticket_id="id"))
    rows = ["T2", "T3", "T4"] if backend in LAZY else [1, 2, 3]
    assert sorted(info.value.lines()) == [
        f"row {rows[0]}, unit: missing unit (got None)",
        f"row {rows[1]}, callback: unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused (got 'x')",
        f"row {rows[2]}, contacted: unknown answer; allowed: 是/否, yes/no, true/false, 1/0 (got '也许')",
    ]
    tally, report = tally_frame(
        native, rules=RULES, columns=ColumnMap(ticket_id="id"), errors="collect"
    )
    assert report.total == 4
    assert len(report) == 3
    assert tally.row("S01", "2025-03")["answered"] == 1


def test_bad_rows_without_ids() -> None:
    d = {
        "unit": ["S01", "S01"],
        "period": ["2025-03"] * 2,
        "callback": [1, 7],
        "contacted": [True, True],
        "solved": [True, None],
        "satisfaction": [2, 2],
    }
    with pytest.raises(ValidationReport) as eager:
        tally_frame(pl.DataFrame(d), rules=RULES)
    assert eager.value.lines() == [
        "row 1, callback: unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused (got 7)"
    ]
    with pytest.raises(ValidationReport) as lazy:
        tally_frame(pl.DataFrame(d).lazy(), rules=RULES)
    assert lazy.value.problems[0].row == "#1 (map ticket_id to name rows)"
    d["callback"] = [1, 1]
    with pytest.raises(ValidationReport, match=r"row 1, solved: unknown answer"):
        tally_frame(pl.DataFrame(d), rules=RULES)


def test_missing_column() -> None:
    with pytest.raises(
        ValidationError,
        match=r"^callback: column not found; the table has: unit, period \(got 'callback'\)$",
    ):
        tally_frame(pl.DataFrame({"unit": ["a"], "period": ["p"]}), rules=RULES)


def test_not_dispatched_and_flag_labels() -> None:
    d = {
        "unit": ["S01", "S01", "S01"],
        "period": ["2025-03"] * 3,
        "callback": [1, 1, 1],
        "contacted": [True, True, True],
        "solved": [True, True, True],
        "satisfaction": [2, 2, 2],
        "nd": ["否", "是", None],
        "role": ["主办", "主办", "协办"],
    }
    cols = ColumnMap(not_dispatched="nd", role="role")
    got = tally_frame(pl.DataFrame(d), rules=RULES, columns=cols)
    assert got.row("S01", "2025-03")["tickets"] == 1
    for flags in ([False, True, None], [0, 1, None]):  # a null flag reads as "no"
        d["nd"] = flags
        d["excl"] = flags[::-1]
        cols = ColumnMap(not_dispatched="nd", excluded="excl")
        row = tally_frame(pl.DataFrame(d), rules=RULES, columns=cols).row("S01", "2025-03")
        assert (row["tickets"], row["excluded"]) == (2, 0)


# ------------------------------------------------------------------------------------------- spark
@pytest.mark.slow
@pytest.mark.spark
# pyspark 4.3 warns about pandas 3 when it converts to and from Arrow; nothing here depends on it
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_through_the_same_narwhals_path(spark: Any) -> None:
    d = sample(n=300, seed=21)
    frame = spark.createDataFrame(pd.DataFrame(d))
    out = score_frame(frame, rules=RULES, columns=COLUMNS)
    assert type(out).__name__ == "DataFrame"
    assert type(out).__module__.startswith("pyspark")
    card = array_tally(d).scores(RULES)
    assert to_rows(out) == dict_rows(scorecard_dict(card))


def test_score_many_matches_score_frame_ranks() -> None:
    d = sample(n=2000, seed=8)
    card = score_many(
        d["unit"],
        d["period"],
        callback=d["callback"],
        contacted=d["contacted"],
        solved=d["solved"],
        satisfaction=d["satisfaction"],
        rules=RULES,
    )
    out = score_frame(pl.DataFrame(d), rules=RULES)
    ranks = {(s.unit, s.period): s.rank for s in card.rows()}
    assert {(r["unit"], r["period"]): r["rank"] for r in to_rows(out)} == ranks


def test_date_periods_round_trip() -> None:
    d = {
        "unit": ["S01", "S01", "S02"],
        "period": [dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1)],
        "callback": [1, 1, 0],
        "contacted": [True, True, False],
        "solved": [True, False, False],
        "satisfaction": [2, 2, 0],
    }
    out = score_frame(pl.DataFrame(d), rules=RULES)
    assert out["period"].dtype == pl.Date
    assert out.filter(pl.col("unit") == "S01")["resolution"].to_list() == [50.0]


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_breakdown_frame_equals_breakdown_arrays(backend: str) -> None:
    d = sample(n=200, seed=17)
    d["id"] = [f"T{i}" for i in range(200)]
    cols = ColumnMap(ticket_id="id", role="lead", excluded="excluded", answered_at_intake="aai")
    got = breakdown_frame(BACKENDS[backend](d), of=("S01", "2025-01"), rules=RULES, columns=cols)
    want = breakdown_arrays(
        np.array(d["id"]),
        d["unit"],
        d["period"],
        callback=d["callback"],
        contacted=d["contacted"],
        solved=d["solved"],
        satisfaction=d["satisfaction"],
        rules=RULES,
        of=("S01", "2025-01"),
        lead=d["lead"],
        excluded=d["excluded"],
        answered_at_intake=d["aai"],
    )
    assert got == want
    assert (
        len(got.counted)
        == tally_frame(BACKENDS[backend](d), rules=RULES, columns=cols).row("S01", "2025-01")[
            "tickets"
        ]
    )


def test_breakdown_frame_needs_ids_and_reads_labels() -> None:
    with pytest.raises(ValidationError, match=r"^ticket_id: a breakdown names tickets"):
        breakdown_frame(pl.DataFrame(sample(n=5)), of=("S01", "2025-01"), rules=RULES)
    d = {
        "id": ["T1", "T2", "T3"],
        "unit": ["S01"] * 3,
        "period": ["2025-03"] * 3,
        "callback": [1, None, 1],
        "contacted": [True, None, None],
        "solved": [1, None, 1],
        "satisfaction": ["满意", None, "满意"],
    }
    with pytest.raises(ValidationReport, match=r"row 2, contacted: unknown answer"):
        breakdown_frame(
            pl.DataFrame(d), of=("S01", "2025-03"), rules=RULES, columns=ColumnMap(ticket_id="id")
        )
    d["contacted"] = [True, None, False]
    b = breakdown_frame(
        pl.DataFrame(d), of=("S01", "2025-03"), rules=RULES, columns=ColumnMap(ticket_id="id")
    )
    assert b.responded == {"T1": 1, "T3": 0}
    assert b.no_valid_callback == {"T2": "no valid callback: no callback yet (未回访)"}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_sample_export_bad_rows_are_all_found(backend: str) -> None:
    raw = raw_score_table(n=200, seed=1)
    data = {name: [row[name] for row in raw.rows] for name in raw.headers}
    tally, report = tally_frame(
        BACKENDS[backend](data), rules=RULES, columns=ColumnMap.chinese(), errors="collect"
    )
    ids = tuple(raw.rows[i]["工单编号"] for i in sorted(raw.bad_rows))
    assert report.rows == (ids if backend in LAZY else tuple(sorted(raw.bad_rows)))
    assert {p.field for p in report.problems} == {
        "是否满意",
        "是否解决",
        "回访结果",
        "是否联系",
        "承办单位",
        "考核周期",
        "主办/协办",
        "是否剔除",
    }
    assert tally.counts.sum() > 0


# ------------------------------------------------------------------------- statistics proof
@pytest.mark.parametrize("backend", list(BACKENDS))
def test_statistics_proof_never_hides_a_bad_row(backend: str) -> None:
    """Coded columns in range skip the row check; out of range they do not, and bad rows surface."""
    d = sample()
    clean = BACKENDS[backend](d)
    assert tally_frame(clean, rules=RULES, columns=COLUMNS) == array_tally(d)
    # an out-of-range satisfaction on a row not answered fails the proof but is not a bad row
    unanswered = int(np.flatnonzero(d["callback"] != 1)[0])
    d["satisfaction"] = d["satisfaction"].copy()
    d["satisfaction"][unanswered] = 9
    assert tally_frame(BACKENDS[backend](d), rules=RULES, columns=COLUMNS) == array_tally(
        d | {"satisfaction": np.where(d["satisfaction"] == 9, 0, d["satisfaction"])}
    )
    # the same value on an answered (and counted) row is bad, and reported
    answered = int(np.flatnonzero((d["callback"] == 1) & d["lead"] & ~d["aai"])[0])
    d["satisfaction"][answered] = 9
    d["id"] = [f"T{i}" for i in range(len(d["unit"]))]
    with pytest.raises(ValidationReport) as info:
        tally_frame(BACKENDS[backend](d), rules=RULES, columns=attrs_evolve_id(COLUMNS))
    row = f"T{answered}" if backend in LAZY else answered
    assert info.value.lines() == [
        f"row {row}, satisfaction: unknown satisfaction; allowed: 0-2 or 满意/基本满意/不满意 (got 9)"
    ]


def attrs_evolve_id(cols: ColumnMap) -> ColumnMap:
    return ColumnMap(
        ticket_id="id",
        role=cols.role,
        excluded=cols.excluded,
        answered_at_intake=cols.answered_at_intake,
    )


@pytest.mark.parametrize("n_labels", [0, 1, 3, 16, 17, 40])
def test_few_strings_equal_a_plain_conversion(n_labels: int) -> None:
    """Coded text columns convert exactly like element-by-element ones, blanks as nulls or kept."""
    from jiesu.scoring._frames import _few_strings  # noqa: PLC0415 - a private helper under test

    labels = np.array(["", *(f"组{i}" for i in range(max(n_labels - 1, 0)))])[:n_labels]
    column = labels[np.arange(3 * n_labels) % n_labels] if n_labels else labels
    assert _few_strings(column, blank_is_null=True).to_pylist() == [
        v or None for v in column.tolist()
    ]
    assert _few_strings(column, blank_is_null=False).to_pylist() == column.tolist()
