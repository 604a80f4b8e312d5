"""Every day off and every adjusted working day per notice year, as literal data.

Transcribed from the reference table (shared holidays.md, the notices as finally in force); never
recomputed from the bundled files.
"""

from __future__ import annotations

# notice year -> every day inside a holiday span (放假), in date order
DAYS_OFF: dict[int, tuple[str, ...]] = {
    2010: (
        "2010-01-01",
        "2010-01-02",
        "2010-01-03",
        "2010-02-13",
        "2010-02-14",
        "2010-02-15",
        "2010-02-16",
        "2010-02-17",
        "2010-02-18",
        "2010-02-19",
        "2010-04-03",
        "2010-04-04",
        "2010-04-05",
        "2010-05-01",
        "2010-05-02",
        "2010-05-03",
        "2010-06-14",
        "2010-06-15",
        "2010-06-16",
        "2010-09-22",
        "2010-09-23",
        "2010-09-24",
        "2010-10-01",
        "2010-10-02",
        "2010-10-03",
        "2010-10-04",
        "2010-10-05",
        "2010-10-06",
        "2010-10-07",
    ),
    2011: (
        "2011-01-01",
        "2011-01-02",
        "2011-01-03",
        "2011-02-02",
        "2011-02-03",
        "2011-02-04",
        "2011-02-05",
        "2011-02-06",
        "2011-02-07",
        "2011-02-08",
        "2011-04-03",
        "2011-04-04",
        "2011-04-05",
        "2011-04-30",
        "2011-05-01",
        "2011-05-02",
        "2011-06-04",
        "2011-06-05",
        "2011-06-06",
        "2011-09-10",
        "2011-09-11",
        "2011-09-12",
        "2011-10-01",
        "2011-10-02",
        "2011-10-03",
        "2011-10-04",
        "2011-10-05",
        "2011-10-06",
        "2011-10-07",
    ),
    2012: (
        "2012-01-01",
        "2012-01-02",
        "2012-01-03",
        "2012-01-22",
        "2012-01-23",
        "2012-01-24",
        "2012-01-25",
        "2012-01-26",
        "2012-01-27",
        "2012-01-28",
        "2012-04-02",
        "2012-04-03",
        "2012-04-04",
        "2012-04-29",
        "2012-04-30",
        "2012-05-01",
        "2012-06-22",
        "2012-06-23",
        "2012-06-24",
        "2012-09-30",
        "2012-10-01",
        "2012-10-02",
        "2012-10-03",
        "2012-10-04",
        "2012-10-05",
        "2012-10-06",
        "2012-10-07",
    ),
    2013: (
        "2013-01-01",
        "2013-01-02",
        "2013-01-03",
        "2013-02-09",
        "2013-02-10",
        "2013-02-11",
        "2013-02-12",
        "2013-02-13",
        "2013-02-14",
        "2013-02-15",
        "2013-04-04",
        "2013-04-05",
        "2013-04-06",
        "2013-04-29",
        "2013-04-30",
        "2013-05-01",
        "2013-06-10",
        "2013-06-11",
        "2013-06-12",
        "2013-09-19",
        "2013-09-20",
        "2013-09-21",
        "2013-10-01",
        "2013-10-02",
        "2013-10-03",
        "2013-10-04",
        "2013-10-05",
        "2013-10-06",
        "2013-10-07",
    ),
    2014: (
        "2014-01-01",
        "2014-01-31",
        "2014-02-01",
        "2014-02-02",
        "2014-02-03",
        "2014-02-04",
        "2014-02-05",
        "2014-02-06",
        "2014-04-05",
        "2014-04-06",
        "2014-04-07",
        "2014-05-01",
        "2014-05-02",
        "2014-05-03",
        "2014-06-02",
        "2014-09-08",
        "2014-10-01",
        "2014-10-02",
        "2014-10-03",
        "2014-10-04",
        "2014-10-05",
        "2014-10-06",
        "2014-10-07",
    ),
    2015: (
        "2015-01-01",
        "2015-01-02",
        "2015-01-03",
        "2015-02-18",
        "2015-02-19",
        "2015-02-20",
        "2015-02-21",
        "2015-02-22",
        "2015-02-23",
        "2015-02-24",
        "2015-04-05",
        "2015-04-06",
        "2015-05-01",
        "2015-06-20",
        "2015-06-21",
        "2015-06-22",
        "2015-09-03",
        "2015-09-04",
        "2015-09-05",
        "2015-09-27",
        "2015-10-01",
        "2015-10-02",
        "2015-10-03",
        "2015-10-04",
        "2015-10-05",
        "2015-10-06",
        "2015-10-07",
    ),
    2016: (
        "2016-01-01",
        "2016-02-07",
        "2016-02-08",
        "2016-02-09",
        "2016-02-10",
        "2016-02-11",
        "2016-02-12",
        "2016-02-13",
        "2016-04-04",
        "2016-05-01",
        "2016-05-02",
        "2016-06-09",
        "2016-06-10",
        "2016-06-11",
        "2016-09-15",
        "2016-09-16",
        "2016-09-17",
        "2016-10-01",
        "2016-10-02",
        "2016-10-03",
        "2016-10-04",
        "2016-10-05",
        "2016-10-06",
        "2016-10-07",
    ),
    2017: (
        "2017-01-01",
        "2017-01-02",
        "2017-01-27",
        "2017-01-28",
        "2017-01-29",
        "2017-01-30",
        "2017-01-31",
        "2017-02-01",
        "2017-02-02",
        "2017-04-02",
        "2017-04-03",
        "2017-04-04",
        "2017-05-01",
        "2017-05-28",
        "2017-05-29",
        "2017-05-30",
        "2017-10-01",
        "2017-10-02",
        "2017-10-03",
        "2017-10-04",
        "2017-10-05",
        "2017-10-06",
        "2017-10-07",
        "2017-10-08",
    ),
    2018: (
        "2018-01-01",
        "2018-02-15",
        "2018-02-16",
        "2018-02-17",
        "2018-02-18",
        "2018-02-19",
        "2018-02-20",
        "2018-02-21",
        "2018-04-05",
        "2018-04-06",
        "2018-04-07",
        "2018-04-29",
        "2018-04-30",
        "2018-05-01",
        "2018-06-18",
        "2018-09-24",
        "2018-10-01",
        "2018-10-02",
        "2018-10-03",
        "2018-10-04",
        "2018-10-05",
        "2018-10-06",
        "2018-10-07",
    ),
    2019: (
        "2018-12-30",
        "2018-12-31",
        "2019-01-01",
        "2019-02-04",
        "2019-02-05",
        "2019-02-06",
        "2019-02-07",
        "2019-02-08",
        "2019-02-09",
        "2019-02-10",
        "2019-04-05",
        "2019-05-01",
        "2019-05-02",
        "2019-05-03",
        "2019-05-04",
        "2019-06-07",
        "2019-09-13",
        "2019-10-01",
        "2019-10-02",
        "2019-10-03",
        "2019-10-04",
        "2019-10-05",
        "2019-10-06",
        "2019-10-07",
    ),
    2020: (
        "2020-01-01",
        "2020-01-24",
        "2020-01-25",
        "2020-01-26",
        "2020-01-27",
        "2020-01-28",
        "2020-01-29",
        "2020-01-30",
        "2020-01-31",
        "2020-02-01",
        "2020-02-02",
        "2020-04-04",
        "2020-04-05",
        "2020-04-06",
        "2020-05-01",
        "2020-05-02",
        "2020-05-03",
        "2020-05-04",
        "2020-05-05",
        "2020-06-25",
        "2020-06-26",
        "2020-06-27",
        "2020-10-01",
        "2020-10-02",
        "2020-10-03",
        "2020-10-04",
        "2020-10-05",
        "2020-10-06",
        "2020-10-07",
        "2020-10-08",
    ),
    2021: (
        "2021-01-01",
        "2021-01-02",
        "2021-01-03",
        "2021-02-11",
        "2021-02-12",
        "2021-02-13",
        "2021-02-14",
        "2021-02-15",
        "2021-02-16",
        "2021-02-17",
        "2021-04-03",
        "2021-04-04",
        "2021-04-05",
        "2021-05-01",
        "2021-05-02",
        "2021-05-03",
        "2021-05-04",
        "2021-05-05",
        "2021-06-12",
        "2021-06-13",
        "2021-06-14",
        "2021-09-19",
        "2021-09-20",
        "2021-09-21",
        "2021-10-01",
        "2021-10-02",
        "2021-10-03",
        "2021-10-04",
        "2021-10-05",
        "2021-10-06",
        "2021-10-07",
    ),
    2022: (
        "2022-01-01",
        "2022-01-02",
        "2022-01-03",
        "2022-01-31",
        "2022-02-01",
        "2022-02-02",
        "2022-02-03",
        "2022-02-04",
        "2022-02-05",
        "2022-02-06",
        "2022-04-03",
        "2022-04-04",
        "2022-04-05",
        "2022-04-30",
        "2022-05-01",
        "2022-05-02",
        "2022-05-03",
        "2022-05-04",
        "2022-06-03",
        "2022-06-04",
        "2022-06-05",
        "2022-09-10",
        "2022-09-11",
        "2022-09-12",
        "2022-10-01",
        "2022-10-02",
        "2022-10-03",
        "2022-10-04",
        "2022-10-05",
        "2022-10-06",
        "2022-10-07",
    ),
    2023: (
        "2022-12-31",
        "2023-01-01",
        "2023-01-02",
        "2023-01-21",
        "2023-01-22",
        "2023-01-23",
        "2023-01-24",
        "2023-01-25",
        "2023-01-26",
        "2023-01-27",
        "2023-04-05",
        "2023-04-29",
        "2023-04-30",
        "2023-05-01",
        "2023-05-02",
        "2023-05-03",
        "2023-06-22",
        "2023-06-23",
        "2023-06-24",
        "2023-09-29",
        "2023-09-30",
        "2023-10-01",
        "2023-10-02",
        "2023-10-03",
        "2023-10-04",
        "2023-10-05",
        "2023-10-06",
    ),
    2024: (
        "2024-01-01",
        "2024-02-10",
        "2024-02-11",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
        "2024-02-15",
        "2024-02-16",
        "2024-02-17",
        "2024-04-04",
        "2024-04-05",
        "2024-04-06",
        "2024-05-01",
        "2024-05-02",
        "2024-05-03",
        "2024-05-04",
        "2024-05-05",
        "2024-06-10",
        "2024-09-15",
        "2024-09-16",
        "2024-09-17",
        "2024-10-01",
        "2024-10-02",
        "2024-10-03",
        "2024-10-04",
        "2024-10-05",
        "2024-10-06",
        "2024-10-07",
    ),
    2025: (
        "2025-01-01",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        "2025-02-01",
        "2025-02-02",
        "2025-02-03",
        "2025-02-04",
        "2025-04-04",
        "2025-04-05",
        "2025-04-06",
        "2025-05-01",
        "2025-05-02",
        "2025-05-03",
        "2025-05-04",
        "2025-05-05",
        "2025-05-31",
        "2025-06-01",
        "2025-06-02",
        "2025-10-01",
        "2025-10-02",
        "2025-10-03",
        "2025-10-04",
        "2025-10-05",
        "2025-10-06",
        "2025-10-07",
        "2025-10-08",
    ),
    2026: (
        "2026-01-01",
        "2026-01-02",
        "2026-01-03",
        "2026-02-15",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-21",
        "2026-02-22",
        "2026-02-23",
        "2026-04-04",
        "2026-04-05",
        "2026-04-06",
        "2026-05-01",
        "2026-05-02",
        "2026-05-03",
        "2026-05-04",
        "2026-05-05",
        "2026-06-19",
        "2026-06-20",
        "2026-06-21",
        "2026-09-25",
        "2026-09-26",
        "2026-09-27",
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
    ),
}

