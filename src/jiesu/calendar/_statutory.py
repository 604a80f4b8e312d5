"""The statutory holidays (法定节假日) of 《全国年节及纪念日放假办法》 for years without a notice.

The 2025 revision (国务院令第795号, in force 2025-01-01) gives every citizen 13 days off: 元旦 1 (1 January),
春节 4 (除夕 and lunar 1/1-1/3), 清明节 1 (the Qingming solar term), 劳动节 2 (1-2 May), 端午节 1 (lunar 5/5),
中秋节 1 (lunar 8/15) and 国庆节 3 (1-3 October). The lunar and solar-term dates come from a small bundled
table, ``data/statutory.csv``, computed with lunar-python (see ``benchmarks/statutory_dates.py``).

The yearly notice moves days (调休) and makes up statutory days that fall on a weekend (补休); neither can
be known before the notice, so neither is guessed here.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources

from jiesu.calendar._holidays import HolidaySpan
from jiesu.errors import CalendarError

__all__ = ["STATUTORY_YEARS", "statutory_holidays"]

_FILE = "statutory.csv"
_COLUMNS = ("year", "除夕", "春节", "清明", "端午", "中秋")


@functools.cache
def _table() -> tuple[tuple[int, tuple[dt.date, ...]], ...]:
    text = (resources.files("jiesu.calendar") / "data" / _FILE).read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith("#")]
    if tuple(rows[0]) != _COLUMNS:  # pragma: no cover - the bundled file is checked by its test
        raise CalendarError("unexpected header", field=_FILE, value=",".join(rows[0]))
    return tuple((int(r[0]), tuple(dt.date.fromisoformat(v) for v in r[1:])) for r in rows[1:])


def _years() -> range:
    table = _table()
    return range(table[0][0], table[-1][0] + 1)


STATUTORY_YEARS: range = _years()
"""The years :func:`statutory_holidays` can compute (法定假日可推算年份): 2025-2100."""


def _one(name: str, en: str, first: dt.date, days: int = 1) -> HolidaySpan:
    return HolidaySpan(name, en, first, first + dt.timedelta(days=days - 1))


@functools.cache
def statutory_holidays(year: int) -> tuple[HolidaySpan, ...]:
    """The statutory days off of ``year`` (法定节假日) under the 2025 放假办法, without 调休 or 补休.

    One span per holiday, in date order: 元旦, 春节 (除夕 to 正月初三), 清明节, 劳动节, 端午节, 中秋节 and
    国庆节. In the years when 中秋 falls on 1-3 October (2028, 2031, ...), that day is its own one-day span
    named ``"国庆节、中秋节"`` inside the 国庆节 days, which are then split around it: the two holidays
    share the day and nothing is guessed to make it up.

    Args:
        year: A year in :data:`STATUTORY_YEARS`.

    Returns:
        The spans, in date order, not overlapping.

    Raises:
        CalendarError: The year is outside :data:`STATUTORY_YEARS`.

    Examples:
        >>> [(s.name, str(s.start), s.days) for s in statutory_holidays(2027)][:3]
        [('元旦', '2027-01-01', 1), ('春节', '2027-02-05', 4), ('清明节', '2027-04-05', 1)]
        >>> sum(s.days for s in statutory_holidays(2027))
        13
        >>> [(s.name, str(s.start), s.days) for s in statutory_holidays(2028)][-2:]
        [('国庆节', '2028-10-01', 2), ('国庆节、中秋节', '2028-10-03', 1)]
    """
    value: object = year
    if isinstance(value, bool) or not isinstance(value, int) or value not in STATUTORY_YEARS:
        raise CalendarError(
            f"must be a year {STATUTORY_YEARS[0]}..{STATUTORY_YEARS[-1]}", field="year", value=year
        )
    chuxi, _new_year, qingming, duanwu, zhongqiu = dict(_table())[year]
    spans = [
        _one("元旦", "New Year's Day", dt.date(year, 1, 1)),
        _one("春节", "Spring Festival", chuxi, 4),
        _one("清明节", "Tomb-Sweeping Day", qingming),
        _one("劳动节", "Labour Day", dt.date(year, 5, 1), 2),
        _one("端午节", "Dragon Boat Festival", duanwu),
    ]
    national = [dt.date(year, 10, d) for d in (1, 2, 3)]
    if zhongqiu in national:
        for day in national:
            if day == zhongqiu:
                spans.append(_one("国庆节、中秋节", "National Day & Mid-Autumn Festival", day))
            else:
                spans.append(_one("国庆节", "National Day", day))
    else:
        spans += [
            _one("中秋节", "Mid-Autumn Festival", zhongqiu),
            _one("国庆节", "National Day", national[0], 3),
        ]
    return tuple(_merge(sorted(spans, key=lambda s: s.start)))


def _merge(spans: list[HolidaySpan]) -> list[HolidaySpan]:
    """Join adjacent one-day spans of the same name (国庆节 1 and 2 October around a shared 3rd)."""
    out: list[HolidaySpan] = []
    for span in spans:
        if out and out[-1].name == span.name and out[-1].end + dt.timedelta(days=1) == span.start:
            out[-1] = HolidaySpan(span.name, span.en, out[-1].start, span.end)
        else:
            out.append(span)
    return out
