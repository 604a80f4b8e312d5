"""The working calendar (工作日历): working days, holidays and working hours, scalar and vectorized.

Every query is answered from day tables built once per calendar: a working-day flag per date, the
cumulative count of working days, the indices of working days, and per-date working intervals with their
cumulative working time. The scalar methods walk these tables day by day; the ``*_many`` twins answer whole
arrays with gathers and ``searchsorted``, without a Python loop per element.

The tables cover the notice years, extended on request past the last notice by the statutory holidays
(``beyond_coverage="statutory"``, up to 2100) or by the weekday rule (``"weekdays"``, 1970-2099). The
calendar is a frozen attrs value whose tables are read-only numpy arrays, so one cached instance can be
shared by a whole process; its only changing state is which coverage warnings it has already given.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import warnings
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, cast

import attrs
import numpy as np
import pendulum

from jiesu.calendar._holidays import HolidayData, HolidaySpan
from jiesu.calendar._hours import CalendarOverlay, WorkingHours
from jiesu.calendar._statutory import STATUTORY_YEARS, statutory_holidays
from jiesu.errors import (
    CalendarCoverageError,
    CalendarError,
    CoverageWarning,
    Problem,
    ValidationError,
    ValidationReport,
)
from jiesu.model import DEFAULT_TZ, aware

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import ArrayLike, NDArray

__all__ = ["Basis", "BeyondCoverage", "WorkCalendar"]

BeyondCoverage = Literal["raise", "weekdays", "statutory"]
"""What to do with a date outside the notice years (超出通知年份的日期).

``"raise"`` refuses it; ``"statutory"`` (recommended) follows the statutory holidays of the 放假办法 after
the last notice, without guessing 调休; ``"weekdays"`` goes by weekday only, so 元旦, 春节 and the other
statutory days count as working days there (said by name, and warned once per calendar).
"""

Basis = Literal["notice", "statutory", "weekdays"]
"""How a day's status was decided (依据): a bundled or user notice, the statutory fallback, or the weekday."""

_BEYOND = ("raise", "weekdays", "statutory")

_EPOCH = dt.date(1970, 1, 1)
_DAY_US = 86_400_000_000
_US = 1_000_000
_SATURDAY = 5
_WEEKDAYS_RANGE = (dt.date(1970, 1, 1), dt.date(2099, 12, 31))
_GROUPS = ("women", "youth", "children", "military")


def _ordinal(day: dt.date) -> int:
    return (day - _EPOCH).days


def _from_ordinal(n: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(n))


@functools.cache
def _zone_table(tz: str, first: int, last: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """UTC instants (µs) where the zone's offset changes, and the offset (µs) from each, over a day range."""
    zone = zoneinfo.ZoneInfo(tz)

    def offset(us: int) -> int:
        when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)
        delta = when.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) * _US if delta is not None else 0

    starts = [np.iinfo(np.int64).min]
    offsets = [offset((first - 1) * _DAY_US)]
    for day in range(first - 1, last + 2):
        here = offset((day + 1) * _DAY_US)
        if here != offsets[-1]:
            lo, hi = day * _DAY_US, (day + 1) * _DAY_US  # offset(lo) old, offset(hi) new
            while hi - lo > _US:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == offsets[-1] else (lo, mid)
            starts.append(hi)
            offsets.append(here)
    return np.array(starts, dtype=np.int64), np.array(offsets, dtype=np.int64)


def _data(value: HolidayData | None) -> HolidayData:
    return value if value is not None else HolidayData.bundled()


def _hours(value: WorkingHours | None) -> WorkingHours:
    return value if value is not None else WorkingHours()


