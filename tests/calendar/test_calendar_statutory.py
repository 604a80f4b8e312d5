"""The statutory fallback past the last notice, the coverage warning, and the calendar as a frozen value."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lunar_python import Lunar, LunarMonth, Solar

from jiesu.calendar import (
    STATUTORY_YEARS,
    HolidayData,
    TimeUnit,
    WorkCalendar,
    clock,
    convert,
    sla_status_many,
    statutory_holidays,
)
from jiesu.errors import CalendarCoverageError, CalendarError, CoverageWarning
from jiesu.model import Duration

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "src" / "jiesu" / "calendar" / "data" / "statutory.csv"
DOCS = ROOT / "docs" / "calendar" / "holidays.md"
D = dt.date


def _solar(lunar: Lunar) -> dt.date:
    solar = lunar.getSolar()
    return D(solar.getYear(), solar.getMonth(), solar.getDay())


def _festivals(year: int) -> dict[str, dt.date]:
    """The library's dates, computed here independently of the generating script."""
    last_day = LunarMonth.fromYm(year - 1, 12).getDayCount()  # the 12th month has 29 or 30 days
    (qingming,) = [
        D(year, 4, d)
        for d in range(1, 11)
        if Solar.fromYmd(year, 4, d).getLunar().getJieQi() == "清明"
    ]
    return {
        "除夕": _solar(Lunar.fromYmd(year - 1, 12, last_day)),
        "春节": _solar(Lunar.fromYmd(year, 1, 1)),
        "清明": qingming,
        "端午": _solar(Lunar.fromYmd(year, 5, 5)),
        "中秋": _solar(Lunar.fromYmd(year, 8, 15)),
    }


def _table() -> dict[int, dict[str, dt.date]]:
    lines = [x for x in TABLE.read_text(encoding="utf-8").splitlines() if not x.startswith("#")]
    header = lines[0].split(",")
    return {
        int(row[0]): {k: D.fromisoformat(v) for k, v in zip(header[1:], row[1:], strict=True)}
        for row in (line.split(",") for line in lines[1:])
    }


def _fresh(**kwargs: object) -> WorkCalendar:
    """A new calendar (not the cached one), so that its one warning is still to come."""
    return WorkCalendar(**kwargs)  # type: ignore[arg-type]  # the keyword arguments of WorkCalendar


@pytest.fixture
def caught() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        yield got


STAT = WorkCalendar.china(beyond_coverage="statutory", coverage_warning=False)
WEEK = WorkCalendar.china(beyond_coverage="weekdays", coverage_warning=False)


# ------------------------------------------------------------------------------ the bundled date table


def test_the_table_cites_the_library_and_its_version() -> None:
    head = TABLE.read_text(encoding="utf-8").splitlines()[:6]
    assert any("lunar-python 1.4.8" in line for line in head)
    assert head[-1] == "year,除夕,春节,清明,端午,中秋"
    assert list(_table()) == list(STATUTORY_YEARS) == list(range(2025, 2101))


def test_every_date_of_the_table_is_the_librarys() -> None:
    table = _table()
    for year in STATUTORY_YEARS:
        assert table[year] == _festivals(year), year


