from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import RuleError, ValidationError, ValidationReport
from jiesu.model import Unit, UnitKind
from jiesu.scoring import COUNTS, Adjustment, Points, Rules, Tally
from jiesu.scoring._scorecard import _scaled

RULES = Rules.preset("beijing-2021")


@st.composite
def count_rows(draw: st.DrawFn) -> dict[str, int]:
    answered = draw(st.integers(0, 30))
    unreachable = draw(st.integers(0, 5))
    refused = draw(st.integers(0, 5))
    satisfied = draw(st.integers(0, answered))
    return {
        "tickets": answered + unreachable + refused + draw(st.integers(0, 5)),
        "excluded": draw(st.integers(0, 3)),
        "answered": answered,
        "unreachable": unreachable,
        "refused": refused,
        "contacted": draw(st.integers(0, answered)),
        "solved": draw(st.integers(0, answered)),
        "satisfied": satisfied,
        "basically_satisfied": draw(st.integers(0, answered - satisfied)),
    }


@st.composite
def tallies(draw: st.DrawFn) -> Tally:
    n = draw(st.integers(0, 6))
    units = draw(st.lists(st.sampled_from(["S01", "S02", "D01"]), min_size=n, max_size=n))
    periods = draw(st.lists(st.sampled_from(["2025-01", "2025-02"]), min_size=n, max_size=n))
    rows = draw(st.lists(count_rows(), min_size=n, max_size=n))
    categories = draw(st.lists(st.sampled_from(["", "噪声", "供暖"]), min_size=n, max_size=n))
    return Tally.from_counts(units, periods, rows, categories=categories)


@given(tallies(), tallies(), tallies())
def test_merge_is_associative_and_commutative(a: Tally, b: Tally, c: Tally) -> None:
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert a + Tally.empty() == a == Tally.empty() + a


@given(tallies(), tallies())
def test_merge_adds_counts(a: Tally, b: Tally) -> None:
    merged = a + b
    assert merged.counts.sum() == a.counts.sum() + b.counts.sum()
    keys = zip(
        merged.units.tolist(), merged.periods.tolist(), merged.categories.tolist(), strict=True
    )
    for unit, period, category in keys:
        row = merged.row(unit, period, category)
        assert row == {
            k: a.row(unit, period, category)[k] + b.row(unit, period, category)[k] for k in COUNTS
        }
    assert merged.by_unit_period() == a.by_unit_period() + b.by_unit_period()


@given(tallies())
def test_tally_pickles_for_other_processes(t: Tally) -> None:
    assert pickle.loads(pickle.dumps(t)) == t  # noqa: S301 - our own bytes, as multiprocessing sends them


@given(tallies())
def test_rates_are_within_bounds_and_never_nan(t: Tally) -> None:
    card = t.scores(RULES)
    for score in card.rows():
        if score.rated:
            for rate in (score.response, score.resolution, score.satisfaction, score.composite):
                assert rate is not None
                assert 0 <= rate <= 100
                assert rate.is_finite()
        else:
            assert score.composite is None
            assert score.rank is None
    arrays = card.to_arrays()
    assert not np.isnan(np.ma.filled(arrays["composite"], 0)).any()


def test_tally_repr_len_and_equality() -> None:
    t = Tally.from_counts(["S01"], ["2025-03"], [{"tickets": 2, "answered": 1, "excluded": 1}])
    assert len(t) == 1
    assert repr(t) == "Tally(keys=1, tickets=2, excluded=1)"  # counts, not the sum of every column
    assert t != Tally.empty()
    assert t.__eq__(3) is NotImplemented
    assert t.__add__(3) is NotImplemented
    assert t.row("S09", "2025-03")["tickets"] == 0


