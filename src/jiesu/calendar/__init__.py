"""China's working calendar (工作日历): holidays and 调休, working hours, deadlines and SLA clocks.

The national calendar is built from the State Council's yearly holiday notices 2010–2026, bundled as one
cited TOML file per year (amendments of 2015, 2019 and 2020 included as their own entries). Dates outside
those years raise :class:`~jiesu.errors.CalendarCoverageError` unless the caller asks, by name, for the
statutory fallback after the last notice (``beyond_coverage="statutory"``: the holidays of the 放假办法,
every such day provisional, :func:`statutory_holidays`) or for weekday-only treatment
(``beyond_coverage="weekdays"``).

Every query has a scalar form (dates and aware pendulum datetimes) and a vectorized ``*_many`` twin over
numpy ``datetime64`` arrays. Deadlines are :class:`DeadlinePolicy` data (TOML presets citing their
sources); clocks are computed from plain values (:func:`clock`, :func:`sla_status_many`) or from a
ticket's events (:meth:`DeadlinePolicy.clocks`).
"""

from jiesu.calendar._bulk import SLA_COLUMNS, sla_frame
from jiesu.calendar._calendar import Basis, BeyondCoverage, WorkCalendar
from jiesu.calendar._clock import Clock, ClockStatus, SlaTable, clock, convert, sla_status_many
from jiesu.calendar._groups import GroupHoliday, group_holidays
from jiesu.calendar._holidays import Amendment, HolidayData, HolidaySpan, Notice, NoticeYear
from jiesu.calendar._hours import DEFAULT_HOURS, CalendarOverlay, WorkingHours, parse_intervals
from jiesu.calendar._policy import MILESTONES, PRESETS, DeadlinePolicy, Limit
from jiesu.calendar._statutory import STATUTORY_YEARS, statutory_holidays
from jiesu.model import Duration, TimeUnit

__all__ = [
    "DEFAULT_HOURS",
    "MILESTONES",
    "PRESETS",
    "SLA_COLUMNS",
    "STATUTORY_YEARS",
    "Amendment",
    "Basis",
    "BeyondCoverage",
    "CalendarOverlay",
    "Clock",
    "ClockStatus",
    "DeadlinePolicy",
    "Duration",
    "GroupHoliday",
    "HolidayData",
    "HolidaySpan",
    "Limit",
    "Notice",
    "NoticeYear",
    "SlaTable",
    "TimeUnit",
    "WorkCalendar",
    "WorkingHours",
    "clock",
    "convert",
    "group_holidays",
    "parse_intervals",
    "sla_frame",
    "sla_status_many",
    "statutory_holidays",
]
