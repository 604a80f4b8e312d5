from __future__ import annotations

import pickle
import re
import tomllib
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import JiesuError, RuleError
from jiesu.scoring import (
    BUILTIN_COMPONENTS,
    ChecklistItem,
    Component,
    FrozenMap,
    PointsRule,
    RuleFileError,
    Rules,
    RuleSet,
    Tally,
    Weights,
)
from jiesu.scoring._rulefile import line_of

if TYPE_CHECKING:
    from pathlib import Path

PANJIN_FILE = """
[weights]
closure = 0.20            # 办结率
satisfaction = 0.30       # 满意率
on_time_feedback = 0.25   # 按时反馈率
valid_callback = 0.25     # 有效回访率
[rounding]
places = 1
"""


# --------------------------------------------------------------------------- named components
def test_outside_check_file_scores_four_named_rates() -> None:
    rules = Rules.from_toml_text(PANJIN_FILE)
    assert [c.name for c in rules.components] == [
        "closure",
        "satisfaction",
        "on_time_feedback",
        "valid_callback",
    ]
    assert [c.label for c in rules.components] == ["办结率", "满意率", "按时反馈率", "有效回访率"]
    # 0.2*98.2 + 0.3*91.4 + 0.25*96.0 + 0.25*88.8 = 19.64 + 27.42 + 24 + 22.2 = 93.26 -> 93.3
    got = rules.composite(
        closure=98.2, satisfaction=91.4, on_time_feedback=96.0, valid_callback=88.8
    )
    assert got == Decimal("93.3")
    assert rules.weights.closure == Decimal("0.2")
    assert rules.weights["valid_callback"] == Decimal("0.25")
    assert rules.weights.response == 0  # absent classic name reads 0
    assert rules.bonus_cap == 2  # sections left out take the defaults
    assert rules.period_timestamp == "closed_at"


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        # hand-computed: 0.2*100 + 0.3*95.5 + 0.25*98 + 0.25*90 = 95.65 -> half-up 95.7
        ((100, 95.5, 98, 90), "95.7"),
        # 0.2*90 + 0.3*80 + 0.25*70 + 0.25*60 = 18 + 24 + 17.5 + 15 = 74.5
        ((90, 80, 70, 60), "74.5"),
        # 0.2*99.9 + 0.3*97.3 + 0.25*100 + 0.25*95.1 = 19.98 + 29.19 + 25 + 23.775 = 97.945 -> 97.9
        ((99.9, 97.3, 100, 95.1), "97.9"),
        # 0.2*85.5 + 0.3*93.5 + 0.25*91.5 + 0.25*90.5 = 17.1 + 28.05 + 22.875 + 22.625 = 90.65 -> 90.7
        ((85.5, 93.5, 91.5, 90.5), "90.7"),
    ],
)
def test_panjin_2023_on_constructed_inputs(
    rates: tuple[float, float, float, float], expected: str
) -> None:
    rules = Rules.preset("panjin-2023")
    closure, satisfaction, feedback, callback = rates
    got = rules.composite(
        closure=closure,
        satisfaction=satisfaction,
        on_time_feedback=feedback,
        valid_callback=callback,
    )
    assert str(got) == expected
    assert {"weights.on_time_feedback", "weights.valid_callback"} <= set(rules.assumed)
    assert "inferred" in rules.source


def test_beijing_presets_are_the_three_component_case() -> None:
    for name, weights in (
        ("beijing-2021", ("0.2", "0.4", "0.4")),
        ("beijing-2025", ("0.1", "0.5", "0.4")),
    ):
        rules = Rules.preset(name)
        assert tuple(rules.weights) == ("response", "resolution", "satisfaction")
        assert tuple(str(c.weight) for c in rules.components) == weights
        assert rules.weights == Weights(*(Decimal(w) for w in weights))
        assert rules.weights.items() == tuple(
            zip(rules.weights, map(Decimal, weights), strict=True)
        )


