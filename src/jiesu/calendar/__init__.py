"""China's working calendar (工作日历): holidays and 调休, working hours, deadlines and SLA clocks.

The national calendar is built from the State Council's yearly holiday notices 2010–2026, bundled as one
cited TOML file per year (amendments of 2015, 2019 and 2020 included as their own entries). Dates outside
those years raise :class:`~jiesu.errors.CalendarCoverageError` unless the caller asks, by name, for
weekday-only treatment (``beyond_coverage="weekdays"``).

Every query has a scalar form (dates and aware pendulum datetimes) and a vectorized ``*_many`` twin over
numpy ``datetime64`` arrays.
"""

from jiesu.calendar._calendar import BeyondCoverage, WorkCalendar
from jiesu.calendar._groups import GroupHoliday, group_holidays
from jiesu.calendar._holidays import Amendment, HolidayData, HolidaySpan, Notice, NoticeYear
from jiesu.calendar._hours import DEFAULT_HOURS, CalendarOverlay, WorkingHours, parse_intervals
from jiesu.model import Duration, TimeUnit

__all__ = [
    "DEFAULT_HOURS",
    "Amendment",
    "BeyondCoverage",
    "CalendarOverlay",
    "Duration",
    "GroupHoliday",
    "HolidayData",
    "HolidaySpan",
    "Notice",
    "NoticeYear",
    "TimeUnit",
    "WorkCalendar",
    "WorkingHours",
    "group_holidays",
    "parse_intervals",
]
