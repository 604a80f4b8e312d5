"""Return policies (退单规则): who may return a ticket, within which window, and what arbitration fixes."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import pendulum

from jiesu._loader import BOOL, INT, STR, STRS, Reader, Table, read_toml, suggest
from jiesu.calendar import WorkCalendar
from jiesu.errors import RuleError, TransitionError, ValidationError
from jiesu.model import DEFAULT_TZ, Event, Lifecycle, ReturnRequest, Ticket

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["ReturnCheck", "ReturnGuard", "ReturnPolicy"]

WindowStart = Literal["dispatch", "sign_for"]
_STARTS: Final = ("dispatch", "sign_for")
_PRESETS: Final = "returns.toml"


@functools.cache
def _china() -> WorkCalendar:
    return WorkCalendar.china()


@functools.cache
def _presets() -> Mapping[str, ReturnPolicy]:
    """The bundled policies by name, read once (a read-only mapping: cached values stay values)."""
    file = importlib.resources.files("jiesu.routing").joinpath("presets", _PRESETS)
    doc = read_toml(file, source=f"presets/{_PRESETS}")
    reader = Reader(doc)
    root = reader.root()
    policies = {name: _policy(root.table(name), name) for name in root}
    reader.raise_if_any()
    return MappingProxyType(policies)


@attrs.frozen
class ReturnCheck:
    """The answer of :meth:`ReturnPolicy.check` (退单审核结果): allowed, or why not.

    A check is truthy when the return is allowed.

    Attributes:
        allowed: Whether the return may go ahead to review.
        code: ``"ok"``, ``"arbitrated"``, ``"not_dispatched"``, ``"not_lead"``, ``"reason_missing"``,
            ``"reason_not_allowed"``, ``"too_many_returns"`` or ``"window_passed"``.
        reason_zh: The answer in Chinese.
        reason_en: The answer in English.
        deadline: The end of the return window (exclusive, Asia/Shanghai), if a window applies.
        keeps: The unit that keeps the ticket when the return is refused.
    """

    allowed: bool
    code: str
    reason_zh: str
    reason_en: str
    deadline: pendulum.DateTime | None = None
    keeps: str | None = None

    def __bool__(self) -> bool:
        """Whether the return is allowed."""
        return self.allowed


def _non_negative_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            "must be a non-negative integer or None", field=attribute.name, value=value
        )


def _start_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value not in _STARTS:
        raise ValidationError("must be 'dispatch' or 'sign_for'", field=attribute.name, value=value)


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValidationError("must be a list of strings", field="allowed_reasons", value=value)
    if not all(isinstance(v, str) for v in value):
        raise ValidationError("must be a list of strings", field="allowed_reasons", value=value)
    return tuple(value)


@attrs.frozen
class ReturnPolicy:
    """A return policy as data (退单规则): window, reasons, limits, arbiter, and what a late unit gets.

    Presets (:meth:`preset`): ``"beijing"`` (1 working day from dispatch — assumed), ``"shandong"``
    (≤ 2 working days, reason required — [SD-2020]), ``"lvliang"`` (≤ 1 working day; a unit that does not
    return in time becomes the first-handling unit and keeps the ticket — [LL-2024]). Each preset lists
    its assumed keys in ``assumed``.

    The window: a return is in time when it arrives before the end of the ``window_workdays``-th working
    day after the local (Asia/Shanghai) date of the start event — the latest dispatch (so a re-dispatch
    opens a new window for the new lead) or, with ``window_from="sign_for"``, the lead's sign-for (no
    window runs before it). Working days come from :class:`jiesu.calendar.WorkCalendar`.

    Arbitration (审定) pins the lead: after an ``Arbitration`` event every later return is refused.

    Attributes:
        name: The preset or policy name.
        window_workdays: The window in working days, ``None`` for no window.
        window_from: ``"dispatch"`` or ``"sign_for"``.
        reason_required: Whether a return must state a reason.
        allowed_reasons: The accepted reasons (empty: any stated reason).
        max_returns: The most returns a ticket may have, ``None`` for no limit.
        clock_restarts: Whether a re-dispatch restarts the handling clock for the new lead.
        arbiter: Who rules finally on a disputed routing (审定).
        after_window: What happens when the window passes (the unit keeps the ticket).
        source: The text the values come from.
        assumed: The keys whose values are assumed, not from a primary text.

    Examples:
        >>> policy = ReturnPolicy.preset("shandong")
        >>> policy.window_workdays, policy.reason_required, "window_from" in policy.assumed
        (2, True, True)
    """

    name: str
    window_workdays: int | None = attrs.field(default=None, validator=_non_negative_or_none)
    window_from: WindowStart = attrs.field(default="dispatch", validator=_start_check)
    reason_required: bool = True
    allowed_reasons: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    max_returns: int | None = attrs.field(default=None, validator=_non_negative_or_none)
    clock_restarts: bool = True
    arbiter: str = "hotline"
    after_window: str = "the unit keeps the ticket"
    source: str | None = None
    assumed: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    @classmethod
    def presets(cls) -> tuple[str, ...]:
        """The names of the bundled presets (预置规则)."""
        return tuple(_presets())

    @classmethod
    def preset(cls, name: str) -> ReturnPolicy:
        """A bundled preset (预置退单规则): ``"beijing"``, ``"shandong"`` or ``"lvliang"``.

        Raises:
            RuleError: Unknown preset name (the message lists the known ones).
        """
        presets = _presets()
        if name not in presets:
            raise RuleError(
                f"unknown return policy preset; known: {', '.join(presets)}",
                field="preset",
                value=name,
            )
        return presets[name]

    @classmethod
    def from_toml(cls, path: str | Path, *, name: str) -> ReturnPolicy:
        """Load the policy table ``[name]`` from a TOML file in the preset format (读取退单规则).

        Raises:
            DataFileError: The file cannot be read, is not UTF-8 or not TOML, lacks the table, or has
                unknown keys or bad values; every problem is listed as ``file:line: key: reason (got value)``.
        """
        reader = Reader(read_toml(path))
        root = reader.root()
        if name not in root and not reader:
            root.problem(name, f"no such policy table; tables: {', '.join(root) or 'none'}", name)
        policy = _policy(root.table(name), name)
        reader.raise_if_any()
        return policy

    def deadline(
        self, ticket: Ticket, *, calendar: WorkCalendar | None = None
    ) -> pendulum.DateTime | None:
        """The end of the ticket's return window (退单时限, exclusive), or ``None`` when no window runs.

        Args:
            ticket: The ticket.
            calendar: The working calendar (default: :meth:`WorkCalendar.china`).

        Raises:
            CalendarCoverageError: The window falls outside the calendar's covered years.
        """
        if self.window_workdays is None:
            return None
        start = ticket.dispatched_at
        if self.window_from == "sign_for":
            signed = ticket.signed_at
            start = signed if signed is not None and start is not None and signed >= start else None
        if start is None:
            return None
        cal = calendar or _china()
        last = cal.add_workdays(start.in_timezone(DEFAULT_TZ).date(), self.window_workdays)
        nxt = last + dt.timedelta(days=1)
        return pendulum.datetime(nxt.year, nxt.month, nxt.day, tz=DEFAULT_TZ)

    def check(  # noqa: PLR0911 - one return per documented check, in order
        self, ticket: Ticket, request: ReturnRequest, *, calendar: WorkCalendar | None = None
    ) -> ReturnCheck:
        """Say whether ``request`` may return ``ticket`` (可否退单), or why not.

        Checked in order: arbitration (the lead is pinned), a current lead, the requester is the lead,
        the reason (required / allowed), the number of earlier returns, the window.

        Args:
            ticket: The ticket as it stands before the request.
            request: The return request.
            calendar: The working calendar (default: :meth:`WorkCalendar.china`).

        Returns:
            The check; truthy when allowed.

        Raises:
            ValidationError: ``ticket`` is not a Ticket or ``request`` not a ReturnRequest.
            CalendarCoverageError: The window falls outside the calendar's covered years.
        """
        if not isinstance(ticket, Ticket):
            raise ValidationError("must be a Ticket", field="ticket", value=type(ticket).__name__)
        if not isinstance(request, ReturnRequest):
            raise ValidationError(
                "must be a ReturnRequest", field="request", value=type(request).__name__
            )
        lead = ticket.lead
        if ticket.arbitrated:
            return self._no(
                "arbitrated",
                "已审定，主办单位锁定，不得再退单",
                "arbitrated: the lead is pinned and no return is accepted",
                lead,
            )
        if lead is None:
            return self._no(
                "not_dispatched",
                "工单尚未派出，无可退之单",
                "the ticket has not been dispatched",
                None,
            )
        if request.actor != lead:
            return self._no(
                "not_lead",
                f"只有主办单位 {lead} 可以退单",
                f"only the lead unit {lead} may return the ticket",
                lead,
            )
        reason = (request.reason or "").strip()
        if self.reason_required and not reason:
            return self._no(
                "reason_missing", "退单须说明理由", "a return must state its reason", lead
            )
        if self.allowed_reasons and reason not in self.allowed_reasons:
            return self._no(
                "reason_not_allowed",
                f"退单理由不在允许范围内：{reason}",
                f"the reason is not one of the allowed reasons: {reason}",
                lead,
            )
        if self.max_returns is not None and ticket.return_count >= self.max_returns:
            return self._no(
                "too_many_returns",
                f"已退单 {ticket.return_count} 次，达到上限 {self.max_returns}",
                f"{ticket.return_count} returns already; the limit is {self.max_returns}",
                lead,
            )
        due = self.deadline(ticket, calendar=calendar)
        if due is not None and request.at >= due:
            return attrs.evolve(
                self._no(
                    "window_passed",
                    f"超过退单时限（{self.window_workdays} 个工作日，截至 "
                    f"{due.to_datetime_string()}），{self.after_window}",
                    f"the return window ({self.window_workdays} working days, until "
                    f"{due.to_iso8601_string()}) has passed: {self.after_window}",
                    lead,
                ),
                deadline=due,
            )
        return ReturnCheck(
            allowed=True,
            code="ok",
            reason_zh="可以退单，交由热线审核",
            reason_en="the return may go to review",
            deadline=due,
            keeps=None,
        )

    def guard(self, calendar: WorkCalendar | None = None) -> ReturnGuard:
        """This policy as a lifecycle guard (退单守卫) for ``return_request`` events.

        Pass it to :meth:`jiesu.model.Lifecycle.with_guards` under ``"return_request"``, or use
        :meth:`lifecycle`, which does that.

        Args:
            calendar: The working calendar (default: :meth:`WorkCalendar.china`).

        Examples:
            >>> from jiesu.model import Lifecycle
            >>> guard = ReturnPolicy.preset("shandong").guard()
            >>> Lifecycle.preset("beijing").with_guards({"return_request": guard})
            Lifecycle('beijing+guards')
        """
        return ReturnGuard(self, calendar)

    def lifecycle(
        self,
        base: Lifecycle | None = None,
        *,
        calendar: WorkCalendar | None = None,
        name: str | None = None,
    ) -> Lifecycle:
        """A lifecycle that enforces this policy on every return request (带退单规则的流转规则).

        Tickets built on it refuse a return the policy refuses — in :meth:`Ticket.apply
        <jiesu.model.Ticket.apply>`, in :meth:`Ticket.from_events <jiesu.model.Ticket.from_events>` and
        when a serialized ticket is read back with ``loads(..., lifecycle=...)``. The table's own guards
        run first; the policy's refusal reads ``return policy '<name>': <reason>``. A late return is
        refused and the unit keeps the ticket.

        Args:
            base: The lifecycle to guard (default: the ``beijing`` preset).
            calendar: The working calendar (default: :meth:`WorkCalendar.china`).
            name: The guarded lifecycle's name (default: ``"<base>+returns-<policy>"``).

        Raises:
            RuleError: ``name`` is a bundled preset's name.

        Examples:
            >>> ReturnPolicy.preset("shandong").lifecycle()
            Lifecycle('beijing+returns-shandong')
        """
        base = base if base is not None else Lifecycle.preset("beijing")
        return base.with_guards(
            {"return_request": self.guard(calendar)},
            name=name if name is not None else f"{base.name}+returns-{self.name}",
        )

    def apply(
        self, ticket: Ticket, request: ReturnRequest, *, calendar: WorkCalendar | None = None
    ) -> Ticket:
        """Check ``request`` and apply it to ``ticket`` (退单校验后流转): the policy as a lifecycle guard.

        Returns:
            The new ticket.

        Raises:
            TransitionError: The policy refuses the return (its English reason in the message), or the
                lifecycle refuses the event.
        """
        refusal = self.guard(calendar)(ticket, request)
        if refusal is not None:
            raise TransitionError(refusal, state=ticket.state, event="return_request")
        return ticket.apply(request)

    @staticmethod
    def _no(code: str, zh: str, en: str, keeps: str | None) -> ReturnCheck:
        return ReturnCheck(allowed=False, code=code, reason_zh=zh, reason_en=en, keeps=keeps)


@attrs.frozen
class ReturnGuard:
    """A return policy as a lifecycle guard (退单守卫): refuses the returns the policy refuses.

    Call it as ``guard(ticket_before, event)``: ``None`` when the policy allows the return (and for any
    event that is not a return request), otherwise ``"return policy '<name>': <reason>"`` with the
    policy's English reason. Build it with :meth:`ReturnPolicy.guard`.

    Attributes:
        policy: The return policy.
        calendar: The working calendar (``None``: :meth:`WorkCalendar.china`).
    """

    policy: ReturnPolicy
    calendar: WorkCalendar | None = None

    def __call__(self, ticket: Ticket, event: Event, /) -> str | None:
        """The reason the policy refuses ``event`` on ``ticket`` (before the event), or ``None``.

        Raises:
            CalendarCoverageError: The window falls outside the calendar's covered years.
        """
        if not isinstance(event, ReturnRequest):
            return None
        verdict = self.policy.check(ticket, event, calendar=self.calendar)
        return None if verdict else f"return policy {self.policy.name!r}: {verdict.reason_en}"


_POLICY_KEYS: Final = (
    "window_workdays",
    "window_from",
    "reason_required",
    "allowed_reasons",
    "max_returns",
    "clock_restarts",
    "arbiter",
    "after_window",
    "source",
    "assumed",
)


def _count(value: int) -> str | None:
    return None if value >= 0 else "must be a non-negative integer"


def _policy(table: Table, name: str) -> ReturnPolicy:
    """Read one policy table (the keys of :class:`ReturnPolicy` but ``name``)."""
    table.check_keys(_POLICY_KEYS)
    start = table.get(
        "window_from",
        STR,
        "dispatch",
        check=lambda v: None if v in _STARTS else "must be 'dispatch' or 'sign_for'",
    )
    assumed = table.get("assumed", STRS, ())
    for i, key in enumerate(assumed):
        if key not in _POLICY_KEYS:
            table.reader.problem((*table.at("assumed"), i), suggest(key, _POLICY_KEYS), key)
    fields: dict[str, Any] = {
        "window_workdays": table.get("window_workdays", INT, None, check=_count),
        "window_from": start,
        "reason_required": table.get("reason_required", BOOL, True),
        "allowed_reasons": table.get("allowed_reasons", STRS, ()),
        "max_returns": table.get("max_returns", INT, None, check=_count),
        "clock_restarts": table.get("clock_restarts", BOOL, True),
        "arbiter": table.get("arbiter", STR, "hotline"),
        "after_window": table.get("after_window", STR, "the unit keeps the ticket"),
        "source": table.get("source", STR, None),
        "assumed": assumed,
    }
    if table.reader:
        return ReturnPolicy(name=name)
    return ReturnPolicy(name=name, **fields)