def test_composite_takes_exactly_the_declared_names() -> None:
    rules = Rules.preset("panjin-2023")
    rates = {"closure": 90, "satisfaction": 90, "on_time_feedback": 90, "valid_callback": 90}
    with pytest.raises(
        RuleError,
        match=r"^valid_callback: missing rate; these rules score closure, satisfaction, on_time_feedback, valid_callback \(got None\)$",
    ):
        rules.composite(**{k: v for k, v in rates.items() if k != "valid_callback"})
    with pytest.raises(
        RuleError,
        match=r"^satisfation: unknown rate; did you mean 'satisfaction'\?; these rules score",
    ):
        rules.composite(**rates, satisfation=90)
    with pytest.raises(RuleError, match=r"^speed: unknown rate; these rules score closure"):
        rules.composite(**rates, speed=90)
    with pytest.raises(RuleError, match=r"^response: unknown rate"):
        rules.composite(response=90, resolution=90, satisfaction=90)


def test_lower_is_better_scores_hundred_minus_rate() -> None:
    rules = Rules.from_toml_text("[weights]\nclosure = 0.5\nreturned = 0.5\n")
    returned = next(c for c in rules.components if c.name == "returned")
    assert (returned.label, returned.higher_is_better) == ("退单率", False)
    # 0.5*90 + 0.5*(100 - 10) = 90
    assert rules.composite(closure=90, returned=10) == Decimal("90.00")
    assert rules.composite(closure=90, returned=20) < rules.composite(closure=90, returned=10)


def test_custom_component_declared_in_a_table() -> None:
    rules = Rules.from_toml_text(
        "[components.hotline]\nlabel = '热线接通率'\nindicator = 'contacted'\n"
        "denominator = 'dispatched'\n[weights]\nhotline = 0.4\nclosure = 0.6\n"
    )
    first = rules.components[0]
    assert first == Component(
        "hotline", "热线接通率", "contacted", "dispatched", weight=Decimal("0.4")
    )
    assert rules.composite(hotline=50, closure=100) == Decimal("80.00")
    assert rules.values()["components.hotline.denominator"] == "dispatched"


def test_every_builtin_can_be_weighted() -> None:
    names = tuple(BUILTIN_COMPONENTS)
    assert names == (
        "response",
        "resolution",
        "satisfaction",
        "closure",
        "on_time_feedback",
        "on_time_reply",
        "signed_on_time",
        "valid_callback",
        "returned",
        "overdue",
    )
    weight = Decimal(1) / 10
    rules = Rules(weights=dict.fromkeys(names, weight))
    assert rules.composite(**dict.fromkeys(names, 100)) == Decimal(
        "80.00"
    )  # 2 lower-is-better at 0


# --------------------------------------------------------------------------- points family
@pytest.mark.parametrize(
    ("on_time", "satisfaction", "items"),
    [
        # 按时办结率 -> max(0, rate - 75); 回访满意率 -> max(12.5, rate/2 - 24), hand-computed
        (100, 100, ("25.00", "26.00")),
        (92.5, 95.5, ("17.50", "23.75")),
        (75, 73, ("0.00", "12.50")),
        (60, 40, ("0.00", "12.50")),
        (80.01, 99.99, ("5.01", "26.00")),  # 49.995 - 24 = 25.995 -> 26.00 half-up
    ],
)
def test_lianyungang_item_points_fit(
    on_time: float, satisfaction: float, items: tuple[str, str]
) -> None:
    rules = Rules.preset("lianyungang-fit")
    assert rules.family == "points"
    assert "fit" in rules.title + rules.source
    points = rules.points(on_time_reply=on_time, satisfaction=satisfaction)
    assert tuple(str(v) for v in points.values()) == items
    total = rules.composite(on_time_reply=on_time, satisfaction=satisfaction)
    assert total == sum(map(Decimal, items))
    assert [c.label for c in rules.components] == ["按时办结率", "回访满意率"]
    assert all(c.weight is None for c in rules.components)


