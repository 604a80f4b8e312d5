"""The tally's arithmetic is exact for any finite decimal the rules accept (no int64 overflow)."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.scoring import Points, Rules, Tally

THIRD = "0.333333"  # 1/3 to the six decimals a rules file may carry


def _toml(weights: tuple[str, str, str], values: dict[str, str], extra: str = "") -> str:
    w = dict(zip(("response", "resolution", "satisfaction"), weights, strict=True))
    return (
        f"[weights]\nresponse = {w['response']}\nresolution = {w['resolution']}\n"
        f"satisfaction = {w['satisfaction']}\n"
        f"[answers.response]\nyes = {values['ry']}\nno = {values['rn']}\n"
        f"[answers.resolution]\nyes = {values['sy']}\nno = {values['sn']}\n"
        f"[answers.satisfaction]\nsatisfied = {values['m2']}\nbasically_satisfied = {values['m1']}\n"
        f"dissatisfied = {values['m0']}\n{extra}"
    )


def test_many_decimals_do_not_overflow() -> None:
    # a billion answered callbacks and values with six decimals: the int64 tally gave rates below 0
    values = {"ry": 1, "rn": 0, "sy": 1, "sn": 0, "m2": 1, "m1": THIRD, "m0": 0}
    rules = Rules.from_toml_text(
        _toml(("0.2", "0.4", "0.4"), {k: str(v) for k, v in values.items()})
    )
    counts = {"tickets": 10**9, "answered": 10**9, "contacted": 9 * 10**8, "solved": 4 * 10**8}
    counts |= {"satisfied": 3 * 10**8, "basically_satisfied": 3 * 10**8}
    score = Tally.from_counts(["S01"], ["2025-03"], [counts]).scores(rules).rows()[0]
    assert (score.response, score.resolution, score.satisfaction) == (
        Points("90.00"),
        Points("40.00"),
        Points("40.00"),
    )
    assert score.composite == Points("50.00")
    assert score.composite == rules.composite(response="90", resolution="40", satisfaction="40")


_DECIMAL = st.builds(
    lambda n, k: Decimal(n).scaleb(-k), st.integers(0, 10**6), st.integers(0, 6)
).filter(lambda d: d <= 1)


@st.composite
def rules_and_counts(draw: st.DrawFn) -> tuple[Rules, dict[str, int]]:
    digits = draw(st.integers(0, 6))  # a rules file carries at most six decimals
    unit = Decimal(1).scaleb(-digits)
    a = draw(st.integers(0, 10**digits))
    b = draw(st.integers(0, 10**digits - a))
    weights = tuple(str(x * unit) for x in (a, b, 10**digits - a - b))
    names = ("ry", "rn", "sy", "sn", "m2", "m1", "m0")
    values = {k: str(draw(_DECIMAL)) for k in names}
    mode = draw(st.sampled_from(["half_up", "half_even"]))
    places = draw(st.integers(0, 4))
    round_rates = (draw(st.booleans()) and "true") or "false"
    fail = draw(st.sampled_from(["exclude", "failure"]))
    extra = (
        f'[rounding]\nplaces = {places}\nmode = "{mode}"\nround_rates = {round_rates}\n'
        f'[callback]\nunreachable = "{fail}"\nrefused = "exclude"\n'
    )
    rules = Rules.from_toml_text(_toml(weights, values, extra))  # type: ignore[arg-type] # three strings
    top = draw(st.sampled_from([10, 10**4, 10**9]))
    answered = draw(st.integers(1, top))
    satisfied = draw(st.integers(0, answered))
    counts = {
        "answered": answered,
        "unreachable": draw(st.integers(0, top)),
        "contacted": draw(st.integers(0, answered)),
        "solved": draw(st.integers(0, answered)),
        "satisfied": satisfied,
        "basically_satisfied": draw(st.integers(0, answered - satisfied)),
    }
    counts["tickets"] = answered + counts["unreachable"]
    return rules, counts


def _exact_rates(rules: Rules, c: dict[str, int]) -> dict[str, Fraction]:
    """DOMAIN §4 read with fractions: each valid callback's value, summed, over the valid callbacks."""
    r, s, m = rules.response_values, rules.resolution_values, rules.satisfaction_values
    failures = c["unreachable"] if rules.unreachable == "failure" else 0
    answered = c["answered"]
    valid = answered + failures
    dissatisfied = answered - c["satisfied"] - c["basically_satisfied"]

    def f(d: Decimal) -> Fraction:
        return Fraction(d)

    sums = {
        "response": c["contacted"] * f(r["yes"])
        + (answered - c["contacted"] + failures) * f(r["no"]),
        "resolution": c["solved"] * f(s["yes"]) + (answered - c["solved"] + failures) * f(s["no"]),
        "satisfaction": c["satisfied"] * f(m["satisfied"])
        + c["basically_satisfied"] * f(m["basically_satisfied"])
        + (dissatisfied + failures) * f(m["dissatisfied"]),
    }
    return {k: v * 100 / valid for k, v in sums.items()}


def _decimal(value: Fraction) -> Decimal:
    with localcontext(prec=120):
        return Decimal(value.numerator) / Decimal(value.denominator)


@settings(max_examples=300)
@given(rules_and_counts())
def test_tally_equals_the_exact_composite(case: tuple[Rules, dict[str, int]]) -> None:
    rules, counts = case
    score = Tally.from_counts(["S01"], ["2025-03"], [counts]).scores(rules).rows()[0]
    exact = _exact_rates(rules, counts)
    with localcontext(prec=120):
        for name, value in exact.items():
            assert getattr(score, name) == rules.round(_decimal(value)), name
        composite = rules.composite(**{k: _decimal(v) for k, v in exact.items()})
    assert score.composite == composite
    assert Decimal(0) <= score.composite <= Decimal(100)