def test_from_counts_checks() -> None:
    with pytest.raises(ValidationError, match=r"^counts\[0\]: unknown count; allowed: tickets"):
        Tally.from_counts(["S01"], ["2025-03"], [{"calls": 1}])
    with pytest.raises(
        ValidationError, match=r"^counts\[0\].tickets: must not be negative \(got -1\)$"
    ):
        Tally.from_counts(["S01"], ["2025-03"], [{"tickets": -1}])
    with pytest.raises(
        ValidationError, match=r"^counts\[0\].solved: exceeds answered \(1\) \(got 2\)$"
    ):
        Tally.from_counts(["S01"], ["2025-03"], [{"tickets": 2, "answered": 1, "solved": 2}])
    with pytest.raises(
        ValidationError, match=r"^counts\[0\].answered: exceeds tickets \(1\) \(got 2\)$"
    ):
        Tally.from_counts(["S01"], ["2025-03"], [{"tickets": 1, "answered": 1, "refused": 1}])


def _one(rows: dict[str, dict[str, int]], period: str = "2025-03") -> Tally:
    return Tally.from_counts(list(rows), [period] * len(rows), list(rows.values()))


def test_scores_by_hand() -> None:
    # 40 valid callbacks: 39 contacted, 15 solved, 17 satisfied → 97.50, 37.50, 42.50 → 51.50
    t = _one(
        {
            "S01": {
                "tickets": 45,
                "answered": 40,
                "unreachable": 3,
                "contacted": 39,
                "solved": 15,
                "satisfied": 17,
            }
        }
    )
    score = t.scores(RULES).get("S01", "2025-03")
    assert (score.response, score.resolution, score.satisfaction) == (
        Points("97.50"),
        Points("37.50"),
        Points("42.50"),
    )
    assert score.composite == Points("51.50")
    assert (score.volume, score.valid, score.rank, score.grade) == (45, 40, 1, "治理")
    assert score.status == "rated"
    failure = attrs.evolve(RULES, unreachable="failure").composite
    card = t.scores(attrs.evolve(RULES, unreachable="failure"))
    assert card.get("S01", "2025-03").valid == 43
    assert card.get("S01", "2025-03").composite == failure(
        response=Decimal(3900) / 43, resolution=Decimal(1500) / 43, satisfaction=Decimal(1700) / 43
    )


def test_basically_satisfied_value_enters_satisfaction() -> None:
    t = _one(
        {
            "S01": {
                "tickets": 10,
                "answered": 10,
                "contacted": 10,
                "solved": 10,
                "satisfied": 5,
                "basically_satisfied": 5,
            }
        }
    )
    assert t.scores(Rules.preset("beijing-2021")).get("S01", "2025-03").satisfaction == 100
    assert t.scores(Rules.preset("beijing-2025")).get("S01", "2025-03").satisfaction == 95


def test_not_rated_is_never_zero() -> None:
    t = _one(
        {"S01": {"tickets": 3, "unreachable": 3}, "S02": {"tickets": 1, "answered": 1, "solved": 1}}
    )
    card = t.scores(RULES)
    s01 = card.get("S01", "2025-03")
    assert s01.status == "not rated: no valid callback"
    assert (s01.composite, s01.response, s01.rank, s01.grade) == (None, None, None, None)
    assert not s01.rated
    guarded = t.scores(attrs.evolve(RULES, min_valid_callbacks=2)).get("S02", "2025-03")
    assert guarded.status == "not rated: fewer than 2 valid callbacks"
    arrays = card.to_arrays()
    assert np.ma.getmaskarray(arrays["composite"]).tolist() == [True, False]
    assert np.ma.getmaskarray(arrays["rank"]).tolist() == [True, False]


