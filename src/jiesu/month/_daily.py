"""The daily brief (日梳理): one day of a district's export — volume, cards, alerts and new repeats."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from jiesu.errors import ValidationError
from jiesu.month._job import MonthJob, _pa

if TYPE_CHECKING:
    from jiesu.month._district import District
    from jiesu.month._job import MonthResult

__all__ = ["DailyBrief", "daily_brief"]


@attrs.frozen
class DailyBrief:
    """A day of the district at a glance (每日简报), read at the end of the day.

    Attributes:
        date: The day (local to the district).
        now: The end of the day (the next local midnight), when the clocks were read.
        days: :func:`jiesu.analytics.cadence_table` rows of the day and the six days before it.
        cards: The supervision cards (督办) at ``now``: red overdue and yellow due by the end of the
            next working day, one row per ticket.
        cards_by_unit: The cards counted per unit (``unit``, ``red``, ``yellow``).
        alerts: Early-warning alerts (未诉先办) of the day, per area and category.
        repeats: The tickets of the day that continue a 屡办不成 chain (only with caller keys).
        result: The month job's result the brief was drawn from (its problems, its ticket table).
    """

    date: dt.date
    now: pendulum.DateTime
    days: Any = attrs.field(repr=False)
    cards: Any = attrs.field(repr=False)
    cards_by_unit: Any = attrs.field(repr=False)
    alerts: Any = attrs.field(repr=False)
    repeats: Any = attrs.field(repr=False)
    result: MonthResult = attrs.field(repr=False)


def daily_brief(
    district: District,
    tickets: Any,  # noqa: ANN401 - a path or any dataframe
    *,
    date: dt.date | str,
    caller_secret: str | bytes | None = None,
    encoding: str = "auto",
) -> DailyBrief:
    """Draw up the daily brief of ``date`` (每日简报 / 日梳理) from a district's export.

    The export runs through :class:`MonthJob` for ``date``'s month with the clocks read at the end of
    the day and bad rows set aside (they are in ``result.problems``, not in any count). Then, over the
    good rows: the cadence rows of the seven days ending on ``date`` with the district's rules, the
    supervision cards of the reply clock, the early-warning alerts of the day (area × category, the
    stated Poisson model of :func:`jiesu.analytics.detect_spikes`) and — with ``caller_secret`` — the
    day's tickets that repeat an earlier one of the same caller and category within 30 days.

    Args:
        district: The district.
        tickets: The export: a path (CSV, Excel, Parquet, JSON Lines) or any dataframe.
        date: The day, a date or ``YYYY-MM-DD``.
        caller_secret: The district's caller-key secret (see :meth:`MonthJob.run`).
        encoding: A CSV file's encoding.

    Returns:
        The brief; its tables are ``pyarrow`` tables.

    Raises:
        ValidationError: ``date`` is not a date.

    Examples:
        >>> from jiesu.month import District
        >>> from jiesu.sample import generate_export
        >>> brief = daily_brief(District.sample(), generate_export(n=300, seed=5), date="2025-03-12")
        >>> brief.days.column("period").to_pylist()[-1], brief.now.isoformat()
        ('2025-03-12', '2025-03-13T00:00:00+08:00')
    """
    from jiesu.analytics import (  # noqa: PLC0415 - the frame paths load on first use
        alerts,
        cadence_table,
        detect_spikes,
        find_repeats,
        supervision_list,
        supervision_summary,
    )

    day = _day(date)
    pa = _pa()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    zone = district.timezone
    now = pendulum.datetime(day.year, day.month, day.day, tz=zone).add(days=1)
    result = MonthJob(district).run(
        tickets,
        period=f"{day.year:04d}-{day.month:02d}",
        now=now,
        skip_bad=True,
        encoding=encoding,
        caller_secret=caller_secret,
    )
    good = result.tickets.filter(pc.invert(result.tickets.column("bad")))
    repeats = good.slice(0, 0)
    if "caller_key" in good.column_names:
        good = find_repeats(good)
        local = pc.local_timestamp(good.column("received_at").cast(pa.timestamp("us", tz=zone)))
        on_day = pc.equal(pc.cast(local, pa.date32()), pa.scalar(day, pa.date32()))
        later = pc.greater(pc.fill_null(good.column("repeat_index"), 0), 1)
        repeats = good.filter(pc.and_(on_day, later))
    first = (day - dt.timedelta(days=6)).isoformat()
    every = cadence_table(good, freq="day", rules=district.rules, zone=zone)
    label = every.column("period")
    week = every.filter(
        pc.and_(pc.greater_equal(label, first), pc.less_equal(label, day.isoformat()))
    )
    cards = supervision_list(timed(good), district.deadlines, district.calendar, now=now)
    by_unit = supervision_summary(cards)
    spikes = alerts(detect_spikes(good, zone=zone))
    spikes = spikes.filter(pc.equal(spikes.column("date"), pa.scalar(day, pa.date32())))
    return DailyBrief(
        date=day,
        now=now,
        days=week,
        cards=cards,
        cards_by_unit=by_unit,
        alerts=spikes,
        repeats=repeats,
        result=result,
    )


def timed(table: Any) -> Any:  # noqa: ANN401 - a pyarrow table
    """The table with 诉求类型 / 紧急程度 filled as the month job times a row without them.

    A row without a kind or urgency is timed as a complaint of normal urgency (see ``MonthJob``), so
    the supervision cards follow the same clocks as the job's own ``reply_status``.
    """
    pa = _pa()
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    for name, default in (("kind", "complaint"), ("urgency", "normal")):
        filled = (
            pc.fill_null(table.column(name), default)
            if name in table.column_names
            else pa.array([default] * table.num_rows, pa.string())
        )
        table = (
            table.set_column(table.column_names.index(name), name, filled)
            if name in table.column_names
            else table.append_column(name, filled)
        )
    return table


def _day(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValidationError("must be a date, not a date-time", field="date", value=str(value))
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("must be a date YYYY-MM-DD", field="date", value=value) from None