# notice year -> every adjusted working day (调休上班)
WORKDAYS: dict[int, tuple[str, ...]] = {
    2010: (
        "2010-02-20",
        "2010-02-21",
        "2010-06-12",
        "2010-06-13",
        "2010-09-19",
        "2010-09-25",
        "2010-09-26",
        "2010-10-09",
    ),
    2011: (
        "2011-01-30",
        "2011-02-12",
        "2011-04-02",
        "2011-10-08",
        "2011-10-09",
    ),
    2012: (
        "2011-12-31",
        "2012-01-21",
        "2012-01-29",
        "2012-03-31",
        "2012-04-01",
        "2012-04-28",
        "2012-09-29",
    ),
    2013: (
        "2013-01-05",
        "2013-01-06",
        "2013-02-16",
        "2013-02-17",
        "2013-04-07",
        "2013-04-27",
        "2013-04-28",
        "2013-06-08",
        "2013-06-09",
        "2013-09-22",
        "2013-09-29",
        "2013-10-12",
    ),
    2014: (
        "2014-01-26",
        "2014-02-08",
        "2014-05-04",
        "2014-09-28",
        "2014-10-11",
    ),
    2015: (
        "2015-01-04",
        "2015-02-15",
        "2015-02-28",
        "2015-09-06",
        "2015-10-10",
    ),
    2016: (
        "2016-02-06",
        "2016-02-14",
        "2016-06-12",
        "2016-09-18",
        "2016-10-08",
        "2016-10-09",
    ),
    2017: (
        "2017-01-22",
        "2017-02-04",
        "2017-04-01",
        "2017-05-27",
        "2017-09-30",
    ),
    2018: (
        "2018-02-11",
        "2018-02-24",
        "2018-04-08",
        "2018-04-28",
        "2018-09-29",
        "2018-09-30",
    ),
    2019: (
        "2018-12-29",
        "2019-02-02",
        "2019-02-03",
        "2019-04-28",
        "2019-05-05",
        "2019-09-29",
        "2019-10-12",
    ),
    2020: (
        "2020-01-19",
        "2020-04-26",
        "2020-05-09",
        "2020-06-28",
        "2020-09-27",
        "2020-10-10",
    ),
    2021: (
        "2021-02-07",
        "2021-02-20",
        "2021-04-25",
        "2021-05-08",
        "2021-09-18",
        "2021-09-26",
        "2021-10-09",
    ),
    2022: (
        "2022-01-29",
        "2022-01-30",
        "2022-04-02",
        "2022-04-24",
        "2022-05-07",
        "2022-10-08",
        "2022-10-09",
    ),
    2023: (
        "2023-01-28",
        "2023-01-29",
        "2023-04-23",
        "2023-05-06",
        "2023-06-25",
        "2023-10-07",
        "2023-10-08",
    ),
    2024: (
        "2024-02-04",
        "2024-02-18",
        "2024-04-07",
        "2024-04-28",
        "2024-05-11",
        "2024-09-14",
        "2024-09-29",
        "2024-10-12",
    ),
    2025: (
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ),
    2026: (
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ),
}


