from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.errors import ValidationError
from jiesu.model import Duration, TimeUnit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", Duration(24, TimeUnit.NATURAL_HOURS)),
        ("7d", Duration(7, TimeUnit.NATURAL_DAYS)),
        ("5wd", Duration(5, TimeUnit.WORKING_DAYS)),
        ("16 wh", Duration(16, TimeUnit.WORKING_HOURS)),
        ("0.5 working_days", Duration(0.5, TimeUnit.WORKING_DAYS)),
        ("3 工作日", Duration(3, TimeUnit.WORKING_DAYS)),
        ("2 自然小时", Duration(2, TimeUnit.NATURAL_HOURS)),
    ],
)
def test_parse(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("text", ["", "h", "5", "5 weeks", "-1h", 5])
def test_parse_refuses(text: object) -> None:
    with pytest.raises(ValidationError, match="^(duration|unit): "):
        Duration.parse(text)


@pytest.mark.parametrize("amount", [-1, True, "5", float("nan"), 1e7])
def test_amount_checked(amount: object) -> None:
    with pytest.raises(ValidationError, match="^amount: must be a non-negative number"):
        Duration(amount, TimeUnit.NATURAL_DAYS)  # type: ignore[arg-type]  # deliberately wrong


@given(st.integers(0, 10_000), st.sampled_from(TimeUnit))
def test_str_parse_round_trip(amount: int, unit: TimeUnit) -> None:
    d = Duration(amount, unit)
    assert Duration.parse(str(d)) == d
