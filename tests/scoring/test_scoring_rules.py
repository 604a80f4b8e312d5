from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import RuleError
from jiesu.scoring import Grade, Points, Rules, Weights

if TYPE_CHECKING:
    from pathlib import Path

PRESETS = ("beijing-2021", "beijing-2025", "lianyungang-fit", "panjin-2023", "threshold-points")


# --------------------------------------------------------------------------- published figures
@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ((98.05, 36.26, 41.97), "50.90"),
        ((97.35, 32.55, 48.62), "51.94"),
        ((100, 7.41, 7.41), "25.93"),
    ],
)
def test_beijing_2021_reproduces_published_composites(
    rates: tuple[float, float, float], expected: str
) -> None:
    rules = Rules.preset("beijing-2021")
    r, s, m = rates
    got = rules.composite(response=r, resolution=s, satisfaction=m)
    assert got == Decimal(expected)
    assert got == float(expected)
    assert str(got) == expected
    assert isinstance(got, Decimal)


def test_composite_takes_strings_and_decimals() -> None:
    rules = Rules.preset("beijing-2021")
    assert rules.composite(
        response="98.05", resolution=Decimal("36.26"), satisfaction="41.97"
    ) == Decimal("50.90")


def test_beijing_2025_values() -> None:
    rules = Rules.preset("beijing-2025")
    assert rules.weights == Weights(Decimal("0.1"), Decimal("0.5"), Decimal("0.4"))
    assert rules.satisfaction_values["basically_satisfied"] == Decimal("0.9")
    assert {"weights.response", "answers.satisfaction.basically_satisfied"} <= set(rules.assumed)
    assert rules.composite(response=100, resolution=80, satisfaction=90) == Decimal("86.00")


def test_threshold_points_scores_zero_below_threshold() -> None:
    rules = Rules.preset("threshold-points")
    assert rules.family == "threshold-points"
    assert rules.thresholds.response == 90
    full = rules.composite(response=95, resolution=70, satisfaction=70)
    assert full == Decimal("0.2") * 95 + Decimal("0.4") * 70 + Decimal("0.4") * 70
    below = rules.composite(response=89.99, resolution=70, satisfaction=70)
    assert below == Decimal("0.4") * 70 + Decimal("0.4") * 70
    assert rules.composite(response=100, resolution=59.99, satisfaction=60) == Decimal("44.00")


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_cites_its_source_and_assumed_values(name: str) -> None:
    rules = Rules.preset(name)
    assert rules.name == name
    assert rules.source
    assert rules.assumed
    text = (resources.files("jiesu.scoring") / "presets" / f"{name}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    for key in rules.assumed:  # every assumed key names a real key of the file
        section, _, rest = key.partition(".")
        assert section in data, key
        node = data[section]
        for part in rest.split(".") if rest else []:
            assert part in node, key
            node = node[part]
    assert "Source" in text.splitlines()[1] or "DOMAIN" in text


def test_weights_confirmed_for_2021_only() -> None:
    assert not any(k.startswith("weights") for k in Rules.preset("beijing-2021").assumed)
    assert "weights.resolution" in Rules.preset("beijing-2025").assumed


def test_presets_list_and_cache() -> None:
    assert Rules.presets() == PRESETS
    assert Rules.preset("beijing-2021") is Rules.preset("beijing-2021")


def test_unknown_preset() -> None:
    with pytest.raises(
        RuleError,
        match=r"^preset: unknown preset; available: beijing-2021, beijing-2025, lianyungang-fit, panjin-2023, threshold-points \(got 'nope'\)$",
    ):
        Rules.preset("nope")


def test_defaults_equal_beijing_2021_values() -> None:
    preset = Rules.preset("beijing-2021")
    default = attrs.evolve(
        Rules(), name=preset.name, title=preset.title, source=preset.source, assumed=preset.assumed
    )
    assert default == preset


# --------------------------------------------------------------------------- rounding and adjust
def test_round_half_up_and_half_even() -> None:
    assert Rules().round(Decimal("50.905")) == Decimal("50.91")
    assert Rules(rounding="half_even").round(Decimal("50.905")) == Decimal("50.90")
    assert Rules(places=1).round(Decimal("50.95")) == Decimal("51.0")


def test_round_rates_first_differs_from_exact() -> None:
    exact = Rules(round_rates=False)
    first = Rules()
    assert first.composite(response=0, resolution=0.005, satisfaction=0) == Decimal("0.00")
    assert exact.composite(response=0, resolution=0.994, satisfaction=0.994) == Decimal("0.80")
    assert first.composite(response=0, resolution=0.994, satisfaction=0.994) == Decimal("0.79")


def test_adjust_caps_and_clamps() -> None:
    rules = Rules()
    assert rules.composite(
        response=90, resolution=90, satisfaction=90, bonus=5, deduction=1
    ) == Decimal("91.00")
    assert rules.adjust(Decimal("99.50"), bonus=Decimal(1), deduction=Decimal(0)) == 100
    assert rules.adjust(Decimal(3), bonus=Decimal(0), deduction=Decimal(9)) == Decimal("0.00")
    free = Rules(bonus_cap=None, deduction_cap=None, clamp=False)
    assert free.adjust(Decimal("99.50"), bonus=Decimal(1), deduction=Decimal(0)) == Decimal(
        "100.50"
    )
    assert free.adjust(Decimal(3), bonus=Decimal(0), deduction=Decimal(9)) == Decimal("-6.00")


@pytest.mark.parametrize("key", ["bonus", "deduction"])
def test_adjust_refuses_negative(key: str) -> None:
    with pytest.raises(RuleError, match=rf"^{key}: must not be negative \(got '-1'\)$"):
        Rules().adjust(
            Decimal(50), **{"bonus": Decimal(0), "deduction": Decimal(0), key: Decimal(-1)}
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"response": 101}, r"^response: must be a rate in percent within 0..100 \(got 101\)$"),
        (
            {"resolution": -0.5},
            r"^resolution: must be a rate in percent within 0..100 \(got -0.5\)$",
        ),
        ({"satisfaction": "abc"}, r"^satisfaction: must be a number \(got 'abc'\)$"),
        ({"satisfaction": "NaN"}, r"^satisfaction: must be a finite number \(got 'NaN'\)$"),
        ({"satisfaction": True}, r"^satisfaction: must be a number \(got True\)$"),
        ({"satisfaction": None}, r"^satisfaction: must be a number \(got None\)$"),
    ],
)
def test_composite_refuses_bad_rates(kwargs: dict[str, object], message: str) -> None:
    rates: dict[str, object] = {"response": 50, "resolution": 50, "satisfaction": 50} | kwargs
    with pytest.raises(RuleError, match=message):
        Rules().composite(**rates)  # type: ignore[arg-type] # bad input on purpose


