"""Typed errors (错误类型) raised by every public entry point of jiesu.

Every error carries the offending ``field`` and ``value`` and a message that names both. Personal data
(caller names and phone numbers) is masked before it reaches a message: pass ``personal=True`` when the
value is personal. Each concrete error also inherits the built-in exception it resembles, so callers that
catch ``ValueError`` or ``LookupError`` keep working.

Batch operations collect every failure into a :class:`ValidationReport` (row, field, value, reason) that is
raised once, or returned when the caller asks for it (``errors="collect"``).

Examples:
    >>> from jiesu.errors import ValidationError
    >>> err = ValidationError("must be an aware datetime", field="received_at", value="2025-01-01 09:00")
    >>> print(err)
    received_at: must be an aware datetime (got '2025-01-01 09:00')
    >>> isinstance(err, ValueError)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "AmbiguousRoute",
    "AmbiguousRouteError",
    "CalendarCoverageError",
    "CalendarError",
    "CoverageWarning",
    "DataFileError",
    "DataFormatError",
    "ErrorPolicy",
    "JiesuError",
    "MissingDependency",
    "MissingDependencyError",
    "NoResponsibleUnit",
    "NoResponsibleUnitError",
    "Problem",
    "RoutingError",
    "RuleError",
    "TransitionError",
    "ValidationError",
    "ValidationReport",
    "mask",
]

ErrorPolicy = Literal["raise", "collect"]
"""How a batch function treats bad rows: raise one :class:`ValidationReport`, or return it."""

_MAX_VALUE_CHARS: Final = 80
_MASK: Final = "***"


def mask(value: object) -> str:
    """Mask a personal value (脱敏) so that it can appear in messages and logs.

    Phone numbers keep their first three and last two digits; anything else keeps its first character.

    Args:
        value: The personal value.

    Returns:
        A masked string; never the original value.

    Examples:
        >>> mask("13812345678")
        '138******78'
        >>> mask("张三")
        '张***'
        >>> mask("")
        '***'
    """
    text = str(value)
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) >= 7:  # noqa: PLR2004 - shortest number worth partial masking
        return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]
    if not text:
        return _MASK
    return text[0] + _MASK


def _show(value: object, *, personal: bool) -> str:
    """Render a value for a message: masked when personal, shortened when long."""
    if personal and value is not None:
        return repr(mask(value))
    text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


class JiesuError(Exception):
    """Root of every error jiesu raises (错误).

    Args:
        reason: What is wrong, in a short phrase.
        field: The offending field, key or parameter (a dotted path where nested).
        value: The offending value.
        personal: Whether ``value`` is personal data that must be masked.

    Attributes:
        reason: What is wrong.
        field: The offending field, or ``None`` when the error concerns no single field.
        value: The offending value (masked when personal).
    """

    def __init__(
        self,
        reason: str,
        *,
        field: str | None = None,
        value: object = None,
        personal: bool = False,
    ) -> None:
        """Build the error and its message from the reason, field and value."""
        self.reason = reason
        self.field = field
        self.value: object = mask(value) if personal and value is not None else value
        self._shown = _show(value, personal=personal)
        super().__init__(self._message())

    def _message(self) -> str:
        if self.field is None:
            return self.reason
        return f"{self.field}: {self.reason} (got {self._shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by state, so that the error survives a process pool with its message and attributes."""
        return (_restore, (type(self), self.args, self.__dict__.copy()))


class ValidationError(JiesuError, ValueError):
    """A value failed validation (校验失败): wrong type, naive datetime, unknown code, empty id."""


class TransitionError(JiesuError, ValueError):
    """An event cannot be applied to a ticket in its current state (非法状态流转).

    Attributes:
        state: The ticket's state when the event arrived.
        event: The event kind that was refused.
    """

    def __init__(self, reason: str, *, state: str, event: str) -> None:
        """Build the error naming the state and the refused event."""
        self.state = state
        self.event = event
        super().__init__(
            f"event {event!r} is not allowed in state {state!r}: {reason}",
            field="event",
            value=event,
        )

    def _message(self) -> str:
        return self.reason


class CalendarError(JiesuError, ValueError):
    """A working-calendar problem (工作日历错误): bad holiday data use, bad working hours, bad duration."""


class CalendarCoverageError(CalendarError):
    """A date lies outside the years the calendar has notices for (超出日历覆盖范围).

    Attributes:
        first: The first covered date.
        last: The last covered date.
    """

    def __init__(self, value: object, *, first: object, last: object, field: str = "date") -> None:
        """Build the error naming the date and the covered range."""
        self.first = first
        self.last = last
        super().__init__(
            f"outside the calendar's covered range {first}..{last}; pass "
            "beyond_coverage='statutory' to follow the statutory holidays after the last notice, "
            "or 'weekdays' to go by weekday only",
            field=field,
            value=value,
        )


class CoverageWarning(UserWarning):
    """The calendar is used where its data is running out or was filled in (日历覆盖提示).

    Warned once per calendar: when a date from 1 November of the last notice year on is asked about
    (the next year's notice, due about then, is not bundled and can still move late December), and when a
    date past the notices is treated by weekday only (``beyond_coverage="weekdays"``: statutory holidays
    such as 元旦 count as working days there).
    """


class RoutingError(JiesuError, LookupError):
    """Routing could not settle on a responsible unit (派单失败)."""


class NoResponsibleUnitError(RoutingError):
    """No unit is responsible: no rule and no area within the allowed distance (无责任单位)."""


class AmbiguousRouteError(RoutingError):
    """More than one unit is equally responsible (责任单位不明确), e.g. a point on a border."""