def test_the_generating_script_reproduces_the_file() -> None:
    spec = importlib.util.spec_from_file_location(
        "statutory_dates", ROOT / "benchmarks" / "statutory_dates.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    path = sys.path[:]
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path  # the script takes its own folder off the path
    assert module.render() == TABLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("year", range(2010, 2027))
def test_every_notice_contains_the_computed_festival(year: int) -> None:
    days = _festivals(year)
    spans = HolidayData.bundled().year(year).holidays

    def span(name: str) -> tuple[dt.date, dt.date]:
        (hit,) = [(s.start, s.end) for s in spans if name in s.name]
        return hit

    for festival, name in (("春节", "春节"), ("清明", "清明"), ("端午", "端午"), ("中秋", "中秋")):
        start, end = span(name)
        assert start <= days[festival] <= end, (year, festival)
    if year >= 2025:  # 除夕 is statutory again from 2025 (Order 795)
        start, end = span("春节")
        assert start <= days["除夕"] <= end


# ------------------------------------------------------------------------------- statutory_holidays


@given(st.sampled_from(STATUTORY_YEARS))
def test_statutory_days_follow_the_2025_rules(year: int) -> None:
    spans = statutory_holidays(year)
    days = [d for s in spans for d in s.dates()]
    table = _table()[year]
    assert len(days) == len(set(days))  # no overlap
    assert all(a.end < b.start for a, b in itertools.pairwise(spans))
    shared = table["中秋"] in (D(year, 10, 1), D(year, 10, 2), D(year, 10, 3))
    assert len(days) == (12 if shared else 13)
    expected = {
        D(year, 1, 1),
        D(year, 5, 1),
        D(year, 5, 2),
        table["清明"],
        table["端午"],
        table["中秋"],
    }
    expected |= {D(year, 10, d) for d in (1, 2, 3)}
    expected |= {table["除夕"] + dt.timedelta(days=i) for i in range(4)}
    assert set(days) == expected
    assert table["春节"] == table["除夕"] + dt.timedelta(days=1)
    by_day = {d: s.name for s in spans for d in s.dates()}
    assert by_day[D(year, 1, 1)] == "元旦"
    assert by_day[table["除夕"]] == by_day[table["春节"]] == "春节"
    assert by_day[table["中秋"]] == ("国庆节、中秋节" if shared else "中秋节")


def test_statutory_years_are_checked() -> None:
    bad: object
    for bad in (2024, 2101, True, "2027"):
        with pytest.raises(CalendarError, match=r"year: must be a year 2025\.\.2100"):
            statutory_holidays(bad)  # wrong on purpose: objects, not years


# ------------------------------------------------------------------------------ the statutory calendar


def test_past_the_notices_the_statutory_days_are_off_and_provisional() -> None:
    assert STAT.table_last == D(2100, 12, 31)
    assert STAT.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)  # 元旦 is a day off, not worked
    assert WEEK.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 4)  # by weekday only, said by name
    assert STAT.holiday_name(D(2027, 2, 5)) == "春节"  # 除夕
    assert not STAT.is_workday(D(2027, 2, 5))
    assert STAT.is_workday(D(2027, 2, 9))
    assert STAT.holiday_name(D(2028, 10, 3)) == "国庆节、中秋节"
    assert (
        STAT.holiday_name(D(2027, 10, 4)) is None
    )  # no 调休 guessed: the 4th is an ordinary Monday
    assert STAT.is_workday(D(2027, 10, 4))
    assert not STAT.is_workday(D(2027, 5, 1))
    assert STAT.holiday_name(D(2027, 5, 1)) == "劳动节"
    assert STAT.is_workday(D(2027, 5, 3))  # 5-1 and 5-2 fall on a weekend: no make-up day guessed
    assert STAT.basis(D(2026, 12, 31)) == "notice"
    assert STAT.basis(D(2027, 1, 1)) == "statutory"
    assert WEEK.basis(D(2009, 12, 31)) == WEEK.basis(D(2027, 1, 1)) == "weekdays"
    assert WEEK.basis(D(2020, 1, 1)) == "notice"
    with pytest.raises(CalendarCoverageError, match=r"range 2010-01-01\.\.2100-12-31"):
        STAT.is_workday(D(2101, 1, 1))
    with pytest.raises(CalendarCoverageError, match=r"range 2010-01-01\.\.2100-12-31"):
        STAT.is_workday(D(2009, 12, 31))  # the fallback goes forward only


@given(st.dates(min_value=D(2027, 1, 1), max_value=D(2100, 12, 31)))
def test_a_statutory_day_is_off_and_every_other_day_goes_by_weekday(day: dt.date) -> None:
    statutory = {d: s.name for s in statutory_holidays(day.year) for d in s.dates()}
    assert STAT.is_workday(day) == (day not in statutory and day.weekday() < 5)
    assert STAT.holiday_name(day) == statutory.get(day)
    assert STAT.is_holiday(day) == (day in statutory)
    assert STAT.is_provisional(day)
    assert STAT.basis(day) == "statutory"