def test_points_family_with_checklist_bonus_and_deduction() -> None:
    rules = Rules.from_toml_text(
        "family = 'points'\n"
        "[points.closure]\nslope = 0.5\ncap = 40\n"
        "[points.overdue]\nslope = 0.6\noffset = -30\nthreshold = 50\n"
        "[checklist.summary]\nlabel = '按时报送总结'\npoints = 10\n"
        "[adjustments]\nbonus_cap = 'none'\n"
    )
    assert rules.checklist == (ChecklistItem("summary", "按时报送总结", Decimal(10)),)
    # closure 90 -> 45 capped at 40; overdue 20 -> score 80 -> 0.6*80 - 30 = 18; summary 10; +3 -1
    got = rules.composite(closure=90, overdue=20, summary=True, bonus=3, deduction=1)
    assert got == Decimal("70.00")
    # overdue 60 -> score 40 is below the threshold 50 -> 0; summary not done
    assert rules.points(closure=10, overdue=60, summary=False) == {
        "closure": Decimal(5),
        "overdue": Decimal(0),
        "summary": Decimal(0),
    }
    with pytest.raises(
        RuleError, match=r"^summary: must be true or false \(item satisfied\) \(got 1\)$"
    ):
        rules.composite(closure=10, overdue=60, summary=1)
    assert rules.values()["checklist.summary.points"] == 10
    assert rules.values()["points.closure.cap"] == 40


def test_points_rule_apply() -> None:
    rule = PointsRule(
        slope=Decimal("0.5"), offset=Decimal(-24), floor=Decimal("12.5"), cap=Decimal(26)
    )
    assert rule.apply(Decimal(100)) == 26
    assert rule.apply(Decimal(50)) == Decimal("12.5")
    assert PointsRule(threshold=Decimal(60)).apply(Decimal(59)) == 0


@given(
    a=st.decimals(min_value=0, max_value=100, places=2),
    b=st.decimals(min_value=0, max_value=100, places=2),
    s=st.decimals(min_value=0, max_value=100, places=2),
)
def test_lianyungang_points_monotone_and_bounded(a: Decimal, b: Decimal, s: Decimal) -> None:
    rules = Rules.preset("lianyungang-fit")
    low, high = sorted((a, b))
    assert rules.composite(on_time_reply=low, satisfaction=s) <= rules.composite(
        on_time_reply=high, satisfaction=s
    )
    items = rules.points(on_time_reply=low, satisfaction=s)
    assert 0 <= items["on_time_reply"] <= 25
    assert Decimal("12.5") <= items["satisfaction"] <= 26


# --------------------------------------------------------------------------- dated rules
def _dated(name: str, start: str, end: str | None) -> Rules:
    return attrs.evolve(Rules.preset(name), effective_from=start, effective_to=end)


def test_rule_set_picks_the_rules_in_force() -> None:
    early = _dated("beijing-2021", "2024-01", "2024-06")
    late = _dated("beijing-2025", "2024-07", None)
    rules = RuleSet((late, early))
    assert rules.rules == (early, late)
    assert rules.in_force("2024-06") is early
    assert rules.in_force("2030-01") is late
    assert rules.which("2024-01") == "beijing-2021 (2024-01..2024-06)"
    with pytest.raises(
        RuleError, match=r"^period: no rules in force; the set covers 2024-01.. \(got '2023-12'\)$"
    ):
        rules.in_force("2023-12")
    with pytest.raises(
        RuleError, match=r"^period: must be a period written YYYY-MM \(got '2024-13'\)$"
    ):
        rules.in_force("2024-13")