# ------------------------------------------------------------------------------------------ the tests
import datetime as dt  # noqa: E402 - the literal data above comes first on purpose
from typing import TYPE_CHECKING  # noqa: E402 - imported after the setup above

import chinese_calendar  # noqa: E402 - imported after the setup above
import holidays  # noqa: E402 - imported after the setup above
import pytest  # noqa: E402 - imported after the setup above
from hypothesis import given  # noqa: E402 - imported after the setup above
from hypothesis import strategies as st  # noqa: E402 - imported after the setup above

from jiesu.calendar import HolidayData, WorkCalendar  # noqa: E402 - imported after the setup above
from jiesu.errors import DataFormatError  # noqa: E402 - imported after the setup above

if TYPE_CHECKING:
    from pathlib import Path

CAL = WorkCalendar.china()
DATA = HolidayData.bundled()
ALL_DAYS = [dt.date(2010, 1, 1) + dt.timedelta(days=i) for i in range(6209)]


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize("year", range(2010, 2027))
def test_every_day_off_of_the_year(year: int) -> None:
    expected = [_d(x) for x in DAYS_OFF[year]]
    bundled = [d for s in DATA.year(year).holidays for d in s.dates()]
    assert bundled == expected
    for day in expected:
        assert not CAL.is_workday(day), day
        assert CAL.is_holiday(day), day