def test_grades_and_groups() -> None:
    rules = Rules.preset("beijing-2021")
    assert [rules.grade(Decimal(v)) for v in ("95", "85", "65", "5")] == [
        "先进",
        "进步",
        "整改",
        "治理",
    ]
    assert Rules(grades=(Grade("好", Decimal(90)),)).grade(Decimal(80)) is None
    assert rules.group_of("district") == "districts"
    assert rules.group_of("community") is None


def test_points_equality() -> None:
    p = Points("50.90")
    assert p == 50.9
    assert p != 50.91
    assert not (p != 50.9)  # noqa: SIM202 - testing __ne__ itself
    assert p == Decimal("50.9")
    assert p != "50.90"
    assert repr(p) == "Points('50.90')"
    assert hash(p) == hash(Decimal("50.90"))


# --------------------------------------------------------------------------- monotonicity
_rate = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("name", PRESETS)
@given(data=st.data())
def test_composite_is_monotone_and_bounded(name: str, data: st.DataObject) -> None:
    rules = Rules.preset(name)
    rates = {c.name: data.draw(_rate, label=c.name) for c in rules.components}
    base = rules.composite(**rates)
    which = data.draw(st.sampled_from([c.name for c in rules.components]), label="which")
    better = next(c for c in rules.components if c.name == which).higher_is_better
    higher = dict(rates)
    higher[which] = max(rates[which], data.draw(_rate, label="bump"))
    assert (rules.composite(**higher) >= base) is better or higher[which] == rates[which]
    assert 0 <= base <= 100
    assert base == base.quantize(Decimal(1).scaleb(-rules.places))


# --------------------------------------------------------------------------- files and errors
def test_from_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "[weights]\nresponse = 0.3\nresolution = 0.35\nsatisfaction = 0.35\n"
        '[callback]\nunreachable = "failure"\n'
        '[adjustments]\nbonus_cap = "none"\n',
        encoding="utf-8",
    )
    rules = Rules.from_toml(path)
    assert rules.name == "mine"
    assert rules.weights.response == Decimal("0.3")
    assert rules.unreachable == "failure"
    assert rules.bonus_cap is None
    assert rules.deduction_cap == 5


def test_from_toml_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        RuleError, match=r"^path: cannot read the rules file: No such file or directory"
    ):
        Rules.from_toml(tmp_path / "absent.toml")


def test_bad_toml_text() -> None:
    with pytest.raises(RuleError, match=r"^<rules>:1: toml: not valid TOML: Expected"):
        Rules.from_toml_text("[weights\n")


