from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import ValidationError, ValidationReport
from jiesu.scoring import (
    Adjustment,
    Exclusion,
    Rules,
    Tally,
    _bulk,
    breakdown_arrays,
    excluded_many,
    score_many,
    tally_many,
)

RULES = Rules.preset("beijing-2021")
BOTH = attrs.evolve(RULES, attribution="lead_and_co_handlers")


def reference(rows: list[dict[str, Any]], rules: Rules) -> Tally:
    """A row-by-row reading of DOMAIN §4, independent of the array code."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r["aai"] or r["nd"] or (rules.attribution == "lead" and not r["lead"]):
            continue
        c = counts[r["unit"], r["period"]]
        if r["excluded"]:
            c["excluded"] += 1
            continue
        c["tickets"] += 1
        outcome = ("none", "answered", "unreachable", "refused")[r["callback"]]
        if outcome in ("unreachable", "refused"):
            c[outcome] += 1
        elif outcome == "answered":
            c["answered"] += 1
            c["contacted"] += r["contacted"]
            c["solved"] += r["solved"]
            c["satisfied"] += r["satisfaction"] == 2
            c["basically_satisfied"] += r["satisfaction"] == 1
    keys = sorted(counts)
    return Tally.from_counts(
        [k[0] for k in keys], [k[1] for k in keys], [dict(counts[k]) for k in keys]
    )


row_strategy = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(["S01", "S02", "D01"]),
        "period": st.sampled_from(["2025-01", "2025-02"]),
        "callback": st.integers(0, 3),
        "contacted": st.booleans(),
        "solved": st.booleans(),
        "satisfaction": st.integers(0, 2),
        "aai": st.booleans(),
        "nd": st.just(value=False) | st.booleans(),
        "lead": st.booleans(),
        "excluded": st.booleans(),
    }
)


def arrays(rows: list[dict[str, Any]]) -> dict[str, npt.NDArray[Any]]:
    def col(name: str, dtype: Any) -> npt.NDArray[Any]:
        return np.array([r[name] for r in rows], dtype=dtype).reshape(len(rows))

    return {
        "unit": col("unit", str),
        "period": col("period", str),
        "callback": col("callback", np.int8),
        "contacted": col("contacted", bool),
        "solved": col("solved", bool),
        "satisfaction": col("satisfaction", np.int8),
        "answered_at_intake": col("aai", bool),
        "not_dispatched": col("nd", bool),
        "lead": col("lead", bool),
        "excluded": col("excluded", bool),
    }


def run(a: dict[str, npt.NDArray[Any]], rules: Rules = RULES) -> Tally:
    return tally_many(
        a["unit"],
        a["period"],
        callback=a["callback"],
        contacted=a["contacted"],
        solved=a["solved"],
        satisfaction=a["satisfaction"],
        answered_at_intake=a["answered_at_intake"],
        not_dispatched=a["not_dispatched"],
        lead=a["lead"],
        excluded=a["excluded"],
        rules=rules,
    )


@given(st.lists(row_strategy, max_size=60), st.sampled_from([RULES, BOTH]))
def test_array_path_equals_row_by_row_reading(rows: list[dict[str, Any]], rules: Rules) -> None:
    assert run(arrays(rows), rules) == reference(rows, rules)


@given(st.lists(row_strategy, max_size=40), st.integers(1, 9))
def test_chunks_give_the_same_numbers(rows: list[dict[str, Any]], cut: int) -> None:
    a = arrays(rows)
    whole = run(a)
    parts = [
        run({k: v[i : i + cut] for k, v in a.items()}) for i in range(0, max(len(rows), 1), cut)
    ]
    assert sum(parts, Tally.empty()) == whole


def test_small_internal_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        {
            "unit": u,
            "period": p,
            "callback": cb,
            "contacted": True,
            "solved": cb % 2 == 0,
            "satisfaction": cb % 3,
            "aai": False,
            "nd": False,
            "lead": True,
            "excluded": False,
        }
        for u in ("S01", "S02")
        for p in ("2025-01", "2025-02")
        for cb in range(4)
    ]
    expected = run(arrays(rows))
    monkeypatch.setattr(_bulk, "_CHUNK", 3)
    assert run(arrays(rows)) == expected


def test_labels_codes_and_dtypes_agree() -> None:
    coded = tally_many(
        np.array([7, 7, 9], dtype=np.int64),
        np.array([3, 3, 3], dtype=np.uint8),
        callback=np.array([1, 2, 1], dtype=np.int32),
        contacted=np.array([1, 0, 1], dtype=np.uint8),
        solved=np.array([1.0, 0.0, 0.0]),
        satisfaction=np.array([2, 0, 1], dtype=np.int16),
        rules=RULES,
    )
    labelled = tally_many(
        np.array([7, 7, 9]),
        np.array([3, 3, 3]),
        callback=["已回访", "无法联系", "answered"],
        contacted=["是", "否", "YES"],
        solved=["是", "否", " no "],
        satisfaction=["满意", "不满意", "基本满意"],
        rules=RULES,
    )
    assert coded == labelled
    assert coded.row(7, 3) == {
        "tickets": 2,
        "excluded": 0,
        "answered": 1,
        "unreachable": 1,
        "refused": 0,
        "contacted": 1,
        "solved": 1,
        "satisfied": 1,
        "basically_satisfied": 0,
    }


def test_strided_and_sliced_inputs() -> None:
    base = np.tile(np.repeat(np.arange(4, dtype=np.int64), 2), 5)  # strided: 0, 1, 2, 3, 0, ...
    contacted = np.ones(40, dtype=bool)[::2]
    t = tally_many(
        np.repeat(np.array(["S01", "S02"]), 20)[::2],
        np.full(40, "2025-01")[::2],
        callback=base[::2],
        contacted=contacted,
        solved=contacted,
        satisfaction=(base % 3)[::2],
        rules=RULES,
    )
    assert t.row("S01", "2025-01")["tickets"] == 10
    assert t.row("S01", "2025-01")["answered"] == 3


def test_large_integer_codes_and_datetime_periods() -> None:
    units = np.array([10**12, 5, 10**12])
    periods = np.array(["2025-03", "2025-03", "2025-04"], dtype="datetime64[M]")
    t = tally_many(
        units,
        periods,
        callback=[1, 1, 0],
        contacted=[1, 1, 0],
        solved=[1, 0, 0],
        satisfaction=[2, 2, 0],
        rules=RULES,
    )
    assert t.units.tolist() == [5, 10**12, 10**12]
    assert t.row(10**12, np.datetime64("2025-03"))["solved"] == 1


def test_bad_rows_are_all_reported_once() -> None:
    args: dict[str, Any] = {
        "callback": ["answered", "answered", "maybe", "none", "answered"],
        "contacted": ["是", "也许", "是", "是", "是"],
        "solved": ["是", "否", "是", "是", 3],
        "satisfaction": ["满意", "满意", "满意", "很好", "很好"],
    }
    units = np.array(["S01", "S01", "", "S02", "S02"], dtype=object)
    periods = np.array(["2025-03", None, "2025-03", "2025-03", "2025-03"], dtype=object)
    with pytest.raises(ValidationReport) as info:
        tally_many(units, periods, rules=RULES, **args)
    assert info.value.lines() == [
        "row 1, contacted: unknown answer; allowed: 是/否, yes/no, true/false, 1/0 (got '也许')",
        "row 1, period: missing period (got None)",
        "row 2, callback: unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused (got 'maybe')",
        "row 2, unit: missing unit (got '')",
        "row 4, satisfaction: unknown satisfaction; allowed: 0-2 or 满意/基本满意/不满意 (got '很好')",
        "row 4, solved: unknown answer; allowed: 是/否, yes/no, true/false, 1/0 (got '3')",
    ]
    assert str(info.value).startswith("3 of 5 rows failed validation:")
    tally, report = tally_many(units, periods, rules=RULES, errors="collect", **args)
    assert report.rows == (1, 2, 4)
    assert tally.row("S01", "2025-03")["tickets"] == 1  # the good rows still count
    assert (
        tally.row("S02", "2025-03")["tickets"] == 1
    )  # row 3: 'none' callback, bad satisfaction unread


def test_bad_integer_codes_and_missing_floats() -> None:
    with pytest.raises(ValidationReport) as info:
        tally_many(
            np.array([1.0, np.nan]),
            np.array(["2025-03", "2025-03"]),
            callback=np.array([9, 1], dtype=np.int8),
            contacted=np.array([1, 1]),
            solved=np.array([1, 1]),
            satisfaction=np.array([-1, 7], dtype=np.int64),
            rules=RULES,
        )
    assert info.value.lines() == [
        "row 0, callback: unknown callback outcome; allowed: 0-3 or none/answered/unreachable/refused (got 9)",
        "row 1, satisfaction: unknown satisfaction; allowed: 0-2 or 满意/基本满意/不满意 (got 7)",
        "row 1, unit: missing unit (got nan)",
    ]


def test_rows_that_do_not_count_are_not_checked() -> None:
    t = tally_many(
        np.array(["", "S01"]),
        np.array(["2025-03", "2025-03"]),
        callback=["??", "answered"],
        contacted=[True, True],
        solved=[True, True],
        satisfaction=[2, 2],
        answered_at_intake=np.array([True, False]),
        rules=RULES,
    )
    assert t.row("S01", "2025-03")["answered"] == 1
    assert len(t) == 1


def test_categories_split_counts() -> None:
    t = tally_many(
        ["S01"] * 3,
        ["2025-03"] * 3,
        callback=[1, 1, 1],
        contacted=[1, 1, 1],
        solved=[1, 0, 1],
        satisfaction=[2, 2, 2],
        category=["噪声", "供暖", "噪声"],
        rules=RULES,
    )
    assert t.row("S01", "2025-03", "噪声")["solved"] == 2
    assert t.by_unit_period().row("S01", "2025-03")["tickets"] == 3


def test_shape_and_flag_errors() -> None:
    with pytest.raises(
        ValidationError, match=r"^solved: must have the same length as unit \(2\) \(got \(1,\)\)$"
    ):
        tally_many(
            ["a", "b"],
            ["p", "p"],
            callback=[1, 1],
            contacted=[1, 1],
            solved=[1],
            satisfaction=[2, 2],
            rules=RULES,
        )
    with pytest.raises(
        ValidationError, match=r"^lead: must be a boolean array of length 2 \(got 'int64\(2,\)'\)$"
    ):
        tally_many(
            ["a", "b"],
            ["p", "p"],
            callback=[1, 1],
            contacted=[1, 1],
            solved=[1, 1],
            satisfaction=[2, 2],
            lead=[1, 0],
            rules=RULES,
        )


def test_empty_input() -> None:
    t = tally_many(
        np.array([], dtype=str),
        np.array([], dtype=str),
        callback=[],
        contacted=[],
        solved=[],
        satisfaction=[],
        rules=RULES,
    )
    assert t == Tally.empty()
    assert (
        len(score_many([], [], callback=[], contacted=[], solved=[], satisfaction=[], rules=RULES))
        == 0
    )


def test_score_many_end_to_end() -> None:
    card = score_many(
        ["S01", "S01", "S02", "S02"],
        ["2025-03"] * 4,
        callback=[1, 1, 1, 2],
        contacted=[1, 1, 1, 0],
        solved=[1, 0, 1, 0],
        satisfaction=[2, 1, 2, 0],
        rules=Rules.preset("beijing-2025"),
        excluded=np.array([False, False, False, True]),
        population={"S01": 20_000},
    )
    rows = {s.unit: s for s in card.rows()}
    assert rows["S02"].composite == 100
    assert rows["S02"].excluded == 1
    assert rows["S01"].satisfaction == 95
    assert rows["S01"].per_10k_led == 1
    assert [s.unit for s in card.rows()] == ["S02", "S01"]


def test_excluded_many_follows_the_rules() -> None:
    rules = attrs.evolve(RULES, exclusion_approvers=("市中心",))
    exclusions = [
        Exclusion("T1", "malicious", approver="市中心"),
        Exclusion("T2", "malicious", approver="街道"),
        Exclusion("T3", "weather", approver="市中心"),
    ]
    assert excluded_many(["T1", "T2", "T3", "T4"], exclusions, rules).tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert Exclusion("T2", "malicious", approver="街道").applies(rules) == (
        False,
        "approver '街道' may not approve exclusions under beijing-2021",
    )
    with pytest.raises(
        ValidationError, match=r"^ticket_id: must be a non-empty string \(got ''\)$"
    ):
        Exclusion("", "malicious", approver="x")


def test_adjustment_checks() -> None:
    with pytest.raises(ValidationError, match=r"^points: must be a number \(got 'x'\)$"):
        Adjustment("S01", "2025-03", "bonus", "x")
    with pytest.raises(
        ValidationError, match=r"^points: must not be negative \(use kind='deduction'\) \(got -1\)$"
    ):
        Adjustment("S01", "2025-03", "bonus", -1)
    with pytest.raises(
        ValidationError, match=r"^kind: must be 'bonus' or 'deduction' \(got 'gift'\)$"
    ):
        Adjustment("S01", "2025-03", "gift", 1)  # type: ignore[arg-type] # bad on purpose


@given(st.lists(row_strategy, max_size=40), st.sampled_from(["exclude", "failure"]))
def test_breakdown_arrays_agrees_with_the_tally(rows: list[dict[str, Any]], policy: Any) -> None:
    rules = attrs.evolve(RULES, unreachable=policy, refused=policy)
    a = arrays(rows)
    ids = np.array([f"T{i}" for i in range(len(rows))], dtype=str).reshape(len(rows))
    tally = run(a, rules)
    scores = {(s.unit, s.period): s for s in tally.scores(rules).rows()}
    for unit, period in zip(tally.units.tolist(), tally.periods.tolist(), strict=True):
        b = breakdown_arrays(
            ids,
            a["unit"],
            a["period"],
            callback=a["callback"],
            contacted=a["contacted"],
            solved=a["solved"],
            satisfaction=a["satisfaction"],
            rules=rules,
            of=(unit, period),
            lead=a["lead"],
            answered_at_intake=a["answered_at_intake"],
            not_dispatched=a["not_dispatched"],
            excluded=a["excluded"],
        )
        row = tally.row(unit, period)
        assert len(b.counted) == row["tickets"]
        assert len(b.excluded) == row["excluded"]
        score = scores[unit, period]
        assert len(b.valid) == score.valid
        assert len(b.valid) + len(b.no_valid_callback) == len(b.counted)
        if b.valid:
            assert score.resolution == rules.round(
                Decimal(100) * sum(b.solved.values()) / len(b.valid)
            )
            assert score.satisfaction == rules.round(
                Decimal(100) * sum(b.satisfaction.values()) / len(b.valid)
            )


def test_breakdown_arrays_names_approvers_and_reports_bad_rows() -> None:
    kwargs: dict[str, Any] = {
        "callback": [1, 1, 3],
        "contacted": [1, 1, 0],
        "solved": [1, 1, 0],
        "satisfaction": [2, 2, 0],
        "rules": RULES,
        "of": ("S01", "2025-03"),
    }
    b = breakdown_arrays(
        ["T1", "T2", "T3"],
        ["S01"] * 3,
        ["2025-03"] * 3,
        excluded=np.array([False, True, False]),
        exclusions=[Exclusion("T2", "malicious", approver="区中心")],
        **kwargs,
    )
    assert b.excluded == {"T2": "malicious approved by 区中心"}
    assert b.no_valid_callback == {
        "T3": "no valid callback: refused (拒绝回访) leaves the denominator under beijing-2021"
    }
    failing = attrs.evolve(RULES, refused="failure")
    b = breakdown_arrays(
        ["T1", "T2", "T3"], ["S01"] * 3, ["2025-03"] * 3, **(kwargs | {"rules": failing})
    )
    assert (b.valid, b.solved["T3"], b.satisfaction["T3"]) == (
        ("T1", "T2", "T3"),
        Decimal(0),
        Decimal(0),
    )
    plain = breakdown_arrays(
        ["T1", "T2", "T3"],
        ["S01"] * 3,
        ["2025-03"] * 3,
        excluded=np.array([True, False, False]),
        **kwargs,
    )
    assert plain.excluded == {"T1": "excluded by an approved request"}
    kwargs["satisfaction"] = [2, 9, 0]
    with pytest.raises(ValidationReport, match=r"row 1, satisfaction: unknown satisfaction"):
        breakdown_arrays(["T1", "T2", "T3"], ["S01"] * 3, ["2025-03"] * 3, **kwargs)