@pytest.mark.parametrize("year", range(2010, 2027))
def test_every_adjusted_working_day_of_the_year(year: int) -> None:
    expected = [_d(x) for x in WORKDAYS[year]]
    assert list(DATA.year(year).workdays) == expected
    for day in expected:
        assert day.weekday() >= 5
        assert CAL.is_workday(day), day


def test_totals_match_the_reference_self_check() -> None:
    assert len(DATA.years) == 17
    assert len(DATA.spans()) == 115
    assert sum(s.days for s in DATA.spans()) == 467
    assert len(DATA.workdays()) == 112


def test_every_other_day_follows_the_weekday_rule() -> None:
    off = {_d(x) for days in DAYS_OFF.values() for x in days}
    work = {_d(x) for days in WORKDAYS.values() for x in days}
    for day in ALL_DAYS:
        expected = day not in off and (day in work or day.weekday() < 5)
        assert CAL.is_workday(day) is expected, day


@pytest.mark.slow
def test_agrees_with_chinesecalendar_on_every_day() -> None:
    wrong = [d for d in ALL_DAYS if chinese_calendar.is_workday(d) != CAL.is_workday(d)]
    assert wrong == []


@pytest.mark.slow
def test_agrees_with_holidays_on_every_day() -> None:
    china = holidays.country_holidays("CN", years=range(2010, 2027))
    wrong = [d for d in ALL_DAYS if china.is_working_day(d) != CAL.is_workday(d)]
    assert wrong == []


