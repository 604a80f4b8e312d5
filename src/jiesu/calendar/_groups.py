"""Group holidays (部分公民放假的节日): 妇女节, 青年节, 儿童节, 建军节, as bundled data."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Final, Literal

import attrs

from jiesu._loader import INT, STR, TEXT, Doc, Reader, read_toml

__all__ = ["GroupHoliday", "group_holidays"]


@attrs.frozen
class GroupHoliday:
    """A holiday for one group of citizens only (部分公民放假的节日), from 放假办法 Art. 3.

    Attributes:
        name: The Chinese name.
        en: An English name.
        month: The month of the fixed date.
        day: The day of the fixed date.
        group: The group code: ``women``, ``youth``, ``children`` or ``military``.
        who: Who the group is, in the text's words.
        portion: ``half_day`` or ``full_day``.
    """

    name: str
    en: str
    month: int
    day: int
    group: str
    who: str
    portion: Literal["half_day", "full_day"]


@functools.cache
def group_holidays() -> tuple[GroupHoliday, ...]:
    """The four group holidays (部分公民假日), loaded lazily from ``jiesu/calendar/data/groups.toml``.

    Apply them with :meth:`WorkCalendar.for_group <jiesu.calendar.WorkCalendar.for_group>`; the general
    calendar ignores them.

    Examples:
        >>> [(h.name, h.portion) for h in group_holidays()][:2]
        [('妇女节', 'half_day'), ('青年节', 'half_day')]
    """
    return _read(
        read_toml(resources.files("jiesu.calendar") / "data" / "groups.toml", source="groups.toml")
    )


_KEYS: Final = ("name", "en", "month", "day", "group", "who", "portion")
_PORTIONS: Final = ("half_day", "full_day")


def _month(month: int) -> str | None:
    return None if 1 <= month <= 12 else "must be a month 1-12"  # noqa: PLR2004 - months of a year


def _day(day: int) -> str | None:
    return None if 1 <= day <= 31 else "must be a day 1-31"  # noqa: PLR2004 - days of a month


def _read(doc: Doc) -> tuple[GroupHoliday, ...]:
    """Read the group holidays file: ``source`` and ``[[holidays]]`` (every key of :class:`GroupHoliday`)."""
    reader = Reader(doc)
    root = reader.root()
    root.check_keys(("source", "holidays"), required=("source", "holidays"))
    root.get("source", TEXT, "")
    found = []
    for table in root.tables("holidays", required=True):
        table.check_keys(_KEYS, required=_KEYS)
        month = table.get("month", INT, 1, check=_month)
        day = table.get("day", INT, 1, check=_day)
        portion = table.get(
            "portion",
            STR,
            "half_day",
            check=lambda p: None if p in _PORTIONS else "must be half_day or full_day",
        )
        found.append(
            GroupHoliday(
                name=table.get("name", TEXT, ""),
                en=table.get("en", TEXT, ""),
                month=month,
                day=day,
                group=table.get("group", TEXT, ""),
                who=table.get("who", TEXT, ""),
                portion="full_day" if portion == "full_day" else "half_day",
            )
        )
    reader.raise_if_any()
    return tuple(found)