def test_rule_set_across_a_year_end_and_closed_last() -> None:
    rules = RuleSet(
        (_dated("beijing-2021", "2023-01", "2023-12"), _dated("panjin-2023", "2024-01", "2024-12"))
    )
    assert rules.in_force("2024-01").name == "panjin-2023"
    with pytest.raises(RuleError, match=r"covers 2023-01..2024-12 \(got '2025-01'\)$"):
        rules.in_force("2025-01")


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            (("2024-01", "2024-06"), ("2024-06", None)),
            r"^beijing-2021.effective_to: overlaps 'beijing-2025' from 2024-06 \(got '2024-06'\)$",
        ),
        (
            (("2024-01", None), ("2024-07", None)),
            r"^beijing-2021.effective_to: overlaps 'beijing-2025' from 2024-07 \(got None\)$",
        ),
        (
            (("2024-01", "2024-05"), ("2024-07", None)),
            r"^beijing-2021.effective_to: leaves a gap before 'beijing-2025' from 2024-07 \(got '2024-05'\)$",
        ),
    ],
)
def test_rule_set_refuses_overlap_and_gap(
    members: tuple[tuple[str, str | None], ...], message: str
) -> None:
    (a_from, a_to), (b_from, b_to) = members
    with pytest.raises(RuleError, match=message):
        RuleSet((_dated("beijing-2021", a_from, a_to), _dated("beijing-2025", b_from, b_to)))


def test_rule_set_needs_dates_and_members(tmp_path: Path) -> None:
    with pytest.raises(
        RuleError,
        match=r"^rules\[0\]: every member of a rule set needs effective_from \(got 'beijing-2021'\)$",
    ):
        RuleSet((Rules.preset("beijing-2021"),))
    with pytest.raises(
        RuleError, match=r"^rules: a rule set needs at least one rules \(got \(\)\)$"
    ):
        RuleSet(())
    one, two = tmp_path / "a.toml", tmp_path / "b.toml"
    one.write_text("effective_from = '2025-01'\neffective_to = '2025-06'\n", encoding="utf-8")
    two.write_text(f"effective_from = '2025-07'\n{PANJIN_FILE}", encoding="utf-8")
    rules = RuleSet.from_toml(two, one)
    assert rules.which("2025-09") == "b (2025-07..)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "effective_from = '2025-1'",
            r"^<rules>:1: effective_from: must be a period written YYYY-MM \(got '2025-1'\)$",
        ),
        (
            "effective_from = '2025-03'\neffective_to = '2025-02'",
            r"^<rules>:2: effective_to: must not be before effective_from \(got '2025-02'\)$",
        ),
        ("effective_to = 2025", r"^<rules>:1: effective_to: must be a string \(got 2025\)$"),
    ],
)
def test_bad_effective_dates(text: str, message: str) -> None:
    with pytest.raises(RuleFileError, match=message):
        Rules.from_toml_text(text)


# --------------------------------------------------------------------------- values that stay values
def _assert_immutable(value: object, where: str) -> None:
    if isinstance(value, FrozenMap):
        with pytest.raises(TypeError):
            value["x"] = 1  # type: ignore[index] # mutation on purpose
        for key, item in value.items():
            _assert_immutable(item, f"{where}.{key}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _assert_immutable(item, f"{where}[{i}]")
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):  # type: ignore[arg-type] # any attrs class
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                setattr(value, field.name, None)
            _assert_immutable(getattr(value, field.name), f"{where}.{field.name}")
    else:
        assert isinstance(value, (str, int, Decimal, type(None))), where
        hash(value)


@pytest.mark.parametrize("name", Rules.presets())
def test_every_field_of_every_preset_is_immutable(name: str) -> None:
    rules = Rules.preset(name)
    _assert_immutable(rules, name)
    with pytest.raises(TypeError):
        rules.response_values["yes"] = Decimal(5)  # type: ignore[index] # mutation on purpose
    with pytest.raises(TypeError):
        rules.weights.by_name["response"] = Decimal(1)  # type: ignore[index] # mutation on purpose
    assert Rules.preset(name).response_values["yes"] == 1
    assert attrs.evolve(rules) == rules
    back = pickle.loads(pickle.dumps(rules))  # noqa: S301 - our own data
    assert back == rules
    assert back.components == rules.components