def test_dense_rank_with_volume_tie_break() -> None:
    same = {"answered": 10, "contacted": 10, "solved": 5, "satisfied": 5}
    t = _one(
        {
            "A": {"tickets": 10, **same},
            "B": {"tickets": 12, **same},
            "C": {"tickets": 12, **same},
            "D": {"tickets": 10, "answered": 10, "contacted": 10},
            "E": {"tickets": 10, "answered": 10, "contacted": 10, "solved": 10, "satisfied": 10},
        }
    )
    ranks = {s.unit: s.rank for s in t.scores(RULES).rows()}
    assert ranks == {"E": 1, "B": 2, "C": 2, "A": 3, "D": 4}
    only_composite = attrs.evolve(RULES, tie_break=("composite",))
    ranks = {s.unit: s.rank for s in t.scores(only_composite).rows()}
    assert ranks == {"E": 1, "A": 2, "B": 2, "C": 2, "D": 3}
    by_resolution = attrs.evolve(
        RULES, tie_break=("composite", "resolution", "satisfaction", "response")
    )
    assert {s.unit: s.rank for s in t.scores(by_resolution).rows()}["D"] == 3


def test_rank_within_groups_and_periods() -> None:
    row = {"tickets": 4, "answered": 4, "contacted": 4, "solved": 2, "satisfied": 3}
    better = {"tickets": 4, "answered": 4, "contacted": 4, "solved": 4, "satisfied": 4}
    t = Tally.from_counts(
        ["S01", "S02", "D01", "S01", "C01"],
        ["2025-01", "2025-01", "2025-01", "2025-02", "2025-01"],
        [row, better, row, row, better],
    )
    kinds = {
        "S01": UnitKind.STREET,
        "S02": "township",
        "D01": Unit("D01", "示例区", "district"),
        "C01": "community",
    }
    card = t.scores(RULES, kinds=kinds)
    got = {(s.unit, s.period): (s.group, s.rank) for s in card.rows()}
    assert got == {
        ("S02", "2025-01"): ("streets_and_towns", 1),
        ("S01", "2025-01"): ("streets_and_towns", 2),
        ("D01", "2025-01"): ("districts", 1),
        ("S01", "2025-02"): ("streets_and_towns", 1),
        ("C01", "2025-01"): (None, None),
    }
    with pytest.raises(
        ValidationError, match=r"^kinds: unit has no kind in the kinds table \(got 'C01'\)$"
    ):
        t.scores(RULES, kinds={"S01": "street"})


def test_per_10k_and_adjustments() -> None:
    t = _one(
        {
            "S01": {
                "tickets": 90,
                "excluded": 10,
                "answered": 10,
                "contacted": 10,
                "solved": 9,
                "satisfied": 9,
            },
            "S02": {"tickets": 5, "answered": 5, "contacted": 5},
        }
    )
    adjustments = [
        Adjustment("S01", "2025-03", "bonus", "1.5", reason="疑难案件", source="市中心"),
        Adjustment("S01", "2025-03", "bonus", 1, reason="每月一题", source="市中心"),
        Adjustment("S01", "2025-03", "deduction", Decimal("0.3"), reason="督办", source="区中心"),
    ]
    card = t.scores(RULES, population={"S01": 43_871}, adjustments=adjustments)
    s01 = card.get("S01", "2025-03")
    assert s01.weighted == Points("92.00")
    assert (s01.bonus, s01.deduction) == (Points("2.00"), Points("0.30"))
    assert s01.composite == Points("93.70")
    assert s01.per_10k_led == Points("22.79")  # 100 tickets / 43,871 × 10,000
    assert s01.per_10k is None  # no area volume: 万人诉求量 is not guessed from the tickets led
    assert card.get("S02", "2025-03").per_10k_led is None
    assert card.get("S02", "2025-03").composite == Points("20.00")
    with pytest.raises(
        ValidationReport,
        match=r"row 1, unit: no such unit and period in the tally \(got \('S09', '2025-03'\)\)",
    ):
        t.scores(RULES, adjustments=[adjustments[0], Adjustment("S09", "2025-03", "bonus", 1)])


def test_object_labels_and_no_clamp() -> None:
    t = Tally.from_counts(
        np.array(["S01"], dtype=object), ("2025-03",), [{"tickets": 1, "answered": 1}]
    )
    assert t.units.dtype.kind == "U"
    free = attrs.evolve(RULES, clamp=False)
    assert t.scores(free).get("S01", "2025-03").composite == Points("0.00")


