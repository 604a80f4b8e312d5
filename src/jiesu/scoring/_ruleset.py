"""Dated rules (分期考评规则): the rules in force for each period, with no overlap and no gap."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import attrs

from jiesu.errors import RuleError
from jiesu.scoring._rules import Rules

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["RuleSet"]

_PERIOD: Final = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _next(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def _sorted(rules: tuple[Rules, ...] | list[Rules]) -> tuple[Rules, ...]:
    for i, r in enumerate(rules):
        if r.effective_from is None:
            raise RuleError(
                "every member of a rule set needs effective_from", field=f"rules[{i}]", value=r.name
            )
    return tuple(sorted(rules, key=lambda r: str(r.effective_from)))


@attrs.frozen
class RuleSet:
    """Rules that change over time (分期规则): each period is scored by the rules in force then.

    Each member carries ``effective_from`` (and, except the last, ``effective_to``); consecutive members
    must meet exactly: an overlap or a gap is a :class:`~jiesu.errors.RuleError` naming both.

    Attributes:
        rules: The members, earliest first.

    Examples:
        >>> import attrs
        >>> early = attrs.evolve(Rules.preset("beijing-2021"), effective_from="2021-01", effective_to="2024-12")
        >>> late = attrs.evolve(Rules.preset("beijing-2025"), effective_from="2025-01")
        >>> rules = RuleSet((late, early))
        >>> rules.in_force("2024-12").name, rules.which("2025-03")
        ('beijing-2021', 'beijing-2025 (2025-01..)')
    """

    rules: tuple[Rules, ...] = attrs.field(converter=_sorted)

    def __attrs_post_init__(self) -> None:
        """Refuse an empty set, overlapping or gapped dates."""
        if not self.rules:
            raise RuleError("a rule set needs at least one rules", field="rules", value=())
        for a, b in zip(self.rules, self.rules[1:], strict=False):
            if a.effective_to is None or a.effective_to >= (b.effective_from or ""):
                raise RuleError(
                    f"overlaps {b.name!r} from {b.effective_from}",
                    field=f"{a.name}.effective_to",
                    value=a.effective_to,
                )
            if _next(a.effective_to) != b.effective_from:
                raise RuleError(
                    f"leaves a gap before {b.name!r} from {b.effective_from}",
                    field=f"{a.name}.effective_to",
                    value=a.effective_to,
                )

    @classmethod
    def from_toml(cls, *paths: str | Path) -> RuleSet:
        """Load a set from rules files (规则文件), each with ``effective_from``/``effective_to``.

        Raises:
            RuleError: A file is wrong, or the dates overlap or leave a gap.
        """
        return cls(tuple(Rules.from_toml(p) for p in paths))

    def in_force(self, period: str) -> Rules:
        """The rules in force (现行规则) for a period ``YYYY-MM``.

        Raises:
            RuleError: The period is malformed, or no member covers it.
        """
        if not _PERIOD.match(str(period)):
            raise RuleError("must be a period written YYYY-MM", field="period", value=period)
        for member in self.rules:
            start, end = str(member.effective_from), member.effective_to
            if start <= period and (end is None or period <= end):
                return member
        first, last = self.rules[0], self.rules[-1]
        raise RuleError(
            f"no rules in force; the set covers {first.effective_from}..{last.effective_to or ''}",
            field="period",
            value=period,
        )

    def which(self, period: str) -> str:
        """Which rules score a period, as ``name (from..to)``."""
        member = self.in_force(period)
        return f"{member.name} ({member.effective_from}..{member.effective_to or ''})"
