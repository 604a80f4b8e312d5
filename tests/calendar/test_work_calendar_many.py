"""Each ``*_many`` twin agrees with its scalar on random input (same values, same errors)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.calendar import CalendarOverlay, WorkCalendar
from jiesu.errors import CalendarCoverageError, ValidationError, ValidationReport

if TYPE_CHECKING:
    from collections.abc import Callable

# The shared national calendar warns once (CoverageWarning) when first asked about a date from 1 November
# 2026 on; which test asks first depends on the order and on the examples drawn, so the warning is ignored
# here and tested on fresh calendars in test_calendar_statutory.py.
pytestmark = pytest.mark.filterwarnings("ignore::jiesu.errors.CoverageWarning")

CAL = WorkCalendar.china()
D = dt.date
SPECIAL = (
    [D(y, 12, 31) for y in range(2010, 2026)]
    + [D(y, 1, 1) for y in range(2011, 2027)]
    + [
        D(2011, 12, 31),
        D(2018, 12, 29),
        D(2024, 2, 4),
        D(2020, 2, 1),
        D(2026, 2, 28),
        D(2015, 9, 6),
    ]
)
day_st = st.one_of(
    st.dates(min_value=D(2010, 2, 1), max_value=D(2026, 11, 30)), st.sampled_from(SPECIAL)
)
days_st = st.lists(day_st, min_size=1, max_size=40)
UNITS = ["D", "s", "ms", "us", "ns"]


def to64(days: list[dt.date], unit: str = "D") -> np.ndarray[Any, np.dtype[np.datetime64]]:
    """Local dates as datetime64; for finer units, the UTC instant of local noon of that date."""
    arr = np.array(days, dtype="datetime64[D]")
    if unit == "D":
        return arr
    return (arr.astype("datetime64[s]") + np.timedelta64(4, "h")).astype(f"datetime64[{unit}]")


def strided(arr: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The same values as a non-contiguous view."""
    wide = np.repeat(arr, 2)
    view = wide[::2]
    assert not view.flags.c_contiguous or arr.size <= 1
    return view


@pytest.mark.parametrize(
    ("many", "scalar"),
    [
        (CAL.is_workday_many, CAL.is_workday),
        (CAL.is_holiday_many, CAL.is_holiday),
        (CAL.holiday_name_many, CAL.holiday_name),
        (CAL.is_provisional_many, CAL.is_provisional),
        (CAL.next_workday_many, CAL.next_workday),
        (CAL.previous_workday_many, CAL.previous_workday),
    ],
)
@given(days=days_st, unit=st.sampled_from(UNITS), stride=st.booleans())
def test_date_twins_agree(
    many: Callable[[Any], Any],
    scalar: Callable[[dt.date], Any],
    days: list[dt.date],
    unit: str,
    stride: bool,
) -> None:
    arr = to64(days, unit)
    got = many(strided(arr) if stride else arr)
    expected = [scalar(d) for d in days]
    if got.dtype.kind == "M":
        got = got.astype(object)
    assert list(got) == expected


@given(days=days_st, data=st.data(), unit=st.sampled_from(UNITS), stride=st.booleans())
def test_add_workdays_twin(
    days: list[dt.date], data: st.DataObject, unit: str, stride: bool
) -> None:
    n = data.draw(st.lists(st.integers(-15, 15), min_size=len(days), max_size=len(days)))
    arr = to64(days, unit)
    steps = np.array(n, dtype=np.int32)
    got = CAL.add_workdays_many(
        strided(arr) if stride else arr, strided(steps) if stride else steps
    )
    assert got.dtype == np.dtype("datetime64[D]")
    assert list(got.astype(object)) == [
        CAL.add_workdays(d, k) for d, k in zip(days, n, strict=True)
    ]