def test_get_missing_row() -> None:
    with pytest.raises(ValidationError, match=r"^unit: no such unit and period in the scorecard"):
        _one({"S01": {"tickets": 1}}).scores(RULES).get("S02", "2025-03")


def test_repr_and_len_of_scorecard() -> None:
    card = _one({"S01": {"tickets": 1}}).scores(RULES)
    assert repr(card) == "Scorecard(rules='beijing-2021', rows=1)"
    assert len(card) == 1


def test_round_rates_off_and_half_even() -> None:
    # 2 of 3 solved = 66.666…%: rounded first 66.67 → ×0.4 = 26.668
    t = _one({"S01": {"tickets": 3, "answered": 3, "solved": 2}})
    assert t.scores(RULES).get("S01", "2025-03").composite == Points("26.67")
    exact = attrs.evolve(RULES, round_rates=False)
    assert t.scores(exact).get("S01", "2025-03").composite == Points("26.67")
    assert t.scores(attrs.evolve(RULES, rounding="half_even")).get(
        "S01", "2025-03"
    ).resolution == Points("66.67")


def test_threshold_family_on_tally() -> None:
    rules = Rules.preset("threshold-points")
    rows = {"tickets": 10, "answered": 10, "contacted": 9, "solved": 7, "satisfied": 7}
    t = _one({"S01": rows})
    got = t.scores(rules).get("S01", "2025-03")
    assert got.composite == rules.composite(response=90, resolution=70, satisfaction=70)
    low = _one({"S01": rows | {"contacted": 8}}).scores(rules).get("S01", "2025-03")
    assert low.composite == Points("56.00")
    exact = attrs.evolve(rules, round_rates=False)
    assert _one({"S01": rows | {"contacted": 8}}).scores(exact).get(
        "S01", "2025-03"
    ).composite == Points("56.00")
    assert t.scores(exact).get("S01", "2025-03").composite == Points("74.00")


def test_scalar_composite_agrees_with_tally() -> None:
    rng = np.random.default_rng(7)
    three = (Rules.preset(n) for n in Rules.presets())  # the bulk paths count the three rates
    for rules in (
        r for r in three if tuple(r.weights) == ("response", "resolution", "satisfaction")
    ):
        for _ in range(40):
            answered = int(rng.integers(1, 500))
            c, s, m = (int(x) for x in rng.integers(0, answered + 1, 3))
            t = _one(
                {
                    "X": {
                        "tickets": answered,
                        "answered": answered,
                        "contacted": c,
                        "solved": s,
                        "satisfied": m,
                    }
                }
            )
            score = t.scores(attrs.evolve(rules, min_valid_callbacks=1)).get("X", "2025-03")
            expected = rules.composite(
                response=Decimal(100 * c) / answered,
                resolution=Decimal(100 * s) / answered,
                satisfaction=Decimal(100 * m) / answered,
            )
            assert score.composite == expected


@pytest.mark.parametrize("combine", ["pooled", "mean_of_monthly"])
def test_combine_periods(combine: Any) -> None:
    rules = attrs.evolve(RULES, combine=combine)
    t = Tally.from_counts(
        ["S01", "S01", "S01", "S02"],
        ["2025-01", "2025-02", "2025-03", "2025-01"],
        [
            {"tickets": 10, "answered": 10, "contacted": 10, "solved": 10, "satisfied": 10},
            {"tickets": 30, "answered": 30, "contacted": 30},
            {"tickets": 2, "unreachable": 2},
            {"tickets": 1, "unreachable": 1},
        ],
    )
    card = t.combine_periods(rules, label="2025-Q1")
    s01 = card.get("S01", "2025-Q1")
    if combine == "pooled":  # 40 valid: 100 % response, 25 % solved, 25 % satisfied
        assert (s01.resolution, s01.composite) == (Points("25.00"), Points("40.00"))
        assert card.get("S02", "2025-Q1").status == "not rated: no valid callback"
    else:  # mean of January (100) and February (20); March is not rated
        assert (s01.resolution, s01.composite) == (Points("50.00"), Points("60.00"))
        assert card.get("S02", "2025-Q1").status == "not rated: no rated period"
    assert s01.rank == 1
    assert s01.volume == 42


