"""Strategies for the base models."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import strategies as st

from jiesu.model import (
    CRS,
    Caller,
    Channel,
    Complaint,
    Kind,
    Location,
    Unit,
    UnitKind,
    Urgency,
)

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_CODE = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=10)


def zoned_datetimes(
    *,
    min_value: dt.datetime = dt.datetime(2010, 1, 1),  # noqa: DTZ001 - naive bounds are wall times in tz
    max_value: dt.datetime = dt.datetime(2026, 12, 31, 23, 59, 59),  # noqa: DTZ001 - as above
    tz: str = "Asia/Shanghai",
) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware datetimes (带时区时间) whose wall time in ``tz`` lies within the bounds, to the second.

    Args:
        min_value: The earliest wall time (naive, read in ``tz``).
        max_value: The latest wall time (naive, read in ``tz``).
        tz: The IANA zone the values carry.

    Returns:
        A strategy of pendulum ``DateTime`` in ``tz``.
    """
    return st.datetimes(min_value=min_value, max_value=max_value).map(
        lambda d: pendulum.datetime(d.year, d.month, d.day, d.hour, d.minute, d.second, tz=tz)
    )


def phones() -> st.SearchStrategy[str]:
    """Mainland mobile numbers (手机号): 11 digits starting with 1."""
    return st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def callers() -> st.SearchStrategy[Caller]:
    """Callers (诉求人) with optional Chinese names and phone numbers."""
    return st.builds(
        Caller,
        name=st.none() | st.text(_CJK, min_size=1, max_size=4),
        phone=st.none() | phones(),
    )


def locations(*, crs: CRS | None = None) -> st.SearchStrategy[Location]:
    """Locations (诉求地点) within mainland China's bounding box, in any (or the given) CRS."""
    return st.builds(
        Location,
        lon=st.floats(min_value=73.5, max_value=135.0, allow_nan=False),
        lat=st.floats(min_value=18.0, max_value=53.5, allow_nan=False),
        crs=st.just(crs) if crs is not None else st.sampled_from(CRS),
        address=st.none() | st.text(_CJK, min_size=1, max_size=12),
        admin_code=st.none() | st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    )


def units(*, kind: UnitKind | None = None) -> st.SearchStrategy[Unit]:
    """Handling units (承办单位) with codes, Chinese names and optional population."""
    return st.builds(
        Unit,
        code=_CODE,
        name=st.text(_CJK, min_size=2, max_size=10),
        kind=st.just(kind) if kind is not None else st.sampled_from(UnitKind),
        parent=st.none() | _CODE,
        population=st.none() | st.integers(min_value=1, max_value=5_000_000),
    )


def complaints(
    *, received_at: st.SearchStrategy[pendulum.DateTime] | None = None
) -> st.SearchStrategy[Complaint]:
    """Complaints (诉求) as recorded at intake, callers included.

    Args:
        received_at: A strategy for the intake time (default: :func:`zoned_datetimes`).
    """
    return st.builds(
        Complaint,
        id=_CODE,
        received_at=received_at if received_at is not None else zoned_datetimes(),
        channel=st.sampled_from(Channel),
        kind=st.sampled_from(Kind),
        urgency=st.sampled_from(Urgency),
        category=st.from_regex(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}", fullmatch=True),
        text=st.text(max_size=40),
        location=st.none() | locations(),
        caller=callers(),
    )


def register() -> None:
    """Register the strategies for ``st.from_type`` (idempotent)."""
    st.register_type_strategy(Caller, callers())
    st.register_type_strategy(Location, locations())
    st.register_type_strategy(Unit, units())
    st.register_type_strategy(Complaint, complaints())