@given(starts=days_st, data=st.data())
def test_workdays_between_twin(starts: list[dt.date], data: st.DataObject) -> None:
    ends = data.draw(st.lists(day_st, min_size=len(starts), max_size=len(starts)))
    got = CAL.workdays_between_many(to64(starts), to64(ends, "s"))
    assert got.tolist() == [CAL.workdays_between(a, b) for a, b in zip(starts, ends, strict=True)]


@given(
    days=st.lists(
        st.dates(min_value=D(2010, 3, 1), max_value=D(2026, 10, 31)), min_size=1, max_size=40
    ),
    n=st.integers(-30, 30),
)
def test_round_trip_many(days: list[dt.date], n: int) -> None:
    arr = to64(days)
    assert (CAL.workdays_between_many(arr, CAL.add_workdays_many(arr, n)) == n).all()


instant_st = st.integers(
    int(pendulum.datetime(2010, 2, 1, tz="UTC").timestamp()),
    int(pendulum.datetime(2026, 11, 30, tz="UTC").timestamp()),
)


@given(
    secs=st.lists(instant_st, min_size=1, max_size=30),
    data=st.data(),
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    stride=st.booleans(),
)
def test_add_working_hours_twin(
    secs: list[int], data: st.DataObject, unit: str, stride: bool
) -> None:
    hours = data.draw(
        st.lists(
            st.sampled_from([0, 0.5, 1, 3, 7, 7.25, 24, 40]), min_size=len(secs), max_size=len(secs)
        )
    )
    arr = np.array(secs, dtype="datetime64[s]").astype(f"datetime64[{unit}]")
    amounts = np.array(hours)
    got = CAL.add_working_hours_many(
        strided(arr) if stride else arr, strided(amounts) if stride else amounts
    )
    expected = [
        CAL.add_working_hours(pendulum.from_timestamp(s, tz="UTC"), h)
        for s, h in zip(secs, hours, strict=True)
    ]
    assert [pendulum.instance(x.astype(dt.datetime), tz="UTC") for x in got] == expected


@given(a=st.lists(instant_st, min_size=1, max_size=30), data=st.data())
def test_working_time_between_twin(a: list[int], data: st.DataObject) -> None:
    b = data.draw(st.lists(instant_st, min_size=len(a), max_size=len(a)))
    got = CAL.working_time_between_many(
        np.array(a, dtype="datetime64[s]"), np.array(b, dtype="datetime64[s]")
    )
    expected = [
        CAL.working_time_between(
            pendulum.from_timestamp(x, tz="UTC"), pendulum.from_timestamp(y, tz="UTC")
        )
        for x, y in zip(a, b, strict=True)
    ]
    assert list(got.astype(object)) == expected


def test_twins_on_overlays() -> None:
    duty = CAL.with_overlay(CalendarOverlay.twenty_four_seven("值班室", "值班制度"))
    start = np.array(["2026-02-16T14:00"], dtype="datetime64[m]")  # 22:00 in Beijing
    assert duty.add_working_hours_many(start, 5)[0] == np.datetime64("2026-02-16T19:00")
    women = CAL.for_group("women")
    start = np.array(["2024-03-08T03:00"], dtype="datetime64[m]")  # 11:00 in Beijing
    got = women.add_working_hours_many(start, 2)
    assert got[0] == np.datetime64("2024-03-11T02:00")
    assert women.add_working_hours(
        pendulum.datetime(2024, 3, 8, 11, tz="Asia/Shanghai"), 2
    ) == pendulum.datetime(2024, 3, 11, 10, tz="Asia/Shanghai")


def test_two_dimensional_input_keeps_its_shape() -> None:
    arr = np.array(
        [["2026-02-14", "2026-02-15"], ["2026-02-16", "2026-02-17"]], dtype="datetime64[D]"
    )
    assert CAL.is_workday_many(arr).tolist() == [[True, False], [False, False]]
    assert CAL.add_workdays_many(arr, 1).shape == (2, 2)