def test_cattrs_round_trip_and_evolve() -> None:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda v, _: Decimal(v))
    converter.register_unstructure_hook(Weights, lambda w: {k: str(v) for k, v in w.items()})
    converter.register_structure_hook(
        Weights, lambda v, _: Weights(by_name={k: Decimal(x) for k, x in v.items()})
    )
    for name in Rules.presets():
        rules = Rules.preset(name)
        assert converter.structure(converter.unstructure(rules), Rules) == rules
    panjin = Rules.preset("panjin-2023")
    changed = attrs.evolve(panjin, response_values={"yes": Decimal("0.5"), "no": Decimal(0)})
    assert isinstance(changed.response_values, FrozenMap)
    assert changed != panjin
    evolve: Any = attrs.evolve  # mypy's attrs plugin cannot follow Weights' own __init__
    assert evolve(panjin.weights) == panjin.weights
    assert evolve(panjin.weights, by_name={"closure": Decimal(1)}).closure == 1


def test_frozen_map_behaves_like_a_read_only_dict() -> None:
    m = FrozenMap({"a": 1, "b": 2})
    assert m == {"a": 1, "b": 2}
    assert m != {"a": 1}
    assert (m == 3) is False
    assert hash(m) == hash(FrozenMap({"a": 1, "b": 2}))
    assert list(m) == ["a", "b"]
    assert len(m) == 2
    assert repr(m) == "{'a': 1, 'b': 2}"
    assert pickle.loads(pickle.dumps(m)) == m  # noqa: S301 - our own data


def test_weights_attribute_access() -> None:
    w = Weights(Decimal("0.5"), by_name={"closure": Decimal("0.5")})
    assert (w.response, w.resolution, w.satisfaction, w.closure) == tuple(
        Decimal(x) for x in ("0.5", "0", "0", "0.5")
    )
    with pytest.raises(AttributeError):
        _ = w.speed
    with pytest.raises(AttributeError):
        _ = w._hidden
    with pytest.raises(
        RuleError,
        match=r"^weights: unknown key 'speed'; allowed: response, closure \(got 'speed'\)$",
    ):
        _ = w["speed"]


# --------------------------------------------------------------------------- the loader
def test_every_problem_of_a_file_at_once_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        "name = 'city'\n[weights]\nclosure = 0.2x\n".replace("0.2x", '"0.2x"')
        + "satisfation = 0.8\n"
        "[rounding]\n"
        "places = 1\n"
        'clamp = "true"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as info:
        Rules.from_toml(path)
    err = info.value
    assert str(err).splitlines() == [
        f"{path}: 3 problems",
        f"  {path}:3: weights.closure: must be a number (got '0.2x')",
        f"  {path}:4: weights.satisfation: unknown key 'satisfation'; did you mean 'satisfaction'? (got 0.8)",
        f"  {path}:7: rounding.clamp: must be true or false (got 'true')",
    ]
    assert err.field == "weights.closure"
    assert err.file == str(path)
    assert [p.row for p in err.problems] == [f"{path}:3", f"{path}:4", f"{path}:7"]
    back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own data
    assert str(back) == str(err)
    assert isinstance(err, RuleError)


def test_semantic_problems_collected_too() -> None:
    with pytest.raises(RuleFileError) as info:
        Rules.from_toml_text("[weights]\nclosure = 0.5\nreturned = 0.6\n[period]\nstart_day = 40\n")
    assert [(p.row, p.field) for p in info.value.problems] == [
        ("<rules>:1", "weights"),
        ("<rules>:5", "period.start_day"),
    ]


def test_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes("name = '盘锦'\n".encode("gbk"))
    with pytest.raises(
        RuleFileError, match=rf"^{re.escape(str(path))}: encoding: not UTF-8 text \(got b"
    ):
        Rules.from_toml(path)


