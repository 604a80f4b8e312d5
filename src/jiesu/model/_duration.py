"""Durations of time limits (时限): an amount in natural or working hours or days."""

from __future__ import annotations

import re
from typing import Any

import attrs

from jiesu.errors import ValidationError
from jiesu.model._enums import TimeUnit

_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z_]+|[\u4e00-\u9fff]+)\s*$")
_SHORT = {"h": TimeUnit.NATURAL_HOURS, "d": TimeUnit.NATURAL_DAYS, "wd": TimeUnit.WORKING_DAYS}
_SHORT["wh"] = TimeUnit.WORKING_HOURS
_MAX_AMOUNT = 1e6


def _amount_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not 0 <= value < _MAX_AMOUNT:  # type: ignore[operator]  # guarded by ok
        raise ValidationError(
            "must be a non-negative number below 1e6", field=attribute.name, value=value
        )


def _to_time_unit(value: object) -> TimeUnit:
    return TimeUnit.parse(value, field="unit")


@attrs.frozen
class Duration:
    """A time limit's length (时限长度): an amount of natural hours or days, or working days or hours.

    Attributes:
        amount: How many units (may be fractional, e.g. 0.5 working days).
        unit: The unit it is counted in (计量单位).

    Examples:
        >>> Duration(5, "working_days")
        Duration(amount=5, unit=<TimeUnit.WORKING_DAYS: 'working_days'>)
        >>> Duration.parse("24h") == Duration(24, TimeUnit.NATURAL_HOURS)
        True
        >>> str(Duration.parse("0.5 工作日"))
        '0.5 工作日'
    """

    amount: float = attrs.field(validator=_amount_check)
    unit: TimeUnit = attrs.field(converter=_to_time_unit)

    @classmethod
    def parse(cls, text: object) -> Duration:
        """Read a duration from text: ``"24h"``, ``"7d"``, ``"5wd"``, ``"16wh"``, ``"5 working_days"``, ``"5 工作日"``.

        Raises:
            ValidationError: The text is not a number followed by a known unit.
        """
        match = _TEXT.match(text) if isinstance(text, str) else None
        if match is None:
            raise ValidationError(
                "must be a number and a unit such as '24h', '7d', '5wd', '16wh' or '5 工作日'",
                field="duration",
                value=text,
            )
        number, unit = match.groups()
        amount = float(number) if "." in number else int(number)
        return cls(amount, _SHORT.get(unit, unit))

    def __str__(self) -> str:
        """Render as amount and Chinese unit label, e.g. ``5 工作日``."""
        return f"{self.amount} {self.unit.label}"