def test_group_holidays_apply_in_the_statutory_years() -> None:
    children = STAT.for_group("children")
    assert STAT.is_workday(D(2027, 6, 1))  # a Tuesday
    assert not children.is_workday(D(2027, 6, 1))
    assert children.holiday_name(D(2027, 6, 1)) == "儿童节"
    assert children.is_workday(D(2027, 6, 2))
    assert WEEK.for_group("children").is_workday(
        D(2027, 6, 1)
    )  # weekday only: no group days either


def test_the_array_paths_agree_with_the_scalar_ones() -> None:
    days = np.arange(np.datetime64("2026-12-20"), np.datetime64("2029-01-10"))
    scalar = [d.astype(dt.date) for d in days]
    assert STAT.is_workday_many(days).tolist() == [STAT.is_workday(d) for d in scalar]
    assert STAT.holiday_name_many(days).tolist() == [STAT.holiday_name(d) for d in scalar]
    assert STAT.is_provisional_many(days).tolist() == [STAT.is_provisional(d) for d in scalar]
    assert STAT.basis_many(days).tolist() == [STAT.basis(d) for d in scalar]
    assert WEEK.basis_many(
        np.array(["2009-01-01", "2010-01-01"], dtype="datetime64[D]")
    ).tolist() == [
        "weekdays",
        "notice",
    ]
    got = STAT.add_workdays_many(days, 5).astype(dt.date).tolist()
    assert got == [STAT.add_workdays(d, 5) for d in scalar]


def test_a_year_before_the_2025_rules_has_no_statutory_fallback() -> None:
    short = HolidayData(
        HolidayData.bundled().years[:-3]
    )  # notices up to 2023: 2024 has no rule here
    with pytest.raises(
        CalendarError, match=r"beyond_coverage: the statutory fallback starts in 2025"
    ):
        WorkCalendar(short, beyond_coverage="statutory")
    assert (
        WorkCalendar(
            HolidayData(HolidayData.bundled().years[:-2]),
            beyond_coverage="statutory",
            coverage_warning=False,
        ).basis(D(2025, 1, 1))
        == "statutory"
    )


# ---------------------------------------------------------------------------------- coverage warning


def test_the_warning_comes_once_from_1_november_of_the_last_year(
    caught: list[warnings.WarningMessage],
) -> None:
    cal = _fresh()
    assert not cal.is_workday(D(2026, 10, 31))  # a Saturday, the day before
    assert caught == []
    assert not cal.is_workday(D(2026, 11, 1))
    cal.is_workday(D(2026, 12, 28))
    cal.add_workdays(D(2026, 12, 1), 3)
    (only,) = caught
    assert only.category is CoverageWarning
    assert str(only.message).startswith(
        "the 2027 holiday notice is not in this calendar: dates from 2026-11-01 on are provisional"
    )
    assert "dates in 2027 are refused" in str(only.message)
    assert only.filename == __file__  # it points at the caller


def test_the_warning_names_the_fallback(caught: list[warnings.WarningMessage]) -> None:
    _fresh(beyond_coverage="statutory").is_workday(D(2030, 1, 1))
    assert "dates in 2027 follow the statutory holidays without 调休" in str(caught[0].message)
    _fresh(beyond_coverage="weekdays").is_workday(D(2030, 1, 1))
    texts = [str(w.message) for w in caught[1:]]
    assert len(texts) == 2
    assert "dates in 2027 go by weekday only" in texts[0]
    assert "statutory holidays such as 元旦 and 春节 count as working days" in texts[1]