def test_many_decimals_are_refused_not_rounded() -> None:
    third = 1 / 3
    with pytest.raises(
        RuleFileError,
        match=r"weights.response: must have at most 6 decimal places \(write the value exactly\) \(got '0.3333333333333333'\)",
    ):
        Rules.from_toml_text(
            f"[weights]\nresponse = {third}\nresolution = {third}\nsatisfaction = {third}\n"
        )
    with pytest.raises(
        RuleFileError,
        match=r"answers.satisfaction.basically_satisfied: must have at most 6 decimal places",
    ):
        Rules.from_toml_text(
            f"[answers.satisfaction]\nsatisfied = 1\nbasically_satisfied = {third}\ndissatisfied = 0\n"
        )
    six = Rules.from_toml_text(
        "[answers.satisfaction]\nsatisfied = 1\nbasically_satisfied = 0.333333\ndissatisfied = 0\n"
    )
    assert six.satisfaction_values["basically_satisfied"] == Decimal("0.333333")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "family = 'points'",
            r"^<rules>: points: the points family needs \[points.NAME\] items or \[checklist.NAME\] items \(got None\)$",
        ),
        (
            "family = 'points'\n[weights]\nclosure = 1\n[points.closure]\nslope = 1",
            r"^<rules>:2: weights: the points family takes no weights; score items in \[points.NAME\] \(got \('closure',\)\)$",
        ),
        (
            "[points.closure]\nslope = 1",
            r"^<rules>:1: points: points and checklist items need family = 'points' \(got 'weighted'\)$",
        ),
        (
            "[checklist.a]\npoints = 1",
            r"^<rules>:1: checklist: points and checklist items need family = 'points' \(got 'weighted'\)$",
        ),
        (
            "family = 'points'\n[points.closure]\nslpe = 1",
            r"^<rules>:3: points.closure.slpe: unknown key 'slpe'; did you mean 'slope'\? \(got 1\)$",
        ),
        (
            "family = 'points'\n[points.closur]\nslope = 1",
            r"^<rules>:2: points.closur: unknown key 'closur'; did you mean 'closure'\? \(got \{'slope': 1\}\)$",
        ),
        ("family = 'points'\npoints = 3", r"^<rules>:2: points: must be a table \(got 3\)$"),
        (
            "family = 'points'\n[points]\nclosure = 3",
            r"^<rules>:3: points.closure: must be a table \(got 3\)$",
        ),
        (
            "family = 'points'\n[points.closure]\nfloor = 10\ncap = 5",
            r"^<rules>:4: points.closure.cap: must not be below the floor \(got '5'\)$",
        ),
        (
            "family = 'points'\n[points.closure]\ncap = 'none'\nthreshold = 101",
            r"^<rules>:4: points.closure.threshold: must be within 0..100 \(got '101'\)$",
        ),
        (
            "family = 'points'\n[points.closure]\nslope = 1e-9",
            r"^<rules>:3: points.closure.slope: must have at most 6 decimal places",
        ),
        (
            "family = 'points'\n[checklist.a]\nlabel = 'x'",
            r"^<rules>:2: checklist.a.points: missing key \(got None\)$",
        ),
        (
            "family = 'points'\n[checklist]\na = 1",
            r"^<rules>:3: checklist.a: must be a table \(got 1\)$",
        ),
        (
            "family = 'points'\n[checklist.a]\npoints = -1",
            r"^<rules>:3: checklist.a.points: must be within 0..100 \(got '-1'\)$",
        ),
        (
            "family = 'points'\n[points.closure]\nslope = 1\n[checklist.closure]\npoints = 1",
            r"^<rules>:4: checklist.closure: a checklist item cannot share a component's name \(got 'closure'\)$",
        ),
        (
            "[components.x]\nlabel = 'x'",
            r"^<rules>:1: components.x.indicator: missing key \(a component jiesu does not know\) \(got None\)$",
        ),
        ("[components]\nx = 1", r"^<rules>:2: components.x: must be a table \(got 1\)$"),
        (
            "[components.closure]\nlabel = '结案率'",
            r"^<rules>:1: components.closure: declared but never scored \(give it a weight or points\) \(got 'closure'\)$",
        ),
        (
            "[components.closure]\nindicator = 'shut'\n[weights]\nclosure = 1",
            r"^<rules>:2: components.closure.indicator: must be one of contacted, solved",
        ),
        (
            "[components.closure]\ndenominator = 'all'\n[weights]\nclosure = 1",
            r"^<rules>:2: components.closure.denominator: must be one of valid_callbacks, dispatched, closed \(got 'all'\)$",
        ),
        (
            "[components.closure]\nlabl = 'x'\n[weights]\nclosure = 1",
            r"^<rules>:2: components.closure.labl: unknown key 'labl'; did you mean 'label'\? \(got 'x'\)$",
        ),
        (
            "family = 'threshold-points'\n[thresholds]\nclosure = 50",
            r"^<rules>:3: thresholds.closure: a threshold needs a weight \(got 'closure'\)$",
        ),
        (
            "[weights]\nresponse = inf",
            r"^<rules>:2: weights.response: must be a finite number \(got inf\)$",
        ),
        (
            "[adjustments]\nbonus_cap = true",
            r"^<rules>:2: adjustments.bonus_cap: must be a number \(got True\)$",
        ),
        (
            "[answers.resolution]\nyes = 1\nno = 0\nmaybe = 0.5",
            r"^<rules>:4: answers.resolution.maybe: unknown key 'maybe'; allowed: yes, no \(got 0.5\)$",
        ),
        (
            "[answers]\nrespons = {}",
            r"^<rules>:2: answers.respons: unknown key 'respons'; did you mean 'response'\? \(got \{\}\)$",
        ),
    ],
)
def test_bad_points_and_component_files(text: str, message: str) -> None:
    with pytest.raises(RuleFileError, match=message):
        Rules.from_toml_text(text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"weights": {"speed": Decimal(1)}},
            r"^weights.speed: unknown key 'speed'; allowed: response",
        ),
        (
            {"points_rules": {"speed": PointsRule()}, "family": "points", "weights": {}},
            r"^points.speed: unknown key 'speed'",
        ),
        (
            {
                "satisfaction_values": {
                    "satisfied": Decimal(1),
                    "basically": Decimal(1),
                    "dissatisfied": Decimal(0),
                }
            },
            r"^answers.satisfaction.basically: unknown key 'basically'; did you mean 'basically_satisfied'\? \(got Decimal\('1'\)\)$",
        ),
        ({"grades": ()}, None),
    ],
)
def test_evolve_checks_new_fields(changes: dict[str, Any], message: str | None) -> None:
    if message is None:
        assert attrs.evolve(Rules(), **changes).grade(Decimal(50)) is None
        return
    with pytest.raises(RuleError, match=message):
        attrs.evolve(Rules(), **changes)


