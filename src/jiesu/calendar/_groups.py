"""Group holidays (部分公民放假的节日): 妇女节, 青年节, 儿童节, 建军节, as bundled data."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Literal

import attrs

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
    text = (resources.files("jiesu.calendar") / "data" / "groups.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    return tuple(GroupHoliday(**item) for item in raw["holidays"])