def test_weekday_only_dates_before_the_notices_warn_too(
    caught: list[warnings.WarningMessage],
) -> None:
    cal = _fresh(beyond_coverage="weekdays")
    cal.is_workday(D(2005, 5, 2))
    cal.is_workday(D(2004, 5, 3))
    assert [str(w.message)[:33] for w in caught] == ["dates outside the notice years 20"]


def test_group_days_are_laid_without_a_warning(caught: list[warnings.WarningMessage]) -> None:
    women = _fresh(beyond_coverage="statutory").for_group(
        "women"
    )  # reads 2027-2100 to lay the days
    assert women.is_workday(D(2025, 3, 7))
    assert caught == []


def test_the_switch_silences_it(caught: list[warnings.WarningMessage]) -> None:
    cal = _fresh(beyond_coverage="weekdays", coverage_warning=False)
    cal.is_workday(D(2030, 1, 1))
    cal.is_workday(D(2026, 12, 30))
    assert caught == []


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(lambda c: c.is_provisional(D(2026, 12, 28)), id="is_provisional"),
        pytest.param(lambda c: c.add_workdays(D(2026, 10, 30), 1), id="add_workdays result"),
        pytest.param(
            lambda c: c.add_working_hours(
                pendulum.datetime(2026, 10, 30, 17, tz="Asia/Shanghai"), 1
            ),
            id="add_working_hours result",
        ),
        pytest.param(
            lambda c: c.is_workday_many(
                np.array(["2026-01-05", "2026-12-01"], dtype="datetime64[D]")
            ),
            id="is_workday_many",
        ),
        pytest.param(
            lambda c: c.add_workdays_many(np.array(["2026-10-30"], dtype="datetime64[D]"), 1),
            id="add_workdays_many result",
        ),
        pytest.param(
            lambda c: c.add_workdays_many(np.array(["2026-11-03"], dtype="datetime64[D]"), [-1]),
            id="add_workdays_many backwards",
        ),
        pytest.param(
            lambda c: c.add_working_hours_many(
                np.array(["2026-10-30T09:00"], dtype="datetime64[m]"), 1
            ),
            id="add_working_hours_many result",
        ),
        pytest.param(
            lambda c: c.working_time_between_many(
                np.array(["2026-10-01T00:00"], dtype="datetime64[m]"),
                np.array(["2026-11-02T00:00"], dtype="datetime64[m]"),
            ),
            id="working_time_between_many",
        ),
        pytest.param(
            lambda c: clock(
                c,
                pendulum.datetime(2026, 10, 30, 17, tz="Asia/Shanghai"),
                Duration(1, "working_days"),
                now=pendulum.datetime(2026, 10, 30, 18, tz="Asia/Shanghai"),
            ),
            id="a clock due in November",
        ),
        pytest.param(
            lambda c: sla_status_many(
                c,
                np.array(["2026-11-02T01:00"], dtype="datetime64[m]"),
                [1],
                "working_days",
                now=np.datetime64("2026-11-02T02:00"),
            ),
            id="sla_status_many",
        ),
    ],
)
def test_every_path_warns(ask: object, caught: list[warnings.WarningMessage]) -> None:
    cal = _fresh()
    ask(cal)  # type: ignore[operator]  # the parametrised callables
    assert [w.category for w in caught] == [CoverageWarning]


def test_empty_arrays_and_early_dates_do_not_warn(caught: list[warnings.WarningMessage]) -> None:
    cal = _fresh()
    empty_days = np.array([], dtype="datetime64[D]")
    empty_times = np.array([], dtype="datetime64[m]")
    assert cal.is_workday_many(empty_days).size == 0
    assert cal.add_workdays_many(empty_days, 1).size == 0
    assert cal.add_workdays_many(empty_days, -1).size == 0
    assert cal.add_working_hours_many(empty_times, 1).size == 0
    assert cal.working_time_between_many(empty_times, empty_times).size == 0
    nothing = np.array([], dtype=np.float64)  # what an empty batch of clocks asks the tables
    assert cal._workday_inverse(nothing, "due").size == 0
    assert cal._hours_inverse(nothing, "due").size == 0
    assert convert(Duration(2, "working_days"), TimeUnit.WORKING_HOURS, cal) == 14
    assert cal.workdays_between(D(2026, 1, 1), D(2026, 10, 31)) > 0
    assert caught == []