GOOD_WEIGHTS = "[weights]\nresponse = 0.2\nresolution = 0.4\nsatisfaction = 0.4\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[weights]\nresponse = 0.2\nresolution = 0.4\nsatisfaction = 0.3",
            r"^<rules>:1: weights: must sum to 1 \(got '0\.9'\)$",
        ),
        (
            "[weights]\nresponse = -0.2\nresolution = 0.8\nsatisfaction = 0.4",
            r"^<rules>:2: weights\.response: must not be negative \(got '-0\.2'\)$",
        ),
        (
            "[weights]\nresponse = 'x'",
            r"^<rules>:2: weights\.response: must be a number \(got 'x'\)$",
        ),
        (
            "[answers.satisfaction]\nsatisfied = 1\nbasically = 0.9\ndissatisfied = 0",
            r"^<rules>:3: answers\.satisfaction\.basically: unknown key 'basically'; did you mean 'basically_satisfied'\? \(got 0\.9\)$",
        ),
        (
            "[answers.satisfaction]\nsatisfied = 1\ndissatisfied = 0",
            r"^<rules>:1: answers\.satisfaction\.basically_satisfied: missing answer code \(got None\)$",
        ),
        (
            "[answers.response]\nyes = 1.5\nno = 0",
            r"^<rules>:2: answers\.response\.yes: must be a value within 0\.\.1 \(got '1\.5'\)$",
        ),
        ("[answers]\nresponse = 3", r"^<rules>:2: answers\.response: must be a table \(got 3\)$"),
        (
            "[adjustments]\nbonus_cap = -1",
            r"^<rules>:2: adjustments\.bonus_cap: must not be negative \(got '-1'\)$",
        ),
        (
            "[adjustments]\ndeduction_cap = -0.5",
            r"^<rules>:2: adjustments\.deduction_cap: must not be negative \(got '-0\.5'\)$",
        ),
        (
            "[callback]\nunreachable = 'drop'",
            r"^<rules>:2: callback\.unreachable: must be one of exclude, failure \(got 'drop'\)$",
        ),
        (
            "[callback]\nrefused = 'drop'",
            r"^<rules>:2: callback\.refused: must be one of exclude, failure \(got 'drop'\)$",
        ),
        (
            "[period]\ntimestamp = 'replied_at'",
            r"^<rules>:2: period\.timestamp: must be one of closed_at, created_at \(got 'replied_at'\)$",
        ),
        (
            "[period]\nstart_day = 30",
            r"^<rules>:2: period\.start_day: must be a day within 1\.\.28 \(got 30\)$",
        ),
        (
            "[period]\nstart_day = '1'",
            r"^<rules>:2: period\.start_day: must be an integer \(got '1'\)$",
        ),
        ("[period]\ntimezone = 8", r"^<rules>:2: period\.timezone: must be a string \(got 8\)$"),
        (
            "[eligibility]\nexclude_kinds = ['gossip']",
            r"^<rules>:2: eligibility\.exclude_kinds: unknown request kind \(got 'gossip'\)$",
        ),
        (
            "[eligibility]\nexclude_kinds = 'praise'",
            r"^<rules>:2: eligibility\.exclude_kinds: must be a list of strings \(got 'praise'\)$",
        ),
        (
            "[eligibility]\ncount_merged = 1",
            r"^<rules>:2: eligibility\.count_merged: must be true or false \(got 1\)$",
        ),
        (
            "[attribution]\nmode = 'all'",
            r"^<rules>:2: attribution\.mode: must be one of lead, lead_and_co_handlers \(got 'all'\)$",
        ),
        (
            "[combine]\nmonths = 'median'",
            r"^<rules>:2: combine\.months: must be one of mean_of_monthly, pooled \(got 'median'\)$",
        ),
        (
            "[rounding]\nplaces = 9",
            r"^<rules>:2: rounding\.places: must be an integer within 0\.\.6 \(got 9\)$",
        ),
        (
            "[rounding]\nmode = 'down'",
            r"^<rules>:2: rounding\.mode: must be one of half_up, half_even \(got 'down'\)$",
        ),
        (
            "[rounding]\nclamp = 'yes'",
            r"^<rules>:2: rounding\.clamp: must be true or false \(got 'yes'\)$",
        ),
        (
            "[ranking.groups]\nall = ['villages']",
            r"^<rules>:2: ranking\.groups\.all: unknown unit kind \(got 'villages'\)$",
        ),
        (
            "[ranking.groups]\na = ['street']\nb = ['street']",
            r"^<rules>:3: ranking\.groups\.b: already in group 'a' \(got 'street'\)$",
        ),
        ("[ranking]\ngroups = 3", r"^<rules>:2: ranking\.groups: must be a table \(got 3\)$"),
        (
            "[ranking]\ntie_break = ['volume']",
            r"^<rules>:2: ranking\.tie_break: must start with 'composite' \(got \['volume'\]\)$",
        ),
        (
            "[ranking]\ntie_break = ['composite', 'age']",
            r"^<rules>:2: ranking\.tie_break: must be one of composite, volume, resolution, satisfaction, response \(got 'age'\)$",
        ),
        (
            "[[grades]]\nlabel = 'a'\nmin = 50\n[[grades]]\nlabel = 'b'\nmin = 60",
            r"^<rules>:6: grades\[1\]\.min: bands must be listed highest first \(got '60'\)$",
        ),
        (
            "[[grades]]\nlabel = 'a'\nmin = 150",
            r"^<rules>:3: grades\[0\]\.min: must be within 0\.\.100 \(got '150'\)$",
        ),
        (
            "[[grades]]\nlabel = 'a'",
            r"^<rules>:1: grades\[0\]: each band needs exactly 'label' and 'min' \(got \{'label': 'a'\}\)$",
        ),
        ("grades = 3", r"^<rules>:1: grades: must be an array of tables \(got 3\)$"),
        (
            "[[grades]]\nlabel = 3\nmin = 1",
            r"^<rules>:2: grades\[0\]\.label: must be a string \(got 3\)$",
        ),
        (
            "[guard]\nmin_valid_callbacks = 0",
            r"^<rules>:2: guard\.min_valid_callbacks: must be an integer of at least 1 \(got 0\)$",
        ),
        (
            "family = 'checklist'",
            r"^<rules>:1: family: must be one of weighted, threshold-points, points \(got 'checklist'\)$",
        ),
        (
            "[thresholds]\nresponse = 90",
            r"^<rules>:1: thresholds: thresholds need family = 'threshold-points' \(got 'non-zero'\)$",
        ),
        (
            "family = 'threshold-points'\n[thresholds]\nresponse = 120",
            r"^<rules>:3: thresholds\.response: must be within 0\.\.100 \(got '120'\)$",
        ),
        (
            "family = 'threshold-points'\n[thresholds]\nresponse = 90.001",
            r"^<rules>:3: thresholds\.response: must have at most 2 decimal places \(got '90\.001'\)$",
        ),
        ("colour = 'red'", r"^<rules>:1: colour: unknown key 'colour'; allowed: "),
        (
            "[weights]\nspeed = 1",
            r"^<rules>:2: weights\.speed: unknown key 'speed'; allowed: ",
        ),
        ("weights = 1", r"^<rules>:1: weights: must be a table \(got 1\)$"),
        ("name = 3", r"^<rules>:1: name: must be a string \(got 3\)$"),
    ],
)
def test_bad_rule_files_name_key_and_value(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        Rules.from_toml_text(text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"weights": Weights(Decimal(1), Decimal(0), 0)},  # type: ignore[arg-type] # bad on purpose
            r"^weights.satisfaction: must be a Decimal \(got 0\)$",
        ),
        (
            {
                "satisfaction_values": {
                    "satisfied": 1,
                    "basically_satisfied": Decimal(1),
                    "dissatisfied": Decimal(0),
                }
            },
            r"^answers.satisfaction.satisfied: must be a value within 0..1 \(got '1'\)$",
        ),
        ({"places": True}, r"^rounding.places: must be an integer within 0..6 \(got True\)$"),
        ({"bonus_cap": 2}, r"^adjustments.bonus_cap: must be a Decimal \(got 2\)$"),
    ],
)
def test_evolve_is_checked_too(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        attrs.evolve(Rules(), **changes)


@given(st.text(max_size=200))
def test_fuzz_toml_text(text: str) -> None:
    error: RuleError | None = None
    try:
        rules = Rules.from_toml_text(text)
    except RuleError as err:
        error = err
    else:
        assert isinstance(rules, Rules)
    assert error is None or error.field


@pytest.mark.parametrize("name", PRESETS)
def test_describe_marks_every_assumed_key(name: str) -> None:
    rules = Rules.preset(name)
    text = rules.describe()
    assert text.startswith(f"{name}: ")
    marked = {line.split(" = ")[0] for line in text.splitlines() if line.endswith("(assumed)")}
    for key in rules.assumed:
        assert any(m == key or m.startswith(f"{key}.") for m in marked), key
    assert set(rules.values()) >= {"family", "guard.min_valid_callbacks", "grades"}
    assert Rules().describe().splitlines()[0] == "custom"