def _check_beyond(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in _BEYOND:
        raise CalendarError(
            "must be 'raise', 'weekdays' or 'statutory'", field=attribute.name, value=value
        )


def _overlays(value: Iterable[CalendarOverlay]) -> tuple[CalendarOverlay, ...]:
    return tuple(value)


def _check_tz(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise CalendarError("unknown time zone", field=attribute.name, value=value) from None


def _check_days(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:  # noqa: PLR2004 - a year
        raise CalendarError("must be an integer 0..366", field=attribute.name, value=value)


_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside ``jiesu.calendar``."""
    frame, level = sys._getframe(1), 1  # noqa: SLF001 - the standard way to walk the caller's stack
    while (
        frame.f_back is not None
        and str(Path(frame.f_code.co_filename).resolve().parent) == _PACKAGE_DIR
    ):
        frame, level = frame.f_back, level + 1
    return level


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


@attrs.frozen(repr=False)
class WorkCalendar:
    """China's working calendar (工作日历): notices, overlays and working hours, with a time zone.

    Build the national calendar with :meth:`china`; lay regional or unit overlays over it with
    :meth:`with_overlay`, and a group's half-day holidays with :meth:`for_group`.

    Semantics (the start day never counts, the end day does — 期间开始之日不计算在内):

    * ``add_workdays(d, n)``: for ``n > 0`` the ``n``-th working day strictly after ``d``; for ``n < 0``
      the ``|n|``-th working day strictly before ``d``; for ``n == 0``, ``d`` itself (no rolling), even
      when ``d`` is not a working day. From a Saturday, ``+1`` is the next working day.
    * ``workdays_between(a, b)``: for ``b >= a`` the working days in ``(a, b]``; for ``b < a`` minus the
      working days in ``[b, a)``. So ``workdays_between(d, add_workdays(d, n)) == n`` for every ``n``,
      and the count never decreases as ``b`` grows.
    * ``add_working_hours(t, h)``: the earliest instant at which ``h`` hours of working time have passed
      since ``t`` (so +7 h from 09:00 on a 7-hour day ends at 17:30, not at 09:00 the next day);
      ``h == 0`` returns ``t``.
    * ``working_time_between(a, b)``: working time in ``[a, b]``; negative when ``b < a``.

    Dates are local calendar dates. Aware datetimes are first converted to the calendar's zone (default
    Asia/Shanghai) and their local date is used; naive datetimes are refused. Dates outside the notice years
    raise :class:`~jiesu.errors.CalendarCoverageError` unless the calendar was built with
    ``beyond_coverage="statutory"`` (after the last notice, the statutory holidays of the 放假办法 up to
    2100, without 调休: see :func:`statutory_holidays`) or ``"weekdays"`` (weekday only, 1970-2099). The
    last ``provisional_days`` days of the last notice year, and every date outside the notice years, are
    **provisional**: the next notice can still change them (:meth:`is_provisional`); :meth:`basis` tells how
    a day was decided. A :class:`~jiesu.errors.CoverageWarning` is warned once per calendar when it is asked
    about a date from 1 November of the last notice year on (the next notice is not bundled), and when
    a date is treated by weekday only; ``coverage_warning=False`` silences both.

    The calendar is a frozen value (不可变): its fields cannot be set, its day tables are read-only, and
    :func:`attrs.evolve` builds a changed copy with fresh tables.

    Attributes:
        data: The notice years (:class:`HolidayData`; default the bundled ones).
        overlays: Regional or unit overlays, in order.
        hours: The working hours (default 09:00-12:00 and 13:30-17:30).
        tz: The calendar's time zone.
        beyond_coverage: What to do with dates outside the notice years (:data:`BeyondCoverage`).
        provisional_days: How many final days of the last notice year are flagged provisional.
        coverage_warning: Whether to warn :class:`~jiesu.errors.CoverageWarning` (once per calendar).

    Examples:
        >>> import datetime as dt
        >>> cal = WorkCalendar.china()
        >>> cal.is_workday(dt.date(2026, 2, 14))  # a Saturday made a working day (调休上班)
        True
        >>> cal.holiday_name(dt.date(2026, 2, 16))
        '春节'
        >>> cal.add_workdays(dt.date(2026, 2, 13), 1)
        datetime.date(2026, 2, 14)
        >>> cal.workdays_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24))
        2
    """

    data: HolidayData = attrs.field(default=None, converter=_data)
    overlays: tuple[CalendarOverlay, ...] = attrs.field(
        default=(), converter=_overlays, kw_only=True
    )
    hours: WorkingHours = attrs.field(default=None, converter=_hours, kw_only=True)
    tz: str = attrs.field(default=DEFAULT_TZ, validator=_check_tz, kw_only=True)
    beyond_coverage: BeyondCoverage = attrs.field(
        default="raise", validator=_check_beyond, kw_only=True
    )
    provisional_days: int = attrs.field(default=7, validator=_check_days, kw_only=True)
    coverage_warning: bool = attrs.field(default=True, kw_only=True)
    # derived when built (not arguments; not compared)
    first: dt.date = attrs.field(init=False, eq=False)
    last: dt.date = attrs.field(init=False, eq=False)
    provisional_from: dt.date = attrs.field(init=False, eq=False)
    table_first: dt.date = attrs.field(init=False, eq=False)
    table_last: dt.date = attrs.field(init=False, eq=False)
    _t0: int = attrs.field(init=False, eq=False)
    _n: int = attrs.field(init=False, eq=False)
    _cover: tuple[int, int, int] = attrs.field(
        init=False, eq=False
    )  # first, last, warn-from indices
    _warned: set[str] = attrs.field(init=False, eq=False, factory=set)
    _names: tuple[str, ...] = attrs.field(init=False, eq=False)
    _effective_hours: WorkingHours = attrs.field(init=False, eq=False)
    _work: NDArray[np.bool_] = attrs.field(init=False, eq=False)
    _code: NDArray[np.int32] = attrs.field(init=False, eq=False)
    _cum: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _widx: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _wdays: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _last_before: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _ivs: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _ive: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _ilen: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _icum: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _ivs_cols: tuple[NDArray[np.int64], ...] = attrs.field(init=False, eq=False)
    _ilen_cols: tuple[NDArray[np.int64], ...] = attrs.field(init=False, eq=False)
    _icum_cols: tuple[NDArray[np.int64], ...] = attrs.field(init=False, eq=False)
    _wcum: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _tr_utc: NDArray[np.int64] = attrs.field(init=False, eq=False)
    _tr_off: NDArray[np.int64] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        """Build the day tables once (see the class docstring for the fields' meaning)."""
        first = dt.date(self.data.first_year, 1, 1)
        last = dt.date(self.data.last_year, 12, 31)
        lo, hi = first, last
        if self.beyond_coverage == "weekdays":
            lo, hi = min(lo, _WEEKDAYS_RANGE[0]), max(hi, _WEEKDAYS_RANGE[1])
        elif self.beyond_coverage == "statutory":
            if self.data.last_year + 1 < STATUTORY_YEARS[0]:
                raise CalendarError(
                    f"the statutory fallback starts in {STATUTORY_YEARS[0]} (放假办法 2025 revision); "
                    f"the notices end in {self.data.last_year}",
                    field="beyond_coverage",
                    value=self.beyond_coverage,
                )
            hi = max(hi, dt.date(STATUTORY_YEARS[-1], 12, 31))
        t0, t1 = _ordinal(lo), _ordinal(hi)
        self._set(
            first=first,
            last=last,
            provisional_from=last - dt.timedelta(days=self.provisional_days - 1),
            table_first=lo,
            table_last=hi,
            _t0=t0,
            _n=t1 - t0 + 1,
            _cover=(
                _ordinal(first) - t0,
                _ordinal(last) - t0,
                _ordinal(dt.date(self.data.last_year, 11, 1)) - t0,
            ),
        )
        self._build()

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------------------------------ construction

    @classmethod
    def china(
        cls,
        *,
        hours: WorkingHours | str | None = None,
        tz: str = DEFAULT_TZ,
        beyond_coverage: BeyondCoverage = "raise",
        extra_files: Iterable[str | Path] = (),
        provisional_days: int = 7,
        coverage_warning: bool = True,
    ) -> WorkCalendar:
        """The national calendar (全国工作日历) from the bundled notices 2010–2026.

        Args:
            hours: Working hours (default 09:00–12:00 and 13:30–17:30); text or :class:`WorkingHours`.
            tz: The calendar's time zone (default Asia/Shanghai).
            beyond_coverage: ``"raise"`` (default) refuses dates outside the notice years;
                ``"statutory"`` (recommended) follows the statutory holidays after the last notice, each
                such day provisional; ``"weekdays"`` goes by weekday only (元旦 etc. count as working days).
            extra_files: The user's own TOML files adding a year (a notice published after this release)
                or an amendment; see the holiday data page for the procedure.
            provisional_days: How many final days of the last notice year are flagged provisional.
            coverage_warning: Whether to warn :class:`~jiesu.errors.CoverageWarning` (once per calendar).

        Returns:
            The calendar (cached and shared when no extra file is given: it is a frozen value).

        Examples:
            >>> import datetime as dt
            >>> cal = WorkCalendar.china(beyond_coverage="statutory", coverage_warning=False)
            >>> cal.is_workday(dt.date(2027, 1, 1)), cal.holiday_name(dt.date(2027, 1, 1))
            (False, '元旦')
            >>> cal.is_workday(dt.date(2027, 1, 4)), cal.is_provisional(dt.date(2027, 1, 4))
            (True, True)
            >>> cal.basis(dt.date(2027, 2, 5)), cal.basis(dt.date(2026, 2, 16))
            ('statutory', 'notice')
        """
        if isinstance(hours, str):
            hours = WorkingHours(hours)
        files = tuple(extra_files)
        if not files:  # the national calendar is immutable: build its tables once per setting
            return _national(hours, tz, beyond_coverage, provisional_days, coverage_warning)
        data = HolidayData.bundled()
        for path in files:
            data = data.with_file(path)
        return cls(
            data,
            hours=hours,
            tz=tz,
            beyond_coverage=beyond_coverage,
            provisional_days=provisional_days,
            coverage_warning=coverage_warning,
        )

    def with_overlay(self, overlay: CalendarOverlay) -> WorkCalendar:
        """A new calendar with ``overlay`` laid over this one (叠加地方或单位日历).

        Examples:
            >>> import datetime as dt
            >>> from jiesu.calendar import CalendarOverlay
            >>> duty = WorkCalendar.china().with_overlay(CalendarOverlay.twenty_four_seven("值班室", "单位值班制度"))
            >>> duty.is_workday(dt.date(2026, 2, 17)), duty.holiday_name(dt.date(2026, 2, 17))
            (True, '春节')
        """
        if not isinstance(overlay, CalendarOverlay):
            raise CalendarError("must be a CalendarOverlay", field="overlay", value=overlay)
        return attrs.evolve(self, overlays=(*self.overlays, overlay))

    def for_group(self, group: str) -> WorkCalendar:
        """The calendar of a group with its own holidays (部分公民放假): women, youth, children, military.

        The group's days (妇女节 3/8, 青年节 5/4, 儿童节 6/1, 建军节 8/1) apply only when they fall on a
        working day; they are not made up when they fall on a weekend (放假办法 Art. 6). A half day off
        keeps the morning's working hours (the afternoon off is an assumed reading); a full day is a day
        off. The general calendar is unaffected. With ``beyond_coverage="statutory"`` they apply in the
        fallback years too (they are statutory, not set by the notices); otherwise only in the notice years.

        Examples:
            >>> import datetime as dt
            >>> women = WorkCalendar.china().for_group("women")
            >>> women.working_time_between(
            ...     pendulum.datetime(2024, 3, 8, tz="Asia/Shanghai"), pendulum.datetime(2024, 3, 9, tz="Asia/Shanghai")
            ... )
            datetime.timedelta(seconds=10800)
        """
        from jiesu.calendar._groups import group_holidays  # noqa: PLC0415 - avoids an import cycle

        if group not in _GROUPS:
            raise CalendarError(f"must be one of {', '.join(_GROUPS)}", field="group", value=group)
        days_off: list[HolidaySpan] = []
        by_date: dict[dt.date, object] = {}
        last = self.table_last.year if self.beyond_coverage == "statutory" else self.data.last_year
        for holiday in (h for h in group_holidays() if h.group == group):
            for year in range(self.data.first_year, last + 1):
                day = dt.date(year, holiday.month, holiday.day)
                if not self._work[_ordinal(day) - self._t0]:  # read directly: no coverage warning
                    continue
                if holiday.portion == "full_day":
                    days_off.append(HolidaySpan(holiday.name, holiday.en, day, day))
                else:
                    morning = [
                        (s, min(e, 12 * 3600)) for s, e in self._hours_on(day) if s < 12 * 3600
                    ]
                    by_date[day] = morning
        hours = WorkingHours(self.working_hours.default, by_date)
        overlay = CalendarOverlay(
            f"group:{group}",
            "《全国年节及纪念日放假办法》第三条",
            days_off=tuple(days_off),
            hours=hours,
        )
        return self.with_overlay(overlay)

    @property
    def working_hours(self) -> WorkingHours:
        """The working hours in force (工作时间): the calendar's hours with every overlay's laid over them."""
        return self._effective_hours

    def _hours_on(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        i = _ordinal(day) - self._t0
        return tuple(
            (int(s) // _US, int(e) // _US)
            for s, e in zip(self._ivs[i], self._ive[i], strict=True)
            if e > s
        )

    def _build(self) -> None:
        t0, t1 = self._t0, self._t0 + self._n - 1
        work, code, names, hours = self._day_status()
        cum = np.concatenate([[0], np.cumsum(work, dtype=np.int64)])
        widx = np.flatnonzero(work).astype(np.int64)
        ivs, ive = self._intervals(hours, work)
        ilen = ive - ivs
        icum = np.cumsum(ilen, axis=1)
        tr_utc, tr_off = _zone_table(self.tz, t0, t1)
        self._set(
            _names=names,
            _effective_hours=hours,
            _work=_frozen(work),
            _code=_frozen(code),
            _cum=_frozen(cum),
            _widx=_frozen(widx),
            _wdays=_frozen(widx + t0),  # the working days themselves (days since 1970-01-01)
            _last_before=_frozen(
                cum[1:] - 1
            ),  # index of the last working day on or before each day
            _ivs=_frozen(ivs),
            _ive=_frozen(ive),
            _ilen=_frozen(ilen),
            _icum=_frozen(icum),
            _ivs_cols=tuple(_frozen(ivs[:, k].copy()) for k in range(ivs.shape[1])),
            _ilen_cols=tuple(_frozen(ilen[:, k].copy()) for k in range(ivs.shape[1])),
            _icum_cols=tuple(_frozen(icum[:, k].copy()) for k in range(ivs.shape[1])),
            _wcum=_frozen(np.concatenate([[0], np.cumsum(icum[:, -1])])),
            _tr_utc=tr_utc,
            _tr_off=tr_off,
        )

    def _day_status(
        self,
    ) -> tuple[NDArray[np.bool_], NDArray[np.int32], tuple[str, ...], WorkingHours]:
        """Working flag and holiday-name code per table day, the names, and the hours in force."""
        t0, n = self._t0, self._n
        work = (
            np.arange(t0, t0 + n, dtype=np.int64) + 3
        ) % 7 < _SATURDAY  # 1970-01-01 was a Thursday
        code = np.full(n, -1, dtype=np.int32)
        names: list[str] = []

        def mark(span: HolidaySpan) -> None:
            a, b = max(_ordinal(span.start) - t0, 0), min(_ordinal(span.end) - t0, n - 1)
            if span.name not in names:
                names.append(span.name)
            code[a : b + 1] = names.index(span.name)
            work[a : b + 1] = False

        def set_working(days: Iterable[dt.date]) -> None:
            idx = np.array([_ordinal(d) - t0 for d in days], dtype=np.int64)
            work[idx[(idx >= 0) & (idx < n)]] = True

        for span in self.data.spans():
            mark(span)
        set_working(self.data.workdays())
        if self.beyond_coverage == "statutory":
            for year in range(self.data.last_year + 1, self.table_last.year + 1):
                for span in statutory_holidays(year):
                    mark(span)
        hours = self.hours
        for overlay in self.overlays:
            work[:] |= overlay.every_day
            for span in overlay.days_off:
                mark(span)
            set_working(overlay.working_days)
            hours = hours.merged(overlay.hours) if overlay.hours is not None else hours
        return work, code, tuple(names), hours

    def _intervals(
        self, hours: WorkingHours, work: NDArray[np.bool_]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Working intervals per day (µs after local midnight), padded with empty intervals."""
        width = max([len(hours.default), *(len(h) for _, h in hours.by_date), 1])
        ivs = np.zeros((self._n, width), dtype=np.int64)
        ive = np.zeros((self._n, width), dtype=np.int64)
        for k, (s, e) in enumerate(hours.default):
            ivs[:, k], ive[:, k] = s * _US, e * _US
        for day, intervals in hours.by_date:
            i = _ordinal(day) - self._t0
            if 0 <= i < self._n:
                ivs[i], ive[i] = 0, 0
                for k, (s, e) in enumerate(intervals):
                    ivs[i, k], ive[i, k] = s * _US, e * _US
        ive[~work] = ivs[~work]  # no working time on days off
        return ivs, ive

    def __repr__(self) -> str:
        """Show how the calendar was built."""
        overlays = ", ".join(o.name for o in self.overlays)
        return (
            f"WorkCalendar({self.first}..{self.last}, tz={self.tz!r}, "
            f"beyond_coverage={self.beyond_coverage!r}, overlays=[{overlays}])"
        )

    # --------------------------------------------------------------------------------- scalar helpers

    def _coverage(self, value: object, field: str) -> CalendarCoverageError:
        return CalendarCoverageError(
            value, first=self.table_first, last=self.table_last, field=field
        )

    def _seen(self, lo: int, hi: int) -> None:
        """Warn once per calendar when table days ``lo..hi`` reach the end of the data or the weekdays."""
        if not self.coverage_warning:
            return
        first, last, late = self._cover
        if hi >= late and "late" not in self._warned:
            self._warned.add("late")
            year = self.data.last_year
            after = {
                "raise": "are refused",
                "statutory": "follow the statutory holidays without 调休 (provisional)",
                "weekdays": "go by weekday only",
            }[self.beyond_coverage]
            warnings.warn(
                f"the {year + 1} holiday notice is not in this calendar: dates from {year}-11-01 on are "
                f"provisional (the notice can still move late December) and dates in {year + 1} {after}; "
                "add the notice as a user file when it is published (WorkCalendar.china(extra_files=...))",
                CoverageWarning,
                stacklevel=_caller_level(),
            )
        if (
            self.beyond_coverage == "weekdays"
            and (lo < first or hi > last)
            and "weekdays" not in self._warned
        ):
            self._warned.add("weekdays")
            warnings.warn(
                f"dates outside the notice years {self.first}..{self.last} are treated by weekday only: "
                "statutory holidays such as 元旦 and 春节 count as working days there; "
                "beyond_coverage='statutory' follows the 放假办法 instead",
                CoverageWarning,
                stacklevel=_caller_level(),
            )

    def _range(self, idx: NDArray[np.int64], days: NDArray[np.int64], field: str) -> None:
        """Refuse table indices outside the table, and warn (once) about the ones near its end."""
        if idx.size:
            lo, hi = int(idx.min()), int(idx.max())
            if lo < 0 or hi >= self._n:
                self._check_idx(idx, days, field)
            self._seen(lo, hi)

    def _local_date(self, value: object, field: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return aware(value, field=field).in_timezone(self.tz).date()
        if isinstance(value, dt.date):
            return value
        raise ValidationError("must be a date or an aware datetime", field=field, value=value)

    def _index(self, value: object, field: str = "date") -> int:
        day = self._local_date(value, field)
        i = _ordinal(day) - self._t0
        if not 0 <= i < self._n:
            raise self._coverage(day, field)
        self._seen(i, i)
        return i

    # ------------------------------------------------------------------------------------- scalar API

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (是否工作日); an aware datetime is taken at its local date.

        Raises:
            CalendarCoverageError: The date lies outside the covered years.
            ValidationError: Not a date, or a naive datetime.

        Examples:
            >>> import datetime as dt
            >>> cal = WorkCalendar.china()
            >>> cal.is_workday(dt.date(2024, 2, 9))  # 除夕 2024 was a working day
            True
            >>> cal.is_workday(dt.date(2027, 1, 4))
            Traceback (most recent call last):
            ...
            jiesu.errors.CalendarCoverageError: date: outside the calendar's covered range 2010-01-01..2026-12-31; pass beyond_coverage='statutory' to follow the statutory holidays after the last notice, or 'weekdays' to go by weekday only (got datetime.date(2027, 1, 4))
        """  # noqa: E501 - the doctest shows the whole message
        return bool(self._work[self._index(day)])

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` lies in a named holiday span (法定节假日), national or from an overlay.

        Ordinary weekends are not holidays. A unit working 7×24 still sees 春节 as a holiday, although
        it is a working day for that unit.

        Examples:
            >>> import datetime as dt
            >>> WorkCalendar.china().is_holiday(dt.date(2025, 10, 8))
            True
        """
        return bool(self._code[self._index(day)] >= 0)

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the holiday span containing ``day`` (节日名称), or ``None``.

        Examples:
            >>> import datetime as dt
            >>> WorkCalendar.china().holiday_name(dt.date(2023, 10, 1))
            '中秋节、国庆节'
        """
        code = int(self._code[self._index(day)])
        return self._names[code] if code >= 0 else None

    def is_provisional(self, day: dt.date) -> bool:
        """Whether ``day``'s status can still change (待定): late December of the last year, or beyond.

        Late December of the last notice year can still be changed by the next year's notice; a date
        outside the notice years (statutory fallback or weekday only) is always provisional.

        Examples:
            >>> import datetime as dt
            >>> import warnings
            >>> cal = WorkCalendar()  # a new calendar: it warns once that the 2027 notice is missing
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     cal.is_provisional(dt.date(2026, 12, 28)), cal.is_provisional(dt.date(2026, 12, 1))
            (True, False)
            >>> [w.category.__name__ for w in caught]
            ['CoverageWarning']
        """
        d = self._local_date(day, "date")
        self._index(d)
        return d >= self.provisional_from or d < self.first

    def basis(self, day: dt.date) -> Basis:
        """How ``day``'s status was decided (判定依据): ``"notice"``, ``"statutory"`` or ``"weekdays"``.

        ``"notice"`` for every day of a notice year (bundled, or a user's file); ``"statutory"`` past the
        last notice with ``beyond_coverage="statutory"`` (the 放假办法's holidays, no 调休 known);
        ``"weekdays"`` outside the notice years with ``beyond_coverage="weekdays"``. Overlays are laid
        over whichever applies.

        Examples:
            >>> import datetime as dt
            >>> cal = WorkCalendar.china(beyond_coverage="statutory", coverage_warning=False)
            >>> cal.basis(dt.date(2026, 10, 1)), cal.basis(dt.date(2027, 10, 1)), cal.holiday_name(dt.date(2027, 10, 1))
            ('notice', 'statutory', '国庆节')
        """
        i = self._index(day)
        first, last, _ = self._cover
        if first <= i <= last:
            return "notice"
        return "statutory" if self.beyond_coverage == "statutory" else "weekdays"

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day`` (下一个工作日).

        Examples:
            >>> import datetime as dt
            >>> WorkCalendar.china().next_workday(dt.date(2025, 9, 30))
            datetime.date(2025, 10, 9)
        """
        return self.add_workdays(day, 1)

    def previous_workday(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day`` (上一个工作日).

        Examples:
            >>> import datetime as dt
            >>> WorkCalendar.china().previous_workday(dt.date(2025, 10, 9))
            datetime.date(2025, 9, 30)
        """
        return self.add_workdays(day, -1)

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after (or, when negative, before) ``day`` (加减工作日).

        See the class docstring for the exact rule (the start day never counts; ``n == 0`` returns ``day``).

        Raises:
            CalendarCoverageError: ``day`` or the result lies outside the covered years.
            ValidationError: ``n`` is not an integer.

        Examples:
            >>> import datetime as dt
            >>> cal = WorkCalendar.china()
            >>> cal.add_workdays(dt.date(2024, 9, 27), 3)  # Fri + 3: Sun 9-29 is worked, 10-1..7 are off
            datetime.date(2024, 10, 8)
            >>> cal.add_workdays(dt.date(2024, 10, 8), -3)
            datetime.date(2024, 9, 27)
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise ValidationError("must be an integer", field="n", value=n)
        i = self._index(day)
        step = 1 if n > 0 else -1
        left = abs(int(n))
        while left:
            i += step
            if not 0 <= i < self._n:
                raise self._coverage(
                    f"{self._local_date(day, 'date')} {n:+d} working days", "result"
                )
            left -= bool(self._work[i])
        self._seen(i, i)
        return _from_ordinal(i + self._t0)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """The working days from ``start`` to ``end`` (间隔工作日数): ``(start, end]``, or minus ``[end, start)``.

        Examples:
            >>> import datetime as dt
            >>> cal = WorkCalendar.china()
            >>> cal.workdays_between(dt.date(2025, 9, 26), dt.date(2025, 10, 10))
            5
            >>> cal.workdays_between(dt.date(2025, 10, 10), dt.date(2025, 9, 26))
            -5
        """
        a, b = self._index(start, "start"), self._index(end, "end")
        if b >= a:
            return int(self._work[a + 1 : b + 1].sum())
        return -int(self._work[b:a].sum())

    def _local(self, when: object, field: str) -> tuple[int, int]:
        """(table day index, µs after local midnight) of an aware datetime."""
        local = aware(when, field=field).in_timezone(self.tz)
        i = self._index(local.date(), field)
        us = ((local.hour * 60 + local.minute) * 60 + local.second) * _US + local.microsecond
        return i, us

    def _instant(self, i: int, us: int) -> pendulum.DateTime:
        wall = dt.datetime.combine(_from_ordinal(i + self._t0), dt.time()) + dt.timedelta(
            microseconds=us
        )
        return pendulum.datetime(
            wall.year,
            wall.month,
            wall.day,
            wall.hour,
            wall.minute,
            wall.second,
            wall.microsecond,
            tz=self.tz,
        )

    def add_working_hours(self, when: dt.datetime, hours: float) -> pendulum.DateTime:
        """The earliest instant at which ``hours`` of working time have passed since ``when`` (加工作小时).

        Args:
            when: An aware datetime.
            hours: Non-negative working hours (fractions allowed).

        Returns:
            An aware datetime in the calendar's zone.

        Raises:
            ValidationError: ``when`` is naive or ``hours`` is negative or not a number.
            CalendarCoverageError: The start or the result lies outside the covered years.

        Examples:
            >>> cal = WorkCalendar.china()
            >>> start = pendulum.datetime(2025, 9, 30, 16, 30, tz="Asia/Shanghai")
            >>> cal.add_working_hours(start, 2).isoformat()  # 1 h on 9-30, the rest after the holiday
            '2025-10-09T10:00:00+08:00'
        """
        left = _hours_us(hours)
        i, us = self._local(when, "when")
        if left == 0:
            return aware(when, field="when").in_timezone(self.tz)
        while True:
            for s, e in zip(self._ivs[i], self._ive[i], strict=True):
                begin = max(int(s), us)
                avail = int(e) - begin
                if avail <= 0:
                    continue
                if left <= avail:
                    self._seen(i, i)
                    return self._instant(i, begin + left)
                left -= avail
            i, us = i + 1, 0
            if i >= self._n:
                raise self._coverage(
                    f"{aware(when, field='when')} + {hours} working hours", "result"
                )

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time between two aware instants (工作时长); negative when ``end`` is before ``start``.

        Examples:
            >>> cal = WorkCalendar.china()
            >>> cal.working_time_between(
            ...     pendulum.datetime(2025, 9, 30, 9, tz="Asia/Shanghai"),
            ...     pendulum.datetime(2025, 10, 9, 10, tz="Asia/Shanghai"),
            ... )
            datetime.timedelta(seconds=28800)
        """
        a = self._local(start, "start")
        b = self._local(end, "end")
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        total = 0
        for i in range(a[0], b[0] + 1):
            lo = a[1] if i == a[0] else 0
            hi = b[1] if i == b[0] else _DAY_US
            for s, e in zip(self._ivs[i], self._ive[i], strict=True):
                total += max(0, min(int(e), hi) - max(int(s), lo))
        return dt.timedelta(microseconds=sign * total)

    # -------------------------------------------------------------------------------------- array paths

    def _days_many(self, values: ArrayLike, field: str) -> NDArray[np.int64]:
        """Table day indices of local dates (unit ``D`` or coarser) or UTC instants (finer units)."""
        arr = np.asarray(values)
        if arr.dtype.kind != "M":
            raise ValidationError(
                "must be an array of numpy datetime64", field=field, value=str(arr.dtype)
            )
        unit = np.datetime_data(arr.dtype)[0]
        if unit == "D":
            days = arr.view(np.int64)
        elif unit in ("Y", "M", "W"):
            days = arr.astype("datetime64[D]").view(np.int64)
        else:
            _check_nat(arr, field)
            local = self._to_local_us(arr.astype("datetime64[us]").view(np.int64))
            days = local // _DAY_US
        idx = days - self._t0
        # one pass each for min and max; NaT (the smallest int64) fails the min test
        if idx.size:
            lo, hi = int(idx.min()), int(idx.max())
            if lo < 0 or hi >= self._n:
                _check_nat(arr, field)
                self._check_idx(idx, days, field)
            self._seen(lo, hi)
        return idx

    def _check_idx(self, idx: NDArray[np.int64], days: NDArray[np.int64], field: str) -> NoReturn:
        """Refuse the first day outside the table (there is one)."""
        bad = (idx < 0) | (idx >= self._n)
        first = int(np.flatnonzero(bad.ravel())[0])
        raise self._coverage(_from_ordinal(int(days.ravel()[first])), field)

    def _to_local_us(self, utc: NDArray[np.int64]) -> NDArray[np.int64]:
        if self._tr_utc.size == 1:  # one offset over the whole table (Asia/Shanghai since 1992)
            same: NDArray[np.int64] = utc + self._tr_off[0]
            return same
        pos = np.searchsorted(self._tr_utc, utc, side="right") - 1
        return utc + self._tr_off[pos]

    def _to_utc_us(self, local: NDArray[np.int64]) -> NDArray[np.int64]:
        if self._tr_utc.size == 1:
            same: NDArray[np.int64] = local - self._tr_off[0]
            return same
        guess = local - self._tr_off[np.searchsorted(self._tr_utc, local, side="right") - 1]
        return local - self._tr_off[np.searchsorted(self._tr_utc, guess, side="right") - 1]

    def _dates_out(self, idx: NDArray[np.int64]) -> NDArray[np.datetime64]:
        idx += self._t0
        return idx.view("datetime64[D]")

    def is_workday_many(self, dates: ArrayLike) -> NDArray[np.bool_]:
        """Vectorized :meth:`is_workday` (批量判断工作日).

        Args:
            dates: ``datetime64[D]`` local dates, or finer ``datetime64`` UTC instants (their local date in
                the calendar's zone is used). ``NaT`` is refused (a :class:`~jiesu.errors.ValidationReport`
                listing the rows).

        Returns:
            A boolean array of the same shape.

        Examples:
            >>> import numpy as np
            >>> cal = WorkCalendar.china()
            >>> cal.is_workday_many(np.array(["2026-02-14", "2026-02-16"], dtype="datetime64[D]"))
            array([ True, False])
        """
        return self._work[self._days_many(dates, "dates")]

    def is_holiday_many(self, dates: ArrayLike) -> NDArray[np.bool_]:
        """Vectorized :meth:`is_holiday` (批量判断节假日); input as in :meth:`is_workday_many`."""
        return self._code[self._days_many(dates, "dates")] >= 0

    def holiday_name_many(self, dates: ArrayLike) -> NDArray[np.object_]:
        """Vectorized :meth:`holiday_name` (批量节日名称): object array, ``None`` where there is none.

        Examples:
            >>> import numpy as np
            >>> WorkCalendar.china().holiday_name_many(np.array(["2026-01-01", "2026-01-05"], dtype="datetime64[D]"))
            array(['元旦', None], dtype=object)
        """
        names = np.array([*self._names, None], dtype=object)
        return names[self._code[self._days_many(dates, "dates")]]

    def is_provisional_many(self, dates: ArrayLike) -> NDArray[np.bool_]:
        """Vectorized :meth:`is_provisional` (批量判断待定); input as in :meth:`is_workday_many`."""
        days = self._days_many(dates, "dates") + self._t0
        return (days >= _ordinal(self.provisional_from)) | (days < _ordinal(self.first))

    def basis_many(self, dates: ArrayLike) -> NDArray[np.str_]:
        """Vectorized :meth:`basis` (批量判定依据); input as in :meth:`is_workday_many`.

        Examples:
            >>> import numpy as np
            >>> cal = WorkCalendar.china(beyond_coverage="statutory", coverage_warning=False)
            >>> cal.basis_many(np.array(["2026-12-31", "2027-01-01"], dtype="datetime64[D]"))
            array(['notice', 'statutory'], dtype='<U9')
        """
        idx = self._days_many(dates, "dates")
        first, last, _ = self._cover
        beyond = "statutory" if self.beyond_coverage == "statutory" else "weekdays"
        return np.where((idx >= first) & (idx <= last), "notice", beyond)

    def add_workdays_many(self, dates: ArrayLike, n: ArrayLike) -> NDArray[np.datetime64]:
        """Vectorized :meth:`add_workdays` with a cumulative count and a gather (批量加减工作日).

        Args:
            dates: Local dates (``datetime64[D]``) or UTC instants, as in :meth:`is_workday_many`.
            n: Integers, broadcast against ``dates``.

        Returns:
            ``datetime64[D]`` local dates.

        Examples:
            >>> import numpy as np
            >>> cal = WorkCalendar.china()
            >>> cal.add_workdays_many(np.array(["2024-09-27", "2024-10-08"], dtype="datetime64[D]"), [3, -3])
            array(['2024-10-08', '2024-09-27'], dtype='datetime64[D]')
        """
        idx = self._days_many(dates, "dates")
        steps = _int_array(n, "n")
        idx, steps = np.broadcast_arrays(idx, steps)
        if steps.size and steps.min() > 0:  # the common case: a gather, an add and a gather
            k = self._last_before[idx]
            k += steps
            top = int(k.max())
            if top < self._widx.size:
                self._seen(0, int(self._widx[top]))
                fast: NDArray[np.datetime64] = self._wdays[k].view("datetime64[D]")
                return fast
        k = np.where(steps > 0, self._cum[idx + 1] + steps - 1, self._cum[idx] + steps)
        bad = (steps != 0) & ((k < 0) | (k >= self._widx.size))
        if bad.any():
            first = int(np.flatnonzero(bad.ravel())[0])
            when = _from_ordinal(int(idx.ravel()[first]) + self._t0)
            raise self._coverage(f"{when} {int(steps.ravel()[first]):+d} working days", "result")
        out = np.where(steps == 0, idx, self._widx[np.clip(k, 0, max(self._widx.size - 1, 0))])
        if out.size:
            self._seen(int(out.min()), int(out.max()))
        return self._dates_out(out)

    def next_workday_many(self, dates: ArrayLike) -> NDArray[np.datetime64]:
        """Vectorized :meth:`next_workday` (批量下一个工作日)."""
        return self.add_workdays_many(dates, 1)

    def previous_workday_many(self, dates: ArrayLike) -> NDArray[np.datetime64]:
        """Vectorized :meth:`previous_workday` (批量上一个工作日)."""
        return self.add_workdays_many(dates, -1)

    def workdays_between_many(self, starts: ArrayLike, ends: ArrayLike) -> NDArray[np.int64]:
        """Vectorized :meth:`workdays_between` (批量间隔工作日数): two gathers of the cumulative count.

        Examples:
            >>> import numpy as np
            >>> cal = WorkCalendar.china()
            >>> cal.workdays_between_many(np.array(["2025-09-26"], dtype="datetime64[D]"),
            ...                           np.array(["2025-10-10"], dtype="datetime64[D]"))
            array([5])
        """
        a = self._days_many(starts, "starts")
        b = self._days_many(ends, "ends")
        a, b = np.broadcast_arrays(a, b)
        out: NDArray[np.int64] = np.where(
            b >= a, self._cum[b + 1] - self._cum[a + 1], self._cum[b] - self._cum[a]
        )
        return out

    def _position_many(self, utc_us: NDArray[np.int64], field: str) -> NDArray[np.int64]:
        """Working µs elapsed from the table start to each UTC instant."""
        local = self._to_local_us(utc_us)
        days = local // _DAY_US
        idx = days - self._t0
        self._range(idx, days, field)
        local -= days * _DAY_US  # now µs after local midnight
        out: NDArray[np.int64] = self._wcum[idx]
        part = np.empty_like(local)
        for start, length in zip(
            self._ivs_cols, self._ilen_cols, strict=True
        ):  # one pass per interval
            np.subtract(local, start[idx], out=part)
            np.clip(part, 0, length[idx], out=part)
            out += part
        return out

    def _from_position_many(
        self, pos: NDArray[np.int64], field: str, what: object
    ) -> NDArray[np.int64]:
        """The earliest UTC µs instant at which working position ``pos`` (> 0) is reached."""
        j = np.searchsorted(self._wcum[1:], pos, side="left")
        if j.size:
            top = int(j.max())
            if top >= self._n:
                raise self._coverage(what, field)
            self._seen(0, top)
        rest = pos - self._wcum[j]
        wall = self._ivs_cols[0][j] + rest
        for k in range(1, len(self._ivs_cols)):  # one pass per further interval
            before = self._icum_cols[k - 1][j]
            shifted = self._ivs_cols[k][j]
            shifted += rest
            shifted -= before
            np.copyto(wall, shifted, where=rest > before)
        j += self._t0
        j *= _DAY_US
        j += wall
        return self._to_utc_us(j)

    def add_working_hours_many(
        self, instants: ArrayLike, hours: ArrayLike
    ) -> NDArray[np.datetime64]:
        """Vectorized :meth:`add_working_hours` (批量加工作小时).

        Args:
            instants: UTC instants (any ``datetime64`` unit finer than a day).
            hours: Non-negative working hours, broadcast against ``instants``.

        Returns:
            UTC instants as ``datetime64[us]``.

        Examples:
            >>> import numpy as np
            >>> cal = WorkCalendar.china()
            >>> start = np.array(["2025-09-30T08:30"], dtype="datetime64[m]")  # 16:30 in Beijing
            >>> cal.add_working_hours_many(start, 2)
            array(['2025-10-09T02:00:00.000000'], dtype='datetime64[us]')
        """
        utc = _instants(instants, "instants")
        left = _hours_us_many(hours)
        utc, left = np.broadcast_arrays(utc, left)
        pos = self._position_many(utc, "instants")
        pos += left
        if left.size and left.min() > 0:  # the common case: no zero to keep as is
            out = self._from_position_many(pos, "result", "working hours beyond the table")
        else:
            nonzero = left > 0
            out = utc.copy()
            if nonzero.any():
                out[nonzero] = self._from_position_many(
                    pos[nonzero], "result", "working hours beyond the table"
                )
        return out.view("datetime64[us]")

    def working_time_between_many(
        self, starts: ArrayLike, ends: ArrayLike
    ) -> NDArray[np.timedelta64]:
        """Vectorized :meth:`working_time_between` (批量工作时长) over UTC instants, as ``timedelta64[us]``."""
        a = self._position_many(_instants(starts, "starts"), "starts")
        b = self._position_many(_instants(ends, "ends"), "ends")
        return (b - a).astype("timedelta64[us]")

    # ------------------------------------------------------------------ working-time positions (clocks)

    def _hours_position(self, utc_us: NDArray[np.int64], field: str) -> NDArray[np.float64]:
        return self._position_many(utc_us, field) / 3.6e9

    def _hours_inverse(self, pos: NDArray[np.float64], field: str) -> NDArray[np.int64]:
        p = np.round(pos * 3.6e9).astype(np.int64)
        return self._from_position_many(p, field, "a due time beyond the table")

    def _workday_position(self, utc_us: NDArray[np.int64], field: str) -> NDArray[np.float64]:
        """Continuous working-day position: working days before the date, plus the day's elapsed part."""
        local = self._to_local_us(utc_us)
        days = local // _DAY_US
        idx = days - self._t0
        self._range(idx, days, field)
        frac = (local - days * _DAY_US) / _DAY_US
        return cast("NDArray[np.float64]", self._cum[idx] + np.where(self._work[idx], frac, 0.0))

    def _workday_anchor(self, utc_us: NDArray[np.int64], field: str) -> NDArray[np.float64]:
        """The working-day position at the midnight closing each instant's local date."""
        local = self._to_local_us(utc_us)
        days = local // _DAY_US
        idx = days - self._t0
        self._range(idx, days, field)
        return self._cum[idx + 1].astype(np.float64)

    def _workday_inverse(self, pos: NDArray[np.float64], field: str) -> NDArray[np.int64]:
        whole = np.ceil(pos).astype(np.int64)  # position at the end of working day number `whole`
        k = whole - 1
        frac = pos - k
        bad = (k < 0) | (k >= self._widx.size)
        if bad.any():
            raise self._coverage("a due time beyond the table", field)
        if k.size:
            self._seen(0, int(self._widx[k.max()]))
        day = self._widx[k] + self._t0
        local = day * _DAY_US + np.round(frac * _DAY_US).astype(np.int64)
        return self._to_utc_us(local)


# ------------------------------------------------------------------------------------------ helpers


@functools.lru_cache(maxsize=32)
def _national(
    hours: WorkingHours | None,
    tz: str,
    beyond_coverage: BeyondCoverage,
    provisional_days: int,
    coverage_warning: bool,  # noqa: FBT001 - a cache key, passed by position
) -> WorkCalendar:
    return WorkCalendar(
        HolidayData.bundled(),
        hours=hours,
        tz=tz,
        beyond_coverage=beyond_coverage,
        provisional_days=provisional_days,
        coverage_warning=coverage_warning,
    )


def _check_nat(arr: NDArray[np.datetime64], field: str) -> None:
    nat = np.isnat(arr)
    if nat.any():
        rows = np.flatnonzero(nat.ravel())
        raise ValidationReport(
            [Problem(int(r), field, "NaT", "missing value (NaT) is not a date") for r in rows],
            total=arr.size,
        )


def _instants(values: ArrayLike, field: str) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.dtype.kind != "M" or np.datetime_data(arr.dtype)[0] in ("Y", "M", "W", "D"):
        raise ValidationError(
            "must be datetime64 UTC instants (a unit finer than a day)",
            field=field,
            value=str(arr.dtype),
        )
    _check_nat(arr, field)
    return arr.astype("datetime64[us]").astype(np.int64)


def _int_array(values: ArrayLike, field: str) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise ValidationError("must be integers", field=field, value=str(arr.dtype))
    return arr.astype(np.int64, copy=False)


def _hours_us(hours: object) -> int:
    if (
        isinstance(hours, bool)
        or not isinstance(hours, (int, float, np.integer, np.floating))
        or not (
            0 <= float(hours) < 1e7  # noqa: PLR2004 - far beyond any table
        )
    ):
        raise ValidationError("must be a non-negative number of hours", field="hours", value=hours)
    return round(float(hours) * 3.6e9)


def _hours_us_many(hours: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(hours)
    if arr.dtype.kind not in "iuf" or not np.all((arr >= 0) & (arr < 1e7)):  # noqa: PLR2004 - as above
        raise ValidationError(
            "must be non-negative numbers of hours", field="hours", value=str(arr)[:60]
        )
    return np.round(arr.astype(np.float64) * 3.6e9).astype(np.int64)