class RuleError(JiesuError, ValueError):
    """A scoring or policy rule is invalid or unknown (规则错误): bad preset name, weights, caps."""


class DataFormatError(JiesuError, ValueError):
    """A file or document is malformed (数据格式错误): the field is its path (file, key or JSON path)."""


class MissingDependencyError(JiesuError, ImportError):
    """An optional dependency is not installed (缺少可选依赖); the message names the extra to install.

    Attributes:
        extra: The ``jiesu[extra]`` that provides the package.
    """

    def __init__(self, package: str, *, extra: str) -> None:
        """Build the error naming the missing package and the extra that provides it."""
        self.extra = extra
        super().__init__(
            f"this feature needs the optional package {package!r}; "
            f"install it with: pip install 'jiesu[{extra}]'",
            field="package",
            value=package,
        )

    def _message(self) -> str:
        return self.reason


@attrs.frozen
class Problem:
    """One failure in a batch (问题行): where it is, which field, what value, and why.

    Attributes:
        row: The row index (0-based) or record key in the batch; in a data file, where the problem is
            (``file:line``, or the file where a JSON path names the place).
        field: The offending field or column.
        value: The offending value (already masked when personal).
        reason: What is wrong.
    """

    row: int | str
    field: str
    value: Any
    reason: str

    def __str__(self) -> str:
        """Render as ``row N, field: reason (got value)``."""
        return (
            f"row {self.row}, {self.field}: {self.reason} (got {_show(self.value, personal=False)})"
        )

    @classmethod
    def from_error(cls, row: int | str, error: JiesuError) -> Problem:
        """Turn a raised error into a problem at ``row``.

        Args:
            row: The row index or record key.
            error: The error raised for that row.

        Returns:
            The problem, keeping the error's field, value and reason.
        """
        return cls(row=row, field=error.field or "", value=error.value, reason=error.reason)


class ValidationReport(JiesuError, ValueError):
    """Every failure of a batch (校验报告), raised once or returned with ``errors="collect"``.

    A report is falsy when it holds no problem, so ``if report:`` reads naturally.

    Args:
        problems: The failures, in row order.
        total: How many rows the batch had.

    Examples:
        >>> from jiesu.errors import Problem, ValidationReport
        >>> report = ValidationReport([Problem(3, "kind", "投拆", "unknown kind")], total=10)
        >>> print(report)
        1 of 10 rows failed validation:
          row 3, kind: unknown kind (got '投拆')
        >>> bool(report), len(report)
        (True, 1)
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], *, total: int) -> None:
        """Build the report from its problems and the batch size."""
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.total = total
        super().__init__(self._summary())

    def _summary(self) -> str:
        rows = len({p.row for p in self.problems})
        head = f"{rows} of {self.total} rows failed validation"
        if not self.problems:
            return head
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)

    def _message(self) -> str:
        return self.reason

    @property
    def rows(self) -> tuple[int | str, ...]:
        """The distinct bad rows, in order of first appearance."""
        return tuple(dict.fromkeys(p.row for p in self.problems))

    def lines(self) -> list[str]:
        """One ``row N, field: reason (got value)`` line per problem."""
        return [str(p) for p in self.problems]

    def __len__(self) -> int:
        """The number of problems."""
        return len(self.problems)

    def __bool__(self) -> bool:
        """Whether any problem was found."""
        return bool(self.problems)


def _restore(cls: type[JiesuError], args: tuple[Any, ...], state: dict[str, Any]) -> JiesuError:
    """Rebuild a pickled error from its class, its message and its attributes."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class DataFileError(DataFormatError, ValidationReport):
    """Every problem found in one data file (数据文件错误), raised at once.

    Each problem's ``row`` is where it is: ``file:line`` for TOML files, the file for JSON (whose problems
    name a JSON path as their field). The message lists one problem per line as
    ``file:line: field: reason (got value)`` (without the value when it is ``None``: a missing key). It is
    both a :class:`DataFormatError` and a :class:`ValidationReport`, so either ``except`` catches it.

    Args:
        source: The file (or text) the problems were found in.
        problems: The problems, in file order.
        total: How many entries the file has (default: how many places have a problem).

    Attributes:
        source: The file the problems were found in.
        problems: The problems, in file order.

    Examples:
        >>> from jiesu.errors import DataFileError, Problem
        >>> err = DataFileError("p.toml", [Problem("p.toml:3", "warn_fraction", "0.2x", "must be a number")])
        >>> print(err)
        p.toml:3: warn_fraction: must be a number (got '0.2x')
        >>> err.problems[0].row, isinstance(err, ValidationReport)
        ('p.toml:3', True)
    """

    def __init__(
        self, source: str, problems: Sequence[Problem], *, total: int | None = None
    ) -> None:
        """Build the error from the file and its problems."""
        self.source = source
        self.problems = tuple(problems)
        self.total = len({p.row for p in self.problems}) if total is None else total
        JiesuError.__init__(self, self._listing(), field=source)

    def _listing(self) -> str:
        lines = self.lines()
        if len(lines) == 1:
            return lines[0]
        head = f"{self.source}: {len(lines)} problems"
        return head + ":\n" + "\n".join(f"  {line}" for line in lines)

    def _message(self) -> str:
        return self.reason

    def lines(self) -> list[str]:
        """One ``file:line: field: reason (got value)`` line per problem."""
        return [
            f"{p.row}: {p.field}: {p.reason}"
            + ("" if p.value is None else f" (got {_show(p.value, personal=False)})")
            for p in self.problems
        ]


# Names used in the architecture notes, kept as aliases of the ``...Error`` classes.
AmbiguousRoute = AmbiguousRouteError
NoResponsibleUnit = NoResponsibleUnitError
MissingDependency = MissingDependencyError
