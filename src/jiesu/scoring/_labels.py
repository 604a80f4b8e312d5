"""Key labels of a scoring table (键值检查): units and periods trimmed, blanks refused, periods parsed.

The array and the frame paths both factorize their key columns first and check each distinct label once
here, so every backend reads ``" S01　"`` as ``S01`` and refuses ``"nan"`` as a unit the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jiesu.errors import ValidationError
from jiesu.model import Unit
from jiesu.scoring._states import SPACES, trim

BLANK_LIKE: Final = frozenset({"", "nan", "none", "null", "nat", "<na>"})
"""Labels that mean "no value" once trimmed and lowered: what pandas, Excel and ``str(None)`` write."""
_PERIOD: Final = re.compile(r"(\d{4})-(\d{2})")
_PERIOD_ZH: Final = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_MONTHS: Final = range(1, 13)
_SPACE_RUN: Final = re.compile(f"[{re.escape(SPACES)}]+")


@attrs.frozen
class KnownUnits:
    """The units a table may name: codes, and names that stand for a code."""

    codes: frozenset[str]
    names: Mapping[str, str]

    def lookup(self, label: str) -> str | None:
        """The code a trimmed label stands for, ``None`` when it names no known unit."""
        if label in self.codes:
            return label
        squeezed = _SPACE_RUN.sub("", label)
        return self.names.get(label, self.names.get(squeezed))

    def nearest(self, label: str) -> str | None:
        """The known code or name closest to a label (a typo's likely meaning)."""
        choices = sorted(self.codes | set(self.names))
        found = difflib.get_close_matches(label, choices, n=1, cutoff=0.5)
        return found[0] if found else None


def known_units(units: object) -> KnownUnits | None:
    """The ``units=`` argument read once: unit codes, :class:`~jiesu.model.Unit` objects, or name → code.

    Raises:
        ValidationError: The argument is none of those.
    """
    if units is None:
        return None
    names: dict[str, str] = {}
    codes: set[str] = set()
    if isinstance(units, Mapping):
        for name, code in units.items():
            if not isinstance(name, str) or not isinstance(code, str):
                raise ValidationError(
                    "a units mapping maps unit names to unit codes (text)",
                    field="units",
                    value=name,
                )
            codes.add(trim(code))
            names[_SPACE_RUN.sub("", trim(name))] = trim(code)
    elif isinstance(units, Iterable) and not isinstance(units, str):
        for unit in units:
            if isinstance(unit, Unit):
                codes.add(unit.code)
                names[_SPACE_RUN.sub("", unit.name)] = unit.code
            elif isinstance(unit, str):
                codes.add(trim(unit))
            else:
                raise ValidationError(
                    "units are unit codes (text) or jiesu.model.Unit objects",
                    field="units",
                    value=type(unit).__name__,
                )
    else:
        raise ValidationError(
            "units are unit codes, Unit objects or a mapping name → code",
            field="units",
            value=type(units).__name__,
        )
    return KnownUnits(frozenset(codes), names)


def _period(label: str) -> str | None:
    for pattern in (_PERIOD, _PERIOD_ZH):
        hit = pattern.fullmatch(label)
        if hit is not None and int(hit[2]) in _MONTHS:
            return f"{hit[1]}-{int(hit[2]):02d}"
    return None


def check_label(label: str, field: str, known: KnownUnits | None) -> tuple[str, str | None]:  # noqa: PLR0911 - one return per verdict
    """One distinct label: its normal form and, when it is refused, why.

    Args:
        label: The label as read (``str`` of the cell).
        field: ``"unit"``, ``"period"`` or ``"category"``.
        known: The known units (for ``"unit"``), or ``None``.

    Returns:
        ``(normal, reason)``; ``reason`` is ``None`` when the label is accepted.
    """
    text = trim(label)
    if field == "category":
        return text, None
    if text.lower() in BLANK_LIKE:
        return text, f"missing {field}"
    if field == "period":
        period = _period(text)
        if period is None:
            return text, "not a period: write YYYY-MM with a month 01-12 (or 2025年3月)"
        return period, None
    if known is None:
        return text, None
    code = known.lookup(text)
    if code is not None:
        return code, None
    nearest = known.nearest(text)
    hint = f"; did you mean {nearest!r}?" if nearest is not None else ""
    return text, f"unknown unit (not in the units table){hint}"


def check_labels(
    labels: npt.NDArray[Any], field: str, known: KnownUnits | None = None
) -> tuple[npt.NDArray[np.str_], list[str | None]]:
    """Every distinct label of a key column: normal forms and reasons (see :func:`check_label`)."""
    checked = [check_label(str(v), field, known) for v in labels.tolist()]
    normal = np.array([n for n, _ in checked], dtype=str).reshape(len(checked))
    return normal, [r for _, r in checked]


def is_text(values: npt.NDArray[Any]) -> bool:
    """Whether a key column holds text labels (checked here) rather than numbers or dates."""
    return values.dtype.kind in "USO"