def test_same_errors_as_the_scalars() -> None:
    arr = np.array(["2025-01-02", "2027-01-04"], dtype="datetime64[D]")
    with pytest.raises(
        CalendarCoverageError, match=r"dates: outside .* \(got datetime\.date\(2027, 1, 4\)\)"
    ):
        CAL.is_workday_many(arr)
    with pytest.raises(
        CalendarCoverageError, match=r"result: .*\(got '2026-12-31 \+1 working days'\)"
    ):
        CAL.add_workdays_many(np.array(["2026-12-31"], dtype="datetime64[D]"), 1)
    with pytest.raises(CalendarCoverageError, match=r"result: outside"):
        CAL.add_working_hours_many(np.array(["2026-12-31T01:00"], dtype="datetime64[m]"), 24)
    with pytest.raises(
        ValidationError, match=r"dates: must be an array of numpy datetime64 \(got '<U10'\)"
    ):
        CAL.is_workday_many(np.array(["2025-01-02"]))
    with pytest.raises(ValidationError, match=r"n: must be integers \(got 'float64'\)"):
        CAL.add_workdays_many(arr[:1], 1.5)
    with pytest.raises(ValidationError, match=r"instants: must be datetime64 UTC instants"):
        CAL.add_working_hours_many(arr[:1], 1)
    with pytest.raises(ValidationError, match=r"hours: must be non-negative numbers of hours"):
        CAL.add_working_hours_many(np.array(["2025-01-02T01:00"], dtype="datetime64[m]"), -1)


def test_missing_values_are_reported_by_row() -> None:
    arr = np.array(["2025-01-02", "NaT", "2025-01-03", "NaT"], dtype="datetime64[D]")
    with pytest.raises(ValidationReport) as info:
        CAL.is_workday_many(arr)
    assert info.value.rows == (1, 3)
    assert "row 1, dates: missing value (NaT) is not a date" in str(info.value)
    with pytest.raises(ValidationReport, match=r"1 of 1 rows failed"):
        CAL.add_working_hours_many(np.array(["NaT"], dtype="datetime64[s]"), 1)


def test_local_dates_of_utc_instants() -> None:
    # 2026-02-13 16:00 UTC is 2026-02-14 00:00 in Beijing (a make-up working Saturday)
    arr = np.array(["2026-02-13T15:59:59", "2026-02-13T16:00:00"], dtype="datetime64[s]")
    assert CAL.is_workday_many(arr).tolist() == [True, True]
    arr = np.array(["2026-02-14T15:59:59", "2026-02-14T16:00:00"], dtype="datetime64[s]")
    assert CAL.is_workday_many(arr).tolist() == [True, False]


def test_daylight_saving_years_in_weekday_mode() -> None:
    # Asia/Shanghai kept summer time in 1986-1991; the tables must still convert correctly.
    cal = WorkCalendar.china(beyond_coverage="weekdays", coverage_warning=False)
    start = pendulum.datetime(1988, 7, 1, 9, tz="Asia/Shanghai")  # UTC+9 then
    assert start.offset == 9 * 3600
    arr = np.array([start.in_timezone("UTC").naive()], dtype="datetime64[s]")
    got = cal.add_working_hours_many(arr, 8)[0]
    assert pendulum.instance(got.astype(dt.datetime), tz="UTC") == cal.add_working_hours(start, 8)
    assert cal.is_workday_many(arr).tolist() == [cal.is_workday(start)]


def test_coarse_units_are_local_dates() -> None:
    months = np.array(["2026-01", "2026-02"], dtype="datetime64[M]")  # the 1st of each month
    assert CAL.is_workday_many(months).tolist() == [
        CAL.is_workday(D(2026, 1, 1)),
        CAL.is_workday(D(2026, 2, 1)),
    ]


def test_instants_outside_the_table_are_refused() -> None:
    late = np.array(["2027-01-04T01:00"], dtype="datetime64[m]")
    with pytest.raises(
        CalendarCoverageError, match=r"ends: outside .* \(got datetime\.date\(2027, 1, 4\)\)"
    ):
        CAL.working_time_between_many(late - np.timedelta64(7, "D"), late)