def test_notices_are_cited() -> None:
    y2024 = DATA.year(2024)
    assert y2024.notice.title == "国务院办公厅关于2024年部分节假日安排的通知"
    assert y2024.notice.number == "国办发明电〔2023〕7号"
    assert y2024.notice.issued == dt.date(2023, 10, 25)
    assert y2024.notice.urls == ("https://www.gov.cn/zhengce/content/202310/content_6911527.htm",)
    y2010 = DATA.year(2010)
    assert y2010.notice.published == dt.date(2009, 12, 8)
    assert len(y2010.notice.urls) == 2
    for year in DATA.years:
        assert year.notice.title == f"国务院办公厅关于{year.year}年部分节假日安排的通知"
        assert year.notice.urls
        assert year.notice.issued.year == year.year - 1


def test_amendments_are_their_own_cited_entries() -> None:
    numbers = {y.year: [a.notice.number for a in y.amendments] for y in DATA.years if y.amendments}
    assert numbers == {
        2015: ["国发明电〔2015〕1号"],
        2019: ["国办发明电〔2019〕3号"],
        2020: ["国办发明电〔2020〕1号"],
    }
    assert DATA.year(2020).amendments[0].notice.published == dt.date(2020, 1, 27)


def test_data_as_of_a_date_before_an_amendment() -> None:
    before, after = dt.date(2019, 3, 21), dt.date(2019, 3, 22)
    assert dt.date(2019, 4, 28) not in DATA.workdays(as_of=before)
    assert dt.date(2019, 4, 28) in DATA.workdays(as_of=after)
    labour = [s for s in DATA.spans(as_of=before) if s.start == dt.date(2019, 5, 1)]
    assert labour[0].end == dt.date(2019, 5, 1)
    assert dt.date(2020, 2, 1) in DATA.workdays(as_of=dt.date(2020, 1, 25))
    assert dt.date(2020, 2, 1) not in DATA.workdays()
    spring = [
        s
        for s in DATA.spans(as_of=dt.date(2020, 1, 25))
        if s.name == "春节" and s.start.year == 2020
    ]
    assert spring[0].end == dt.date(2020, 1, 30)


def test_days_indexed_by_date_not_notice_year() -> None:
    assert CAL.is_workday(dt.date(2011, 12, 31))
    assert DATA.notice_of(dt.date(2011, 12, 31)).number == "国办发明电〔2011〕45号"  # type: ignore[union-attr]  # present
    assert CAL.holiday_name(dt.date(2018, 12, 30)) == "元旦"
    assert CAL.holiday_name(dt.date(2022, 12, 31)) == "元旦"
    assert DATA.notice_of(dt.date(2019, 5, 2)).number == "国办发明电〔2019〕3号"  # type: ignore[union-attr]  # present
    assert DATA.notice_of(dt.date(2019, 3, 5)) is None
    assert DATA.span_of(dt.date(2019, 3, 5)) is None
    with pytest.raises(KeyError):
        DATA.year(2030)


