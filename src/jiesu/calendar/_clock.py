"""SLA clocks (时限计时): due time, status, elapsed and remaining, over plain values and arrays.

A clock starts at an instant, runs for a limit (a :class:`~jiesu.model.Duration`), is lengthened by
extensions (延期) and stopped by tracked pauses (挂账), each measured in the limit's own unit, and stops
when its milestone is met. Every unit is mapped to a monotone *position* on the time line:

* natural hours: real elapsed time;
* working hours: working time under the calendar's hours;
* natural days: local days, the start day not counted (the period runs from the midnight after the start);
* working days: working days, the start day not counted; each working day counts as its 24 local hours,
  so an integer limit ends at the midnight closing the ``n``-th working day after the start day.

The due time is the earliest instant whose position reaches ``anchor + limit + extensions + paused``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pendulum

from jiesu.errors import CalendarError, Problem, ValidationError, ValidationReport
from jiesu.model import Duration, LabelledEnum, TimeUnit, aware

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike, NDArray

    from jiesu.calendar._calendar import WorkCalendar

__all__ = ["Clock", "ClockStatus", "SlaTable", "clock", "convert", "sla_status_many"]

_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_NAT = np.iinfo(np.int64).min


class ClockStatus(LabelledEnum):
    """The status of a clock (时限状态).

    ``CLOSED`` is used only for windows (the return window, 退单时限) that passed without the event: the
    unit simply keeps the ticket, which is not a missed deadline.
    """

    PENDING = "pending", "未到期"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已超期"
    MET_ON_TIME = "met_on_time", "按时完成"
    MET_LATE = "met_late", "超期完成"
    CLOSED = "closed", "窗口已关闭"


_CODES = [s.value for s in ClockStatus][:5]  # CLOSED is only given to windows, by the policy


def convert(duration: Duration, unit: TimeUnit, calendar: WorkCalendar) -> float:
    """Express ``duration`` in ``unit`` (换算时长), within one family: natural or working time.

    Natural days are 24 natural hours; a working day is the length of the calendar's default working
    hours in force (7 h by default, 24 h for a 7×24 unit). Natural and working time cannot be converted into each other.

    Raises:
        CalendarError: The units belong to different families.

    Examples:
        >>> from jiesu.calendar import WorkCalendar
        >>> convert(Duration(2, "working_days"), TimeUnit.WORKING_HOURS, WorkCalendar.china())
        14.0
    """
    if duration.unit == unit:
        return float(duration.amount)
    day_hours = sum(e - s for s, e in calendar.working_hours.default) / 3600
    factors = {
        (TimeUnit.NATURAL_DAYS, TimeUnit.NATURAL_HOURS): 24.0,
        (TimeUnit.NATURAL_HOURS, TimeUnit.NATURAL_DAYS): 1 / 24,
        (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS): day_hours,
        (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS): 1 / day_hours,
    }
    factor = factors.get((duration.unit, unit))
    if factor is None:
        raise CalendarError(
            f"cannot be counted in {unit.value}: natural and working time do not convert",
            field="duration",
            value=str(duration),
        )
    return float(duration.amount) * factor


# ------------------------------------------------------------------------------------------ positions


def _position(cal: WorkCalendar, unit: TimeUnit, utc: NDArray[np.int64]) -> NDArray[np.float64]:
    if unit == TimeUnit.NATURAL_HOURS:
        return utc / _HOUR_US
    if unit == TimeUnit.WORKING_HOURS:
        return cal._hours_position(utc, "time")  # noqa: SLF001 - the calendar's own tables
    if unit == TimeUnit.WORKING_DAYS:
        return cal._workday_position(utc, "time")  # noqa: SLF001 - as above
    local: NDArray[np.float64] = cal._to_local_us(utc) / _DAY_US  # noqa: SLF001 - as above
    return local


def _anchor(cal: WorkCalendar, unit: TimeUnit, utc: NDArray[np.int64]) -> NDArray[np.float64]:
    """Where the count starts: the start itself (hours) or the midnight after the start day (days)."""
    pos = _position(cal, unit, utc)
    if unit in (TimeUnit.NATURAL_HOURS, TimeUnit.WORKING_HOURS):
        return pos
    if unit == TimeUnit.NATURAL_DAYS:
        return np.floor(pos) + 1
    return cal._workday_anchor(utc, "time")  # noqa: SLF001 - the calendar's own tables


def _inverse(cal: WorkCalendar, unit: TimeUnit, pos: NDArray[np.float64]) -> NDArray[np.int64]:
    if unit == TimeUnit.NATURAL_HOURS:
        return np.round(pos * _HOUR_US).astype(np.int64)
    if unit == TimeUnit.WORKING_HOURS:
        return cal._hours_inverse(pos, "due")  # noqa: SLF001 - the calendar's own tables
    if unit == TimeUnit.WORKING_DAYS:
        return cal._workday_inverse(pos, "due")  # noqa: SLF001 - as above
    return cal._to_utc_us(np.round(pos * _DAY_US).astype(np.int64))  # noqa: SLF001 - as above


# ---------------------------------------------------------------------------------------------- arrays


@attrs.frozen(eq=False)
class SlaTable:
    """The clocks of many rows (批量时限状态), as numpy arrays of equal length.

    Attributes:
        due: Due instants, UTC ``datetime64[us]``.
        status: Status codes (``pending``, ``due_soon``, ``overdue``, ``met_on_time``, ``met_late``).
        elapsed: Time counted so far, in each row's limit unit (pauses excluded).
        remaining: Limit (with extensions) minus elapsed; negative when overdue.
        excluded: Time excluded by tracked pauses, in each row's limit unit.
        paused: Whether the clock is stopped by an open pause at ``now``.
        provisional: Whether the due date lies where the calendar is provisional.
    """

    due: NDArray[np.datetime64]
    status: NDArray[np.str_]
    elapsed: NDArray[np.float64]
    remaining: NDArray[np.float64]
    excluded: NDArray[np.float64]
    paused: NDArray[np.bool_]
    provisional: NDArray[np.bool_]

    def __len__(self) -> int:
        """The number of rows."""
        return int(self.due.size)


def _us(
    values: ArrayLike | None, field: str, shape: tuple[int, ...], *, allow_nat: bool
) -> NDArray[np.int64]:
    if values is None:
        return np.full(shape, _NAT, dtype=np.int64)
    arr = np.asarray(values)
    if arr.dtype.kind != "M" or np.datetime_data(arr.dtype)[0] in ("Y", "M", "W", "D"):
        raise ValidationError(
            "must be datetime64 UTC instants (a unit finer than a day)",
            field=field,
            value=str(arr.dtype),
        )
    if not allow_nat and np.isnat(arr).any():
        rows = np.flatnonzero(np.isnat(arr).ravel())
        raise ValidationReport(
            [Problem(int(r), field, "NaT", "missing value (NaT) is not an instant") for r in rows],
            total=arr.size,
        )
    out: NDArray[np.int64] = arr.astype("datetime64[us]").astype(np.int64)
    return out


def _units(units: TimeUnit | str | Sequence[TimeUnit | str], n: int) -> NDArray[np.str_]:
    if isinstance(units, (str, TimeUnit)):
        return np.full(n, TimeUnit.parse(units, field="units").value)
    codes = [TimeUnit.parse(u, field="units").value for u in units]
    return np.asarray(codes)


def sla_status_many(
    calendar: WorkCalendar,
    starts: ArrayLike,
    limits: ArrayLike,
    units: TimeUnit | str | Sequence[TimeUnit | str],
    *,
    now: dt.datetime | np.datetime64,
    extensions: ArrayLike | None = None,
    pause_starts: ArrayLike | None = None,
    pause_ends: ArrayLike | None = None,
    stops: ArrayLike | None = None,
    warn_before: ArrayLike | None = None,
    warn_fraction: float = 0.2,
) -> SlaTable:
    """The clocks of many rows at once (批量计算时限状态), without a Python loop per row.

    Args:
        calendar: The working calendar.
        starts: Start instants, UTC ``datetime64`` (shape ``(n,)``).
        limits: Limit amounts, in ``units``.
        units: One :class:`~jiesu.model.TimeUnit` for all rows, or one per row.
        now: The instant the status is taken at (aware datetime, or UTC ``datetime64``).
        extensions: Approved extension amounts per row, in the row's unit (default none).
        pause_starts: Tracked pauses (挂账), UTC ``datetime64`` of shape ``(n,)`` or ``(n, k)``; ``NaT``
            where a row has fewer pauses.
        pause_ends: Their ends, same shape; ``NaT`` for a pause still open.
        stops: When each milestone was met, UTC ``datetime64``; ``NaT`` when not yet.
        warn_before: How long before the due time a clock is "due soon", in the row's unit; default
            ``warn_fraction`` of the limit with extensions.
        warn_fraction: The default warning threshold as a fraction of the limit (assumed 0.2).

    Returns:
        A :class:`SlaTable`.

    Raises:
        ValidationError: Wrong dtypes or mismatched shapes.
        ValidationReport: Every row with a NaT start or a negative (or NaN) limit.
        CalendarCoverageError: An instant or due time falls outside the calendar.

    Examples:
        >>> import numpy as np, pendulum
        >>> from jiesu.calendar import WorkCalendar
        >>> cal = WorkCalendar.china()
        >>> starts = np.array(["2025-09-30T01:00", "2025-09-30T01:00"], dtype="datetime64[m]")
        >>> table = sla_status_many(cal, starts, [5, 5], ["working_days", "natural_days"],
        ...                         now=pendulum.datetime(2025, 10, 6, 8, tz="Asia/Shanghai"))
        >>> table.due
        array(['2025-10-14T16:00:00.000000', '2025-10-05T16:00:00.000000'],
              dtype='datetime64[us]')
        >>> table.status.tolist()
        ['pending', 'overdue']
    """
    start = _us(starts, "starts", (), allow_nat=False)
    n = start.shape[0] if start.ndim else 1
    start = start.reshape(n)
    limit = np.asarray(limits, dtype=np.float64).reshape(-1)
    limit = np.broadcast_to(limit, (n,)) if limit.size == 1 else limit
    if limit.shape != (n,):
        raise ValidationError(
            "must be one amount per start", field="limits", value=str(limits)[:60]
        )
    bad = ~(limit >= 0)  # negative or NaN
    if bad.any():
        raise ValidationReport(
            [
                Problem(int(r), "limits", float(limit[r]), "must be a non-negative amount")
                for r in np.flatnonzero(bad)
            ],
            total=n,
        )
    ext = (
        np.zeros(n)
        if extensions is None
        else np.broadcast_to(np.asarray(extensions, dtype=np.float64), (n,))
    )
    unit = _units(units, n)
    now_us = _us(
        _np(now, "now") if isinstance(now, dt.datetime) else now, "now", (), allow_nat=False
    )
    stop = _us(stops, "stops", (n,), allow_nat=True).reshape(n)
    ps = _us(pause_starts, "pause_starts", (n, 0), allow_nat=True).reshape(n, -1)
    pe = _us(pause_ends, "pause_ends", ps.shape, allow_nat=True).reshape(ps.shape)
    stopped = stop != _NAT
    end = np.where(stopped, stop, now_us)
    total = limit + ext
    warn = (
        total * warn_fraction
        if warn_before is None
        else np.broadcast_to(np.asarray(warn_before, float), (n,))
    )

    due = np.zeros(n, dtype=np.int64)
    elapsed = np.zeros(n)
    excluded = np.zeros(n)
    for code in np.unique(unit):  # at most four groups, not a loop per row
        rows = unit == code
        u = TimeUnit.parse(str(code))
        anchor = _anchor(calendar, u, start[rows])
        pos_end = _position(calendar, u, end[rows])
        has = ps[rows] != _NAT
        p_start = _position(calendar, u, np.where(has, ps[rows], start[rows, None]))
        open_end = np.where(
            pe[rows] == _NAT, end[rows, None], np.minimum(pe[rows], end[rows, None])
        )
        p_end = _position(calendar, u, np.where(has, open_end, start[rows, None]))
        lo = np.maximum(p_start, anchor[:, None])
        hi = np.minimum(p_end, pos_end[:, None])
        paused_amount = np.where(has, np.clip(hi - lo, 0, None), 0.0).sum(axis=1)
        target = anchor + total[rows] + paused_amount
        due[rows] = np.maximum(_inverse(calendar, u, target), start[rows])
        elapsed[rows] = np.clip(pos_end - anchor - paused_amount, 0, None)
        excluded[rows] = paused_amount
    remaining = total - elapsed
    is_open = (ps != _NAT) & (pe == _NAT) & (ps <= now_us)
    paused = is_open.any(axis=1) & ~stopped
    status = _status(stop, due, now_us, remaining, warn)
    due64 = due.astype("datetime64[us]")
    return SlaTable(
        due=due64,
        status=np.asarray(_CODES)[status],
        elapsed=elapsed,
        remaining=remaining,
        excluded=excluded,
        paused=paused,
        provisional=calendar.is_provisional_many(due64),
    )


def _status(
    stop: NDArray[np.int64],
    due: NDArray[np.int64],
    now_us: np.int64 | NDArray[np.int64],
    remaining: NDArray[np.float64],
    warn: NDArray[np.float64],
) -> NDArray[np.intp]:
    """Status codes (indices into the ``ClockStatus`` members)."""
    stopped = stop != _NAT
    out: NDArray[np.intp] = np.select(
        [stopped & (stop <= due), stopped, now_us > due, remaining <= warn], [3, 4, 2, 1], default=0
    )
    return out


def _convertible(duration: Duration, unit: TimeUnit, calendar: WorkCalendar) -> bool:
    try:
        convert(duration, unit, calendar)
    except CalendarError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- scalar


@attrs.frozen
class Clock:
    """One milestone's clock (时限): start, limit, due time, status, elapsed and remaining.

    Attributes:
        milestone: What the clock is for (e.g. ``"reply"``), or ``""`` for a bare clock.
        start: When it started.
        limit: The limit, without extensions.
        extension: Approved extensions, in the limit's unit.
        paused: Time excluded by tracked pauses so far, in the limit's unit.
        due: When it is (or was) due.
        status: Its status at ``now``.
        elapsed: Time counted so far, in the limit's unit.
        remaining: Limit with extensions minus elapsed (negative when overdue).
        stopped_at: When the milestone was met, if it was.
        is_paused: Whether an open pause stops it at ``now``.
        provisional: Whether the due date is provisional in the calendar.
    """

    milestone: str
    start: pendulum.DateTime
    limit: Duration
    extension: float
    paused: float
    due: pendulum.DateTime
    status: ClockStatus
    elapsed: float
    remaining: float
    stopped_at: pendulum.DateTime | None
    is_paused: bool
    provisional: bool


def _np(value: dt.datetime | None, field: str) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "us")
    return np.datetime64(aware(value, field=field).in_timezone("UTC").naive(), "us")


def clock(
    calendar: WorkCalendar,
    start: dt.datetime,
    limit: Duration,
    *,
    now: dt.datetime,
    extensions: Sequence[Duration] = (),
    pauses: Sequence[tuple[dt.datetime, dt.datetime | None]] = (),
    stop: dt.datetime | None = None,
    warn_before: Duration | None = None,
    warn_fraction: float = 0.2,
    milestone: str = "",
) -> Clock:
    """One clock from plain values (计算单个时限), the scalar twin of :func:`sla_status_many`.

    Extensions and the warning threshold may be given in another unit of the same family (natural or
    working time) and are converted (:func:`convert`). An extension in the other family (3 working days on
    a 7-natural-day limit) moves the due time by its own amount counted in its own unit, from the due time.

    Examples:
        >>> from jiesu.calendar import WorkCalendar
        >>> cal = WorkCalendar.china()
        >>> start = pendulum.datetime(2025, 9, 30, 10, tz="Asia/Shanghai")
        >>> c = clock(cal, start, Duration(5, "working_days"), now=start.add(days=12),
        ...           pauses=[(start.add(days=1), start.add(days=9))])  # 挂账 from 10-01 10:00 to 10-09 10:00
        >>> c.due.isoformat(), c.status.value, round(c.paused, 3), round(c.elapsed, 3)
        ('2025-10-15T10:00:00+08:00', 'pending', 0.417, 2.583)
    """
    if not isinstance(limit, Duration):
        raise ValidationError("must be a Duration", field="limit", value=limit)
    unit = limit.unit
    same = [e for e in extensions if _convertible(e, unit, calendar)]
    other = [e for e in extensions if not _convertible(e, unit, calendar)]
    ext = sum(convert(e, unit, calendar) for e in same)
    warn = None if warn_before is None else [convert(warn_before, unit, calendar)]
    starts = [(_np(p[0], "pauses"), _np(p[1], "pauses")) for p in pauses]
    start_us = np.array([_np(start, "start")]).astype(np.int64)
    stop_us = np.array([_np(stop, "stop")]).astype(np.int64)

    def run(extension: float) -> SlaTable:
        return sla_status_many(
            calendar,
            start_us.view("datetime64[us]"),
            [limit.amount],
            unit,
            now=now,
            extensions=[extension],
            pause_starts=np.array([[s for s, _ in starts]], dtype="datetime64[us]")
            if starts
            else None,
            pause_ends=np.array([[e for _, e in starts]], dtype="datetime64[us]")
            if starts
            else None,
            stops=stop_us.view("datetime64[us]"),
            warn_before=warn,
            warn_fraction=warn_fraction,
        )

    table = run(ext)
    due_us = table.due.view(np.int64).copy()
    status = table.status
    if other:  # natural and working time do not convert: move the due time by each in its own unit
        first = due_us.copy()
        for extension in other:
            moved = _inverse(
                calendar,
                extension.unit,
                _position(calendar, extension.unit, due_us) + extension.amount,
            )
            due_us = np.maximum(moved, due_us)
        ext += float(_position(calendar, unit, due_us)[0] - _position(calendar, unit, first)[0])
        table = run(ext)
        now_us = np.array([_np(now, "now")]).astype(np.int64)
        warn_amount = table.remaining * 0 + (
            warn[0] if warn else (limit.amount + ext) * warn_fraction
        )
        status = np.asarray(_CODES)[
            _status(stop_us, due_us, now_us[0], table.remaining, warn_amount)
        ]
    due = pendulum.instance(due_us.view("datetime64[us]")[0].astype(dt.datetime), tz="UTC")
    return Clock(
        milestone=milestone,
        start=aware(start, field="start"),
        limit=limit,
        extension=_round(ext),
        paused=_round(table.excluded[0]),
        due=due.in_timezone(calendar.tz),
        status=ClockStatus.parse(str(status[0])),
        elapsed=_round(float(table.elapsed[0])),
        remaining=_round(float(table.remaining[0])),
        stopped_at=None if stop is None else aware(stop, field="stop"),
        is_paused=bool(table.paused[0]),
        provisional=bool(calendar.is_provisional_many(due_us.view("datetime64[us]"))[0]),
    )


def _round(value: Any) -> float:  # noqa: ANN401 - numpy or Python floats
    return round(float(value), 9)
