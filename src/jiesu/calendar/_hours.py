"""Working hours (工作时间) and calendar overlays (日历叠加层): data, not literals."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING, Any, Final

import attrs

from jiesu._loader import BOOL, DATE, STR, STRS, Doc, Reader, Table, read_toml
from jiesu.calendar._holidays import HolidaySpan
from jiesu.errors import CalendarError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["DEFAULT_HOURS", "CalendarOverlay", "Intervals", "WorkingHours", "parse_intervals"]

Intervals = tuple[tuple[int, int], ...]
"""Working intervals of one day as ``(start, end)`` seconds after local midnight, sorted, disjoint."""

_DAY = 86_400
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

DEFAULT_HOURS = "09:00-12:00,13:30-17:30"
"""The default office hours (默认工作时间): 09:00–12:00 and 13:30–17:30, 7 hours (assumed, a parameter)."""


def _seconds(hour: str, minute: str, text: object) -> int:
    h, m = int(hour), int(minute)
    if h > 24 or m > 59 or (h == 24 and m):  # noqa: PLR2004 - clock limits
        raise CalendarError(
            "must be times HH:MM between 00:00 and 24:00", field="hours", value=text
        )
    return h * 3600 + m * 60


def parse_intervals(value: object) -> Intervals:
    """Read one day's working intervals (工作时段) from text or pairs.

    Accepts ``"09:00-12:00,13:30-17:30"``, a sequence of ``"HH:MM-HH:MM"`` strings, a sequence of
    ``(start, end)`` :class:`datetime.time` pairs, or already-parsed second pairs. ``"24:00"`` ends the
    day; an empty string or sequence means no working time.

    Args:
        value: The intervals.

    Returns:
        ``(start, end)`` seconds after local midnight, sorted.

    Raises:
        CalendarError: A part cannot be read, an interval is empty or reversed, or two overlap.

    Examples:
        >>> parse_intervals("09:00-12:00,13:30-17:30")
        ((32400, 43200), (48600, 63000))
        >>> parse_intervals("00:00-24:00")
        ((0, 86400),)
        >>> parse_intervals("12:00-09:00")
        Traceback (most recent call last):
        ...
        jiesu.errors.CalendarError: hours: each interval must end after it starts (got '12:00-09:00')
    """
    items: list[Any]
    if isinstance(value, str):
        items = [p for p in value.split(",") if p.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise CalendarError(
            "must be text such as '09:00-12:00,13:30-17:30' or (start, end) pairs",
            field="hours",
            value=value,
        )
    pairs = sorted(_one_interval(item) for item in items)
    for (_, end), (start, _) in itertools.pairwise(pairs):
        if start < end:
            raise CalendarError("intervals must not overlap", field="hours", value=value)
    return tuple(pairs)


def _one_interval(item: object) -> tuple[int, int]:
    if isinstance(item, str):
        match = _CLOCK.match(item)
        if match is None:
            raise CalendarError("each interval must read 'HH:MM-HH:MM'", field="hours", value=item)
        a, b, c, d = match.groups()
        start, end = _seconds(a, b, item), _seconds(c, d, item)
    elif (
        isinstance(item, (list, tuple))
        and len(item) == 2  # noqa: PLR2004 - a pair
        and all(isinstance(x, dt.time) for x in item)
    ):
        start = item[0].hour * 3600 + item[0].minute * 60 + item[0].second
        end = item[1].hour * 3600 + item[1].minute * 60 + item[1].second
    elif (
        isinstance(item, (list, tuple))
        and len(item) == 2  # noqa: PLR2004 - a pair
        and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= _DAY for x in item)
    ):
        start, end = item
    else:
        raise CalendarError(
            "each interval must be 'HH:MM-HH:MM' or a (start, end) pair", field="hours", value=item
        )
    if end <= start:
        raise CalendarError("each interval must end after it starts", field="hours", value=item)
    return start, end


def _to_intervals(value: object) -> Intervals:
    return parse_intervals(value)


def _to_by_date(value: object) -> tuple[tuple[dt.date, Intervals], ...]:
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, (list, tuple)) and all(
        isinstance(p, (list, tuple)) and len(p) == 2  # noqa: PLR2004 - pairs
        for p in value
    ):
        items = list(value)
    else:
        raise CalendarError("must map dates to intervals", field="by_date", value=value)
    result = []
    for day, hours in items:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise CalendarError("keys must be dates", field="by_date", value=day)
        result.append((day, parse_intervals(hours)))
    return tuple(sorted(result))


@attrs.frozen
class WorkingHours:
    """Working hours as data (工作时间): intervals per working day, with date-specific exceptions.

    Attributes:
        default: The intervals of an ordinary working day (default 09:00–12:00 and 13:30–17:30).
        by_date: Date-specific intervals (a make-up Saturday, a short day); an empty value makes that day
            have no working time although it stays a working day.

    Examples:
        >>> import datetime as dt
        >>> hours = WorkingHours(by_date={dt.date(2026, 2, 14): "09:00-12:00"})
        >>> hours.length(dt.date(2026, 2, 13)), hours.length(dt.date(2026, 2, 14))
        (25200, 10800)
        >>> WorkingHours.always().default
        ((0, 86400),)
    """

    default: Intervals = attrs.field(default=DEFAULT_HOURS, converter=_to_intervals)
    by_date: tuple[tuple[dt.date, Intervals], ...] = attrs.field(default=(), converter=_to_by_date)

    @classmethod
    def always(cls) -> WorkingHours:
        """Round-the-clock hours (7×24 值守): 00:00–24:00 on every working day."""
        return cls("00:00-24:00")

    def on(self, day: dt.date) -> Intervals:
        """The working intervals (工作时段) of ``day`` (assuming it is a working day)."""
        for when, hours in self.by_date:
            if when == day:
                return hours
        return self.default

    def length(self, day: dt.date) -> int:
        """Working seconds (工作时长) on ``day`` (assuming it is a working day)."""
        return sum(end - start for start, end in self.on(day))

    def merged(self, other: WorkingHours) -> WorkingHours:
        """These hours with ``other``'s laid over them (叠加工作时间)."""
        by_date = dict(self.by_date) | dict(other.by_date)
        return WorkingHours(other.default, by_date)