def test_new_rules_from_2025_keep_runs_of_at_most_six_working_days() -> None:
    run = longest = 0
    for day in (d for d in ALL_DAYS if d >= dt.date(2024, 1, 1)):
        run = run + 1 if CAL.is_workday(day) else 0
        longest = max(longest, run)
    assert longest == 6


# ------------------------------------------------------------------------------------------ the loader

GOOD = """
year = 2027
workdays = [2027-02-20]
holidays = [{ name = "春节", en = "Spring Festival", start = 2027-02-05, end = 2027-02-11 }]
[notice]
title = "a user's own notice"
number = "X〔2026〕1号"
issued = 2026-11-01
urls = ["https://example.org/notice"]
"""


def test_a_user_adds_a_year_and_an_amendment(tmp_path: Path) -> None:
    path = tmp_path / "2027.toml"
    path.write_text(GOOD, encoding="utf-8")
    data = DATA.with_file(path)
    assert data.last_year == 2027
    amend = tmp_path / "amend.toml"
    amend.write_text(
        'year = 2027\n[[amendments]]\ntitle = "t"\nnumber = "n"\nissued = 2027-01-10\n'
        'urls = ["u"]\nremove_workdays = [2027-02-20]\n',
        encoding="utf-8",
    )
    data = data.with_file(amend)
    assert dt.date(2027, 2, 20) not in data.workdays()
    cal = WorkCalendar.china(extra_files=[str(path)])
    assert not cal.is_workday(dt.date(2027, 2, 8))
    assert cal.is_workday(dt.date(2027, 2, 20))
    assert DATA.last_year == 2026  # the bundled data is unchanged


