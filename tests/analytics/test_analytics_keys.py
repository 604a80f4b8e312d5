"""Caller keys (来电人标识): one caller, one key; the phone never comes back out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.analytics import caller_key, normal_phone
from jiesu.errors import ValidationError, ValidationReport

SECRET = "a-district-secret-of-some-length"  # noqa: S105 - a test key, not a password
mobiles = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
SPELLINGS = (
    lambda p: p,
    lambda p: f"+86 {p}",
    lambda p: f"0086{p}",
    lambda p: f"86{p}",
    lambda p: f"{p[:3]}-{p[3:7]}-{p[7:]}",
    lambda p: f" ({p[:3]}) {p[3:]} ",
)


@given(phone=mobiles, spell=st.sampled_from(SPELLINGS))
def test_spellings_of_one_number_get_one_key(phone: str, spell: Any) -> None:
    spelt = spell(phone)
    assert normal_phone(spelt) == phone
    a, b = caller_key([phone, spelt], SECRET)
    assert a == b
    assert len(a) == 20
    assert phone not in a


@given(phones=st.lists(mobiles, min_size=2, max_size=30, unique=True))
def test_different_numbers_and_secrets_get_different_keys(phones: list[str]) -> None:
    keys = caller_key(phones, SECRET)
    assert len(set(keys.tolist())) == len(phones)
    other = caller_key(phones, SECRET + "!")
    assert not set(keys.tolist()) & set(other.tolist())


def test_blanks_nan_integers_and_landlines() -> None:
    keys = caller_key(
        [None, float("nan"), "  ", 13800138000, 13800138000.0, "010-6512 3456"], SECRET.encode()
    )
    assert keys[:3].tolist() == [None, None, None]
    assert keys[3] == keys[4] == caller_key(["13800138000"], SECRET)[0]
    assert keys[5] == caller_key(["01065123456"], SECRET)[0]
    assert caller_key(np.array([], dtype=object), SECRET).shape == (0,)


def test_every_bad_value_is_reported_masked() -> None:
    with pytest.raises(ValidationReport) as caught:
        caller_key(["13800138000", "abc-xyz", "12", "abc-xyz"], SECRET)
    problems = caught.value.problems
    assert [p.row for p in problems] == [1, 2, 3]
    assert all(p.value == "***" for p in problems)
    assert "abc" not in str(caught.value)
    with pytest.raises(ValueError, match="not a phone number") as raised:
        normal_phone("call 1380")
    assert "1380" not in str(raised.value)


def test_a_short_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        caller_key(["13800138000"], "short")
    assert caught.value.field == "secret"
    assert "short" not in str(caught.value)