def test_a_users_notice_moves_the_warning_to_its_year(
    tmp_path: Path, caught: list[warnings.WarningMessage]
) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(_documented_example(), encoding="utf-8")
    cal = WorkCalendar.china(extra_files=[path])
    cal.is_workday(D(2026, 12, 28))
    assert caught == []
    cal.is_workday(D(2027, 11, 2))
    assert "the 2028 holiday notice is not in this calendar" in str(caught[0].message)


# ------------------------------------------------------------------ a user's notice file, as documented


def _documented_example() -> str:
    """The example notice file of docs/calendar/holidays.md (a made-up example, not the 2027 notice)."""
    text = DOCS.read_text(encoding="utf-8")
    (block,) = re.findall(r"^```toml\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    return str(block)


def test_a_notice_file_replaces_the_statutory_fallback(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(_documented_example(), encoding="utf-8")
    cal = WorkCalendar.china(
        extra_files=[path], beyond_coverage="statutory", coverage_warning=False
    )
    data = HolidayData.bundled().with_file(path)
    assert data.last_year == 2027
    year = data.year(2027)
    every_span = [d for s in year.holidays for d in s.dates()]
    for day in (D(2027, 1, 1) + dt.timedelta(days=i) for i in range(365 - 7)):
        assert cal.basis(day) == "notice"
        assert not cal.is_provisional(day)
        assert STAT.is_provisional(day)
        assert STAT.basis(day) == "statutory"
        assert cal.is_workday(day) == (
            day in year.workdays or (day.weekday() < 5 and day not in every_span)
        )
    assert cal.is_provisional(D(2027, 12, 31))
    assert cal.basis(D(2028, 1, 1)) == "statutory"
    assert not cal.is_workday(D(2028, 1, 1))
    assert cal.holiday_name(D(2028, 1, 1)) == "元旦"


# --------------------------------------------------------------------------------- a frozen value


def test_a_cached_calendar_cannot_be_changed() -> None:
    cal = WorkCalendar.china()
    assert cal is WorkCalendar.china()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cal.tz = "UTC"  # type: ignore[misc]  # frozen on purpose
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cal.beyond_coverage = "weekdays"  # type: ignore[misc]  # frozen on purpose
    with pytest.raises(ValueError, match="read-only"):
        cal._work[0] = not cal._work[0]
    with pytest.raises(ValueError, match="read-only"):
        cal._cum[-1] = 0
    with pytest.raises(AttributeError):
        cal.overlays.append(None)  # type: ignore[attr-defined]  # a tuple
    assert WorkCalendar.china().tz == "Asia/Shanghai"
    assert WorkCalendar.china().is_workday(D(2026, 2, 14))


def test_evolve_builds_a_new_calendar_with_its_own_tables(
    caught: list[warnings.WarningMessage],
) -> None:
    cal = WorkCalendar.china()
    statutory = attrs.evolve(cal, beyond_coverage="statutory", coverage_warning=False)
    assert statutory == STAT
    assert statutory is not STAT
    assert hash(statutory) == hash(STAT)
    assert statutory.is_workday(D(2027, 1, 4))
    assert not statutory.is_workday(D(2027, 1, 1))
    with pytest.raises(CalendarCoverageError):
        cal.is_workday(D(2027, 1, 4))
    tokyo = attrs.evolve(cal, tz="Asia/Tokyo")
    assert tokyo.tz == "Asia/Tokyo"
    assert cal.tz == "Asia/Shanghai"
    assert tokyo != cal
    with pytest.raises(CalendarError, match=r"tz: unknown time zone \(got 'Mars/Olympus'\)"):
        attrs.evolve(cal, tz="Mars/Olympus")
    assert WorkCalendar() == cal
    assert WorkCalendar(None) == cal
    assert caught == []