BAD = [
    (
        GOOD.replace("workdays = [2027-02-20]\n", "").replace("holidays = [", "holiday = ["),
        (
            r"^bad\.toml: 3 problems:\n  bad\.toml:3: holiday: unknown key 'holiday'; did you mean 'holidays'\? "
            r"allowed: amendments, holidays, notice, workdays, year\n  bad\.toml: holidays: missing key\n"
            r"  bad\.toml: workdays: missing key$"
        ),
    ),
    (
        "year = 2027\n[notice\n",
        r"^bad\.toml:2: \(file\): invalid TOML: Expected ']' at the end of a table declaration, column 8$",
    ),
    (
        "workdays = []\n",
        (
            r"^bad\.toml: 3 problems:\n  bad\.toml:1: workdays: unknown key 'workdays'; allowed: amendments, year\n"
            r"  bad\.toml: year: missing key\n  bad\.toml: amendments: missing key$"
        ),
    ),
    (
        'year = "2027"\n[[amendments]]\ntitle="t"\nnumber="n"\nissued=2027-01-01\nurls=["u"]\n',
        r"^bad\.toml:1: year: must be an integer \(got '2027'\)$",
    ),
    (
        "year = 1900\n",
        r"bad\.toml:1: year: must be an integer year between 1950 and 2199 \(got 1900\)",
    ),
    (
        GOOD.replace("[notice]", "[notice]\nx=1").replace('title = "a user\'s own notice"\n', ""),
        (
            r"bad\.toml:6: notice\.x: unknown key 'x'; allowed: issued, number, published, seen_at, title, urls\n"
            r"  bad\.toml:5: notice\.title: missing key$"
        ),
    ),
    (
        GOOD.replace("issued = 2026-11-01", 'issued = "2026-11-01"'),
        r"^bad\.toml:8: notice\.issued: must be a TOML date \(YYYY-MM-DD, unquoted\) \(got '2026-11-01'\)$",
    ),
    (
        GOOD.replace("end = 2027-02-11", "end = 2027-02-01"),
        r"^bad\.toml:4: holidays\[0\]\.end: must not be before start 2027-02-05 \(got datetime\.date\(2027, 2, 1\)\)$",
    ),
    (
        GOOD.replace("workdays = [2027-02-20]", "workdays = [2027-02-19]"),
        r"bad\.toml: workdays: an adjusted working day must be a Saturday or Sunday \(got datetime\.date\(2027, 2, 19\)\)",
    ),
    (
        GOOD.replace("workdays = [2027-02-20]", "workdays = [2027-02-06]"),
        r"bad\.toml: workdays: working day lies inside span '春节' \(got datetime\.date\(2027, 2, 6\)\)",
    ),
    (
        GOOD.replace(
            "holidays = [",
            'holidays = [{ name = "元旦", en = "x", start = 2027-02-01, end = 2027-02-05 }, ',
        ),
        r"bad\.toml: holidays: span '春节' overlaps span '元旦' \(got '2027-02-05'\)",
    ),
    (
        GOOD.replace("year = 2027", "year = 2026"),
        r"bad\.toml: year: this year is already in the data \(got 2026\)",
    ),
    (
        "year = 2030\n[[amendments]]\ntitle='t'\nnumber='n'\nissued=2027-01-01\nurls=['u']\n",
        r"bad\.toml: year: no notice for this year to amend \(got 2030\)",
    ),
    (
        GOOD.replace("workdays = [2027-02-20]", "workdays = 5"),
        r"^bad\.toml:3: workdays: must be a list of TOML dates \(got 5\)$",
    ),
    (
        GOOD.replace("holidays = [{", "holidays = [3, {"),
        r"^bad\.toml:4: holidays\[0\]: must be a table \(got 3\)$",
    ),
    (
        GOOD.replace('name = "春节"', 'name = ""'),
        r"^bad\.toml:4: holidays\[0\]\.name: must be a non-empty string \(got ''\)$",
    ),
    (
        GOOD.replace("[notice]", "notice = 3\n[x]"),
        (
            r"bad\.toml:6: x: unknown key 'x'; allowed: amendments, holidays, notice, workdays, year\n"
            r"  bad\.toml:5: notice: must be a table \(got 3\)$"
        ),
    ),
    (
        GOOD.replace('urls = ["https://example.org/notice"]', "urls = [1]"),
        r"^bad\.toml:9: notice\.urls\[0\]: must be a non-empty string \(got 1\)$",
    ),
    (
        GOOD.replace("workdays = [2027-02-20]", "workdays = [2026-01-04]"),
        r"bad\.toml: workdays: working day also listed in 2026\.toml",
    ),
    (
        GOOD.replace("start = 2027-02-05", "start = 2026-10-03").replace(
            "workdays = [2027-02-20]", "workdays = []"
        ),
        r"bad\.toml: holidays: span '春节' overlaps span '国庆节' \(got '2026-10-03'\)",
    ),
    (
        GOOD.replace("start = 2027-02-05", "start = 2026-10-09").replace(
            "workdays = [2027-02-20]", "workdays = []"
        ),
        r"2026\.toml: workdays: working day lies inside span '春节' \(got datetime\.date\(2026, 10, 10\)\)",
    ),
    (
        GOOD
        + "[[amendments]]\ntitle='t'\nnumber='n'\nissued=2027-01-01\nurls=['u']\nremove_workdays=[2027-03-06]\n",
        r"bad\.toml: amendments\.remove_workdays: not a working day of the notice",
    ),
    (
        GOOD.replace("[notice]", "amendments = [1]\n[notice]"),
        r"^bad\.toml:5: amendments\[0\]: must be a table \(got 1\)$",
    ),
    (
        GOOD.replace("issued = 2026-11-01", "issued = 2026-11-01T10:00:00"),
        r"^bad\.toml:8: notice\.issued: must be a TOML date \(YYYY-MM-DD, unquoted\) \(got datetime\.datetime\(2026, 11, 1, 10, 0\)\)$",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_malformed_files_name_file_key_and_value(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=message):
        DATA.with_file(path)


def test_an_impossible_date_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("2027-02-20", "2027-02-30"), encoding="utf-8")
    with pytest.raises(
        DataFormatError,
        match=r"^bad\.toml:3: \(file\): invalid TOML: Invalid date or datetime, column 13$",
    ):
        DATA.with_file(path)


def test_an_unreadable_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(
        DataFormatError,
        match=r"^missing\.toml: \(file\): cannot read file: No such file or directory$",
    ):
        DATA.with_file(tmp_path / "missing.toml")


@given(st.text(max_size=200))
def test_fuzzed_text_parses_or_raises_a_format_error(text: str) -> None:
    try:
        HolidayData.from_texts([("fuzz.toml", text)], base=DATA)
    except DataFormatError as err:
        message = str(err)
    else:
        message = "fuzz.toml parsed"
    assert "fuzz.toml" in message