def _to_spans(value: object) -> tuple[HolidaySpan, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, HolidaySpan) for v in value):
        raise CalendarError("must be a sequence of HolidaySpan", field="days_off", value=value)
    return tuple(value)


def _to_dates(value: object) -> tuple[dt.date, ...]:
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in value
    ):
        raise CalendarError("must be a sequence of dates", field="working_days", value=value)
    return tuple(sorted(value))


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, str) or not value.strip():
        raise CalendarError("must be a non-empty string", field=attribute.name, value=value)


def _optional_hours(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value is not None and not isinstance(value, WorkingHours):
        raise CalendarError("must be WorkingHours or None", field=attribute.name, value=value)


@attrs.frozen
class CalendarOverlay:
    """A regional or unit overlay (地方/单位日历): extra days off, extra working days, 7×24 duty, hours.

    Overlays are applied in order on top of the national calendar; within one overlay ``every_day`` comes
    first, then ``days_off``, then ``working_days``. Each overlay cites its own source.

    Attributes:
        name: A short name (e.g. ``"凉山州"`` or ``"110 联动中心"``).
        source: The document or decision it comes from.
        days_off: Extra days off as named spans (e.g. a minority festival set by a local government).
        working_days: Extra working days.
        every_day: Whether the unit works every day (7×24), holidays included.
        hours: Working hours replacing (and laid over) the calendar's hours, if given.

    Examples:
        >>> import datetime as dt
        >>> from jiesu.calendar import HolidaySpan
        >>> torch = HolidaySpan("火把节", "Torch Festival", dt.date(2011, 7, 24), dt.date(2011, 7, 30))
        >>> overlay = CalendarOverlay("凉山州", "凉府办发〔2010〕31号", days_off=(torch,))
        >>> overlay.days_off[0].days
        7
    """

    name: str = attrs.field(validator=_non_empty)
    source: str = attrs.field(validator=_non_empty)
    days_off: tuple[HolidaySpan, ...] = attrs.field(default=(), converter=_to_spans)
    working_days: tuple[dt.date, ...] = attrs.field(default=(), converter=_to_dates)
    every_day: bool = False
    hours: WorkingHours | None = attrs.field(default=None, validator=_optional_hours)

    @classmethod
    def twenty_four_seven(cls, name: str, source: str) -> CalendarOverlay:
        """A unit on duty every day, round the clock (7×24 值守单位)."""
        return cls(name, source, every_day=True, hours=WorkingHours.always())

    @classmethod
    def from_toml(cls, path: str | Path) -> CalendarOverlay:
        """Read an overlay from a TOML file (读取叠加层).

        The file has ``name``, ``source``, optional ``every_day`` (bool), ``working_days`` (TOML dates),
        ``hours`` (text such as ``"09:00-12:00,13:30-17:30"``, or a list of ``"HH:MM-HH:MM"``),
        ``[hours_by_date]`` (ISO date keys as strings) and ``[[days_off]]`` (tables with ``name``, ``en``,
        ``start``, ``end``); see *Working calendar* for the schema.

        Raises:
            DataFileError: The file is unreadable, not UTF-8 or not TOML, or has unknown keys or bad
                values; every problem is listed as ``file:line: key: reason (got value)``.
        """
        return _read_overlay(read_toml(path))


_OVERLAY_KEYS: Final = (
    "name",
    "source",
    "every_day",
    "working_days",
    "hours",
    "hours_by_date",
    "days_off",
)
_SPAN_KEYS: Final = ("name", "en", "start", "end")


def _hours_value(table: Table, key: str) -> Intervals | None:
    if isinstance(table.data[key], list):
        return table.convert(key, STRS, parse_intervals)
    return table.convert(key, STR, parse_intervals)


def _spans(root: Table) -> list[HolidaySpan]:
    spans = []
    for span in root.tables("days_off"):
        span.check_keys(_SPAN_KEYS, required=("name", "start", "end"))
        title = span.get("name", STR, "")
        first, last = span.get("start", DATE, None), span.get("end", DATE, None)
        if first is not None and last is not None:
            if last < first:
                span.problem("end", f"must not be before start {first}", last)
            spans.append(HolidaySpan(title, span.get("en", STR, title), first, last))
    return spans


def _hours(root: Table) -> WorkingHours | None:
    if "hours" not in root and "hours_by_date" not in root:
        return None
    default = _hours_value(root, "hours") if "hours" in root else parse_intervals(DEFAULT_HOURS)
    by_date = root.table("hours_by_date")
    pairs = []
    for key in by_date:
        try:
            day = dt.date.fromisoformat(key)
        except ValueError:
            by_date.problem(key, "must be an ISO date (YYYY-MM-DD)", key)
            continue
        intervals = _hours_value(by_date, key)
        if intervals is not None:
            pairs.append((day, intervals))
    if root.reader or default is None:
        return None
    return WorkingHours(default, tuple(pairs))


def _read_overlay(doc: Doc) -> CalendarOverlay:
    reader = Reader(doc)
    root = reader.root()
    root.check_keys(_OVERLAY_KEYS, required=("name", "source"))
    name, source = root.get("name", STR, "x"), root.get("source", STR, "x")
    for key, value in (("name", name), ("source", source)):
        if not value.strip():
            root.problem(key, "must be a non-empty string", value)
    spans = _spans(root)
    days = root.each("working_days", DATE)
    hours = _hours(root)
    every_day = root.get("every_day", BOOL, False)
    reader.raise_if_any()
    return CalendarOverlay(
        name=name,
        source=source,
        days_off=tuple(spans),
        working_days=tuple(days),
        every_day=every_day,
        hours=hours,
    )
