from __future__ import annotations

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jiesu.testing  # noqa: F401 - registers strategies
from jiesu.errors import ValidationError
from jiesu.model import (
    CRS,
    Caller,
    Complaint,
    Kind,
    Location,
    Unit,
    UnitKind,
    Urgency,
    aware,
)

T0 = pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai")


def _complaint(**kw: object) -> Complaint:
    args: dict[str, object] = {
        "id": "C1",
        "received_at": T0,
        "channel": "phone",
        "kind": "投诉",
        "urgency": "一般",
        "category": "01.01.01",
    }
    args.update(kw)
    return Complaint(**args)  # type: ignore[arg-type]  # deliberately loose input


def test_enum_parse_by_code_name_label_member() -> None:
    assert Kind.parse("complaint") is Kind.COMPLAINT
    assert Kind.parse("COMPLAINT") is Kind.COMPLAINT
    assert Kind.parse(" 投诉 ") is Kind.COMPLAINT
    assert Kind.parse(Kind.REPORT) is Kind.REPORT
    assert Urgency.NORMAL.label == "一般"


def test_enum_parse_error_lists_allowed() -> None:
    with pytest.raises(
        ValidationError, match=r"kind: unknown Kind; allowed: consultation \(咨询\)"
    ):
        Kind.parse("投拆", field="kind")
    with pytest.raises(ValidationError, match="^UnitKind: "):
        UnitKind.parse(3)


def test_aware_accepts_stdlib_and_pendulum() -> None:
    std = dt.datetime(2025, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    got = aware(std)
    assert isinstance(got, pendulum.DateTime)
    assert got == std
    assert aware(T0) is T0


@pytest.mark.parametrize(
    "value", [dt.datetime(2025, 1, 1), "2025-01-01T00:00:00+08:00", dt.date(2025, 1, 1)]
)
def test_aware_refuses(value: object) -> None:
    with pytest.raises(ValidationError, match="^at: must be an aware datetime"):
        aware(value, field="at")


def test_complaint_validates_every_field() -> None:
    assert _complaint().kind is Kind.COMPLAINT
    with pytest.raises(ValidationError, match="^received_at: must be an aware"):
        _complaint(received_at=dt.datetime(2025, 1, 1))
    with pytest.raises(ValidationError, match="^id: must be a non-empty string"):
        _complaint(id="  ")
    with pytest.raises(ValidationError, match="^channel: unknown Channel"):
        _complaint(channel="fax")
    with pytest.raises(ValidationError, match="^text: must be a str"):
        _complaint(text=None)
    with pytest.raises(ValidationError, match="^location: must be a Location or None"):
        _complaint(location=(116.0, 39.0))
    with pytest.raises(ValidationError, match="^caller: must be a Caller"):
        _complaint(caller="张三")


def test_complaint_repr_hides_text_and_caller() -> None:
    c = _complaint(text="我叫王五，电话13900001111", caller=Caller("王五", "13900001111"))
    assert "王五" not in repr(c)
    assert "13900001111" not in repr(c)


def test_location_ranges() -> None:
    loc = Location(116.4, 39.9, "GCJ02", address="东华门")
    assert loc.crs is CRS.GCJ02
    for lon, lat in [(181.0, 0.0), (0.0, -91.0), (float("nan"), 0.0), (True, 0.0), ("116", 39.0)]:
        with pytest.raises(ValidationError, match="must be a finite number"):
            Location(lon, lat)  # type: ignore[arg-type]  # deliberately wrong
    with pytest.raises(ValidationError, match="^address: must be a string or None"):
        Location(116.0, 39.0, address=5)  # type: ignore[arg-type]  # deliberately wrong


def test_unit_population() -> None:
    assert Unit("S1", "街道一", "街道", population=1000).kind is UnitKind.STREET
    for bad in (0, -5, 1.5, True):
        with pytest.raises(ValidationError, match="^population: must be a positive integer"):
            Unit("S1", "街道一", "street", population=bad)  # type: ignore[arg-type]  # deliberately wrong


def test_caller_validation_masks() -> None:
    with pytest.raises(ValidationError, match=r"caller.phone: must be a string or None") as info:
        Caller("张三", 13812345678)  # type: ignore[arg-type]  # deliberately wrong
    assert "13812345678" not in str(info.value)
    assert repr(Caller()) == "Caller(name=None, phone=None)"


# Names from CJK extension A, which the complaint strategy never uses elsewhere, so a hit is a leak.
_NAMES = st.text(st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF), min_size=2, max_size=4)


@given(st.from_type(Complaint), _NAMES, st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_personal_data_never_in_repr_or_str(c: Complaint, name: str, phone: str) -> None:
    c = attrs.evolve(c, caller=Caller(name, phone))
    for text in (repr(c), str(c), repr(c.caller), str(c.caller)):
        assert phone not in text
        assert name not in text
        assert sum(text.count(ch) for ch in set(name)) <= 1  # only the masked first character