def test_from_mapping_and_line_of() -> None:
    with pytest.raises(
        RuleFileError, match=r"^<mapping>: colour: unknown key 'colour'; allowed: name"
    ):
        Rules.from_mapping({"colour": 1})
    assert line_of("[weights]\nclosure = 1\n", "weights.speed") == 1
    assert line_of("a = 1\n", "b") is None
    assert line_of("[[grades]]\nmin = 1\n[[grades]]\nmin = 2\n", "grades[1].min") == 4
    assert line_of("[ answers . 'response' ]\nyes = 1\n", "answers.response.yes") == 2


# --------------------------------------------------------------------------- fuzzing the loader
def _preset_data(name: str) -> dict[str, Any]:
    text = (resources.files("jiesu.scoring") / "presets" / f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict):
                out.extend(_paths(value, (*prefix, i)))
    return out


def _dump(data: dict[str, Any]) -> str:
    """A minimal TOML writer (inline tables) for the fuzz tests."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f'"{k}" = {value(x)}' for k, x in v.items()) + "}"

    return "\n".join(f'"{k}" = {value(v)}' for k, v in data.items()) + "\n"


def _edit(data: Any, path: tuple[str | int, ...], change: Any) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    change(node, path[-1])
    return data


def _loads_or_names_the_file(text: str) -> None:
    try:
        rules = Rules.from_toml_text(text, file="fuzz.toml")
    except JiesuError as err:
        assert "fuzz.toml" in str(err)  # noqa: PT017 - a fuzzed text may load or fail
    else:
        assert isinstance(rules, Rules)


@given(st.text(max_size=300))
def test_fuzz_random_text(text: str) -> None:
    _loads_or_names_the_file(text)


@pytest.mark.parametrize("name", Rules.presets())
def test_fuzz_every_preset_key_misspelt(name: str) -> None:
    for path in _paths(_preset_data(name)):
        if isinstance(path[-1], int) or (path[:2] == ("ranking", "groups") and len(path) == 3):
            continue  # group names are the file's own choice
        data = _edit(
            _preset_data(name), path, lambda node, key: node.__setitem__(f"{key}x", node.pop(key))
        )
        text = _dump(data)
        with pytest.raises(RuleFileError, match=r"fuzz\.toml") as info:
            Rules.from_toml_text(text, file="fuzz.toml")
        fields = [p.field for p in info.value.problems]
        assert any(f"{path[-1]}x" in f or f.startswith(str(path[0])) for f in fields), fields


_WRONG = st.one_of(
    st.text(max_size=5),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.mark.parametrize("name", Rules.presets())
@given(data=st.data())
def test_fuzz_every_value_of_a_wrong_type(name: str, data: st.DataObject) -> None:
    paths = _paths(_preset_data(name))
    path = data.draw(st.sampled_from(paths), label="path")
    wrong = data.draw(_WRONG, label="value")
    edited = _edit(_preset_data(name), path, lambda node, key: node.__setitem__(key, wrong))
    _loads_or_names_the_file(_dump(edited))


def test_mapping_field_names_are_stable() -> None:
    fields = {f.name for f in attrs.fields(Rules)}
    assert {"declared", "points_rules", "checklist", "effective_from", "effective_to"} <= fields


def test_bulk_paths_refuse_components_they_cannot_count_yet() -> None:
    tally = Tally.from_counts(["X"], ["2025-03"], [{"tickets": 2, "answered": 2, "contacted": 1}])
    assert tally.scores(Rules.preset("beijing-2021")).get("X", "2025-03").composite is not None
    for name in ("panjin-2023", "lianyungang-fit"):
        with pytest.raises(RuleError, match=r"^weights: the bulk paths count the three rates"):
            tally.scores(Rules.preset(name))


def test_line_of_skips_comments_and_blank_lines() -> None:
    assert line_of("# a comment\n\n[weights]\n# closure\nclosure = 1\n", "weights.closure") == 5


_SIX = st.decimals(min_value=0, max_value=1, places=6)


@given(
    w=st.tuples(_SIX, _SIX).filter(lambda p: p[0] + p[1] <= 1),
    basically=_SIX,
    answered=st.integers(1, 5000),
    data=st.data(),
)
def test_six_decimal_rules_score_the_same_exactly_and_in_the_tally(
    w: tuple[Decimal, Decimal], basically: Decimal, answered: int, data: st.DataObject
) -> None:
    weights = {"response": w[0], "resolution": w[1], "satisfaction": 1 - w[0] - w[1]}
    rules = attrs.evolve(
        Rules(),
        weights=weights,
        satisfaction_values={
            "satisfied": Decimal(1),
            "basically_satisfied": basically,
            "dissatisfied": Decimal(0),
        },
    )
    c, s = (data.draw(st.integers(0, answered)) for _ in range(2))
    m = data.draw(st.integers(0, answered))
    b = data.draw(st.integers(0, answered - m))
    counts = {
        "tickets": answered,
        "answered": answered,
        "contacted": c,
        "solved": s,
        "satisfied": m,
        "basically_satisfied": b,
    }
    score = Tally.from_counts(["X"], ["2025-03"], [counts]).scores(rules).get("X", "2025-03")
    expected = rules.composite(
        response=Decimal(100 * c) / answered,
        resolution=Decimal(100 * s) / answered,
        satisfaction=(Decimal(100 * m) + 100 * basically * b) / answered,
    )
    assert score.composite == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a = " + "[" * 5000 + "]" * 5000, "maximum recursion depth"),
        ("a = " + "9" * 5000, "Exceeds the limit"),
        ("[weights\n", "Expected ']'"),
    ],
)
def test_hostile_toml_is_a_rules_error(text: str, reason: str) -> None:
    with pytest.raises(
        RuleFileError, match=rf"^hostile.toml(:1)?: toml: not valid TOML: {re.escape(reason)}"
    ):
        Rules.from_toml_text(text, file="hostile.toml")