def test_rules_check_adjustment_precision_is_rounded() -> None:
    t = _one({"S01": {"tickets": 1, "answered": 1}})
    card = t.scores(RULES, adjustments=[Adjustment("S01", "2025-03", "bonus", "0.125")])
    assert card.get("S01", "2025-03").bonus == Points("0.13")


def test_threshold_precision_is_checked_at_scoring() -> None:
    with pytest.raises(RuleError, match=r"^x: must have at most 2 decimal places \(got '1.234'\)$"):
        _scaled(Decimal("1.234"), 2, field="x")


def test_per_10k_is_the_area_figure_and_per_10k_led_the_units() -> None:
    from jiesu.scoring import area_volume_many  # noqa: PLC0415 - the helper under test

    # 12 complaints located in S01's area, 20 in S02's; S01 led 3 tickets, S02 led 1; D01 led none
    located = ["S01"] * 12 + ["S02"] * 20 + [""]
    volume = area_volume_many(
        located, ["2025-03"] * len(located), parents={"S01": "D01", "S02": "D01"}
    )
    assert volume == {("D01", "2025-03"): 32, ("S01", "2025-03"): 12, ("S02", "2025-03"): 20}
    t = _one(
        {
            "S01": {"tickets": 3, "answered": 3, "contacted": 3},
            "S02": {"tickets": 1, "answered": 1},
            "D01": {"tickets": 1},
        }
    )
    population = {"S01": 40_000, "S02": 50_000, "D01": 90_000}
    card = t.scores(RULES, population=population, area_volume=volume)
    got = {s.unit: (s.per_10k, s.per_10k_led) for s in card.rows()}
    assert got == {
        "S01": (Points("3.00"), Points("0.75")),
        "S02": (Points("4.00"), Points("0.20")),
        "D01": (Points("3.56"), Points("0.11")),  # the district counts all its complaints
    }
    by_unit = t.scores(RULES, population=population, area_volume={"S01": 12})
    assert by_unit.get("S01", "2025-03").per_10k == Points("3.00")
    assert by_unit.get("S02", "2025-03").per_10k is None
    arrays = by_unit.to_arrays()
    assert np.ma.getmaskarray(arrays["per_10k"]).tolist() == [True, False, True]
    with pytest.raises(ValidationError, match="area_volume"):
        t.scores(RULES, population=population, area_volume={"S01": -3})
    with pytest.raises(ValidationError, match="cycle"):
        area_volume_many(["S01"], ["2025-03"], parents={"S01": "D01", "D01": "S01"})
    with pytest.raises(ValidationError, match="same length"):
        area_volume_many(["S01"], ["2025-03", "2025-04"])


@pytest.mark.parametrize("name", [None, "beijing-2021", "beijing-2025", "threshold-points"])
def test_district_departments_are_ranked(name: str | None) -> None:
    rules = Rules() if name is None else Rules.preset(name)
    assert rules.group_of("district_department") == "district_departments"
    t = _one(
        {"B01": {"tickets": 1, "answered": 1}, "B02": {"tickets": 1, "answered": 1, "solved": 1}}
    )
    card = t.scores(rules, kinds={"B01": "district_department", "B02": "district_department"})
    assert {s.group for s in card.rows()} == {"district_departments"}
    assert all(s.rank is not None for s in card.rows() if s.rated)


def test_from_keys_drops_keys_that_cancel_out() -> None:
    a = _one({"S01": {"tickets": 2, "answered": 2}, "S02": {"tickets": 1}})
    b = _one({"S01": {"tickets": 2, "answered": 2}})
    net = Tally.from_keys(
        np.concatenate([a.units, b.units]),
        np.concatenate([a.periods, b.periods]),
        None,
        np.concatenate([a.counts, -b.counts]),
    )
    assert net == _one({"S02": {"tickets": 1}})
