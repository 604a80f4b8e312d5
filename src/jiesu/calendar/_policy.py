"""Deadline policies (时限规则) as data: per kind and urgency, the limits of each milestone."""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import attrs

from jiesu._loader import (
    BOOL,
    INT,
    NUMBER,
    STR,
    STRS,
    Doc,
    Reader,
    Table,
    parse_toml,
    read_toml,
    suggest,
)
from jiesu.calendar import _bulk
from jiesu.calendar._clock import Clock, ClockStatus, clock, convert
from jiesu.errors import JiesuError, RuleError, ValidationError
from jiesu.model import Duration, Kind, Reopen, Ticket, Urgency

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    import pendulum

    from jiesu.calendar._calendar import WorkCalendar
    from jiesu.calendar._clock import SlaTable

__all__ = ["MILESTONES", "PRESETS", "DeadlinePolicy", "Limit"]

MILESTONES: Final = (
    "dispatch",
    "sign_for",
    "first_contact",
    "reply",
    "return_window",
    "callback",
    "rehandle",
)
"""The milestones a policy can limit (节点): 派单, 签收, 首次联系, 答复, 退单时限, 回访, 重办."""

PRESETS: Final = ("beijing", "jinan", "lvliang", "shandong", "shanghai-street")
"""The bundled policy presets, from DOMAIN §3."""

_STARTS: Final = {
    "dispatch": ("intake",),
    "sign_for": ("dispatch",),
    "first_contact": ("dispatch", "sign_for"),
    "reply": ("dispatch", "sign_for"),
    "return_window": ("dispatch", "sign_for"),
    "callback": ("reply",),
    "rehandle": ("reopen",),
}
_HANDLING: Final = ("reply", "rehandle")  # clocks that extensions lengthen and pauses (挂账) stop
_WINDOWS: Final = ("return_window",)  # windows close (CLOSED) instead of going overdue


def _to_duration(value: object) -> Duration:
    if isinstance(value, Duration):
        return value
    return Duration.parse(value)


def _to_kinds(value: object) -> tuple[Kind, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError("must be a list of kinds", field="kinds", value=value)
    return tuple(Kind.parse(v, field="kinds") for v in value)


def _to_urgencies(value: object) -> tuple[Urgency, ...]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError("must be a list of urgencies", field="urgencies", value=value)
    return tuple(Urgency.parse(v, field="urgencies") for v in value)


def _milestone(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value not in MILESTONES:
        raise ValidationError(
            f"must be one of {', '.join(MILESTONES)}", field=attribute.name, value=value
        )


def _starts_at(instance: Limit, attribute: attrs.Attribute[Any], value: object) -> None:
    allowed = _STARTS[instance.milestone]
    if value not in allowed:
        raise ValidationError(
            f"for {instance.milestone!r} must be one of {', '.join(allowed)}",
            field=attribute.name,
            value=value,
        )


@attrs.frozen
class Limit:
    """One time limit of a policy (时限条目): a milestone, the kinds and urgencies it applies to, a duration.

    Attributes:
        milestone: One of :data:`MILESTONES`.
        duration: The limit (natural or working hours or days).
        starts_at: The event that starts the clock (``dispatch`` or ``sign_for``; ``intake`` for dispatch,
            ``reply`` for callback, ``reopen`` for rehandle).
        kinds: The kinds it applies to; empty means every kind.
        urgencies: The urgencies it applies to; empty means every urgency.
        warn_before: How long before due a clock is "due soon"; ``None`` uses the policy's fraction.
        assumed: Whether the value is assumed rather than read in the source.
        note: Where the value comes from.
    """

    milestone: str = attrs.field(validator=_milestone)
    duration: Duration = attrs.field(converter=_to_duration)
    starts_at: str = attrs.field(validator=_starts_at)
    kinds: tuple[Kind, ...] = attrs.field(default=(), converter=_to_kinds)
    urgencies: tuple[Urgency, ...] = attrs.field(default=(), converter=_to_urgencies)
    warn_before: Duration | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_duration)
    )
    assumed: bool = False
    note: str = ""

    def applies(self, kind: Kind, urgency: Urgency) -> bool:
        """Whether this limit applies (是否适用) to a ticket of ``kind`` and ``urgency``."""
        return (not self.kinds or kind in self.kinds) and (
            not self.urgencies or urgency in self.urgencies
        )


@attrs.frozen
class DeadlinePolicy:
    """A deadline policy (时限规则): limits per milestone, kind and urgency, as data with its source.

    For each milestone the first limit that applies to the ticket's kind and urgency is used, so presets list
    specific entries before general ones.

    Attributes:
        name: The preset name.
        title: A descriptive title.
        source: The sources, by key (DOMAIN §3).
        limits: The limits, most specific first.
        restart_on_redispatch: Whether a re-dispatch after an upheld return (改派) restarts the clocks that
            start at dispatch or sign-for; otherwise they run from the first dispatch.
        warn_fraction: "Due soon" threshold as a fraction of the limit, where a limit has no ``warn_before``.
        assumed: Which policy-level values are assumed (``restart_on_redispatch``, ``warn_fraction``).
        max_extension: The longest single extension allowed (延期上限), if the source sets one.
        max_extension_count: How many extensions a ticket may get, if the source sets a number.
        max_extension_total: The longest total of extensions, if the source sets one.

    Examples:
        >>> policy = DeadlinePolicy.preset("shandong")
        >>> policy.limit("reply", "complaint", "normal").duration
        Duration(amount=5, unit=<TimeUnit.WORKING_DAYS: 'working_days'>)
    """

    name: str
    title: str
    source: str
    limits: tuple[Limit, ...]
    restart_on_redispatch: bool = True
    warn_fraction: float = 0.2
    assumed: tuple[str, ...] = ()
    max_extension: Duration | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_duration)
    )
    max_extension_count: int | None = None
    max_extension_total: Duration | None = attrs.field(
        default=None, converter=attrs.converters.optional(_to_duration)
    )

    @classmethod
    def preset(cls, name: str) -> DeadlinePolicy:
        """A bundled preset (预设): ``beijing``, ``shandong``, ``jinan``, ``lvliang`` or ``shanghai-street``.

        Raises:
            RuleError: Unknown preset name.
        """
        if name not in PRESETS:
            raise RuleError(
                f"unknown deadline preset; choose one of {', '.join(PRESETS)}",
                field="preset",
                value=name,
            )
        return _preset(name)

    @classmethod
    def from_toml(cls, path: str | Path) -> DeadlinePolicy:
        """Read a policy from a TOML file (读取时限规则), in the presets' layout.

        Raises:
            DataFileError: The file is unreadable, not UTF-8 or not TOML, or has unknown keys or bad
                values; every problem is listed as ``file:line: key: reason (got value)``.
        """
        return _read(read_toml(path))

    @classmethod
    def from_text(cls, text: str | bytes, source: str = "<text>") -> DeadlinePolicy:
        r"""Read a policy from TOML text or UTF-8 bytes (解析时限规则); ``source`` names it in errors.

        Examples:
            >>> from jiesu.errors import DataFileError
            >>> try:
            ...     DeadlinePolicy.from_text('name = "x"\nsource = "y"\nwarn_fracton = 0.3', "p.toml")
            ... except DataFileError as err:
            ...     print(err.lines()[0][:70])
            p.toml:3: warn_fracton: unknown key 'warn_fracton'; did you mean 'warn
        """
        return _read(parse_toml(text, source=source))

    def limit(self, milestone: str, kind: Kind | str, urgency: Urgency | str) -> Limit | None:
        """The limit (时限) for a milestone, kind and urgency, or ``None`` when the policy sets none."""
        k, u = Kind.parse(kind, field="kind"), Urgency.parse(urgency, field="urgency")
        return next((x for x in self.limits if x.milestone == milestone and x.applies(k, u)), None)

    def extension_problems(
        self, extensions: Sequence[Duration], calendar: WorkCalendar
    ) -> tuple[str, ...]:
        """What in a ticket's approved extensions exceeds the policy (延期超限), empty when nothing does.

        Lengths are compared in the cap's unit (converted within a family; see
        :func:`~jiesu.calendar.convert`).

        Examples:
            >>> from jiesu.calendar import WorkCalendar
            >>> policy = DeadlinePolicy.preset("lvliang")
            >>> policy.extension_problems([Duration.parse("3wd")] * 4, WorkCalendar.china())
            ('4 extensions, more than the 3 allowed',)
        """
        problems = []
        count = self.max_extension_count
        if count is not None and len(extensions) > count:
            problems.append(f"{len(extensions)} extensions, more than the {count} allowed")
        if self.max_extension is not None:
            cap = self.max_extension
            problems += [
                f"extension {i + 1} of {e} is longer than {cap}"
                for i, e in enumerate(extensions)
                if convert(e, cap.unit, calendar) > cap.amount
            ]
        if self.max_extension_total is not None:
            cap = self.max_extension_total
            total = sum(convert(e, cap.unit, calendar) for e in extensions)
            if total > cap.amount:
                problems.append(f"extensions add up to {total:g} {cap.unit.label}, more than {cap}")
        return tuple(problems)

    def clocks(
        self, ticket: Ticket, calendar: WorkCalendar, *, now: dt.datetime
    ) -> dict[str, Clock]:
        """A ticket's clocks (工单时限), computed from its events.

        A clock appears once its start event has happened. The reply (and rehandle) clock is lengthened by
        the ticket's approved extensions and stopped by its tracked pauses (挂账), measured in the limit's
        unit; pauses are read from the whole history, so switching policy keeps the pause accumulated so far.
        With ``restart_on_redispatch`` the clocks starting at dispatch run from the latest effective
        dispatch (改派); otherwise from the first. A return window that passed without a return request is
        ``CLOSED`` (the unit keeps the ticket), not overdue.

        Args:
            ticket: The ticket.
            calendar: The working calendar.
            now: The instant the statuses are taken at.

        Returns:
            Milestone name → :class:`Clock`.

        Examples:
            >>> import pendulum
            >>> from jiesu.calendar import WorkCalendar
            >>> from jiesu.model import Complaint, Dispatch, Intake, Reply, SignFor, Ticket
            >>> t0 = pendulum.datetime(2025, 9, 29, 9, tz="Asia/Shanghai")
            >>> c = Complaint("C1", t0, "phone", "complaint", "normal", "01.02.03")
            >>> t = Ticket(c).apply(Intake(t0)).apply(Dispatch(t0.add(hours=1), "S01", ()))
            >>> t = t.apply(SignFor(t0.add(hours=2), "S01"))
            >>> clocks = DeadlinePolicy.preset("shandong").clocks(t, WorkCalendar.china(), now=t0.add(days=3))
            >>> clocks["reply"].due.isoformat(), clocks["reply"].status.value
            ('2025-10-14T00:00:00+08:00', 'pending')
        """
        if not isinstance(ticket, Ticket):
            raise ValidationError("must be a Ticket", field="ticket", value=ticket)
        complaint = ticket.complaint
        result: dict[str, Clock] = {}
        for milestone in MILESTONES:
            limit = self.limit(milestone, complaint.kind, complaint.urgency)
            if limit is None:
                continue
            start = self._start(ticket, limit.starts_at)
            if start is None:
                continue
            handling = milestone in _HANDLING
            result[milestone] = found = clock(
                calendar,
                start,
                limit.duration,
                now=now,
                extensions=ticket.extensions if handling else (),
                pauses=ticket.pauses if handling else (),
                stop=_stop(ticket, milestone, start),
                warn_before=limit.warn_before,
                warn_fraction=self.warn_fraction,
                milestone=milestone,
            )
            if milestone in _WINDOWS and found.status is ClockStatus.OVERDUE:
                result[milestone] = attrs.evolve(found, status=ClockStatus.CLOSED)
        return result

    def clocks_many(
        self, tickets: Iterable[Ticket], calendar: WorkCalendar, *, now: dt.datetime
    ) -> dict[str, SlaTable]:
        """The clocks of many tickets (批量工单时限): milestone → :class:`SlaTable`, one row per ticket.

        Row ``i`` of each table equals :meth:`clocks` of ticket ``i``; an empty row (status ``""``, due
        ``NaT``, amounts ``NaN``) where that clock has not started. See :func:`~jiesu.calendar.sla_frame`
        for a ticket table.

        Raises:
            ValidationReport: Every item that is not a :class:`~jiesu.model.Ticket`.

        Examples:
            >>> import pendulum
            >>> from jiesu.calendar import WorkCalendar
            >>> from jiesu.model import example_tickets
            >>> policy, cal = DeadlinePolicy.preset("shandong"), WorkCalendar.china()
            >>> now = pendulum.datetime(2025, 12, 1, tz="Asia/Shanghai")
            >>> tables = policy.clocks_many(example_tickets(), cal, now=now)
            >>> len(tables["reply"]) == len(example_tickets())
            True
            >>> one = policy.clocks(example_tickets()[2], cal, now=now)
            >>> str(tables["reply"].status[2]) == one["reply"].status.value
            True
        """
        return _bulk.clocks_many(self, tickets, calendar, now=now)

    def _start(self, ticket: Ticket, event: str) -> pendulum.DateTime | None:
        if event == "intake":
            return ticket.complaint.received_at
        if event == "dispatch":
            return (
                ticket.dispatched_at if self.restart_on_redispatch else ticket.first_dispatched_at
            )
        if event == "sign_for":
            return ticket.signed_at
        if event == "reply":
            return ticket.replied_at
        return _last_reopen(ticket)


def _last_reopen(ticket: Ticket) -> pendulum.DateTime | None:
    reopens = [e.at for e in ticket.events if isinstance(e, Reopen)]
    return reopens[-1] if reopens else None


def _after(value: pendulum.DateTime | None, start: pendulum.DateTime) -> pendulum.DateTime | None:
    return value if value is not None and value >= start else None


def _stop(ticket: Ticket, milestone: str, start: pendulum.DateTime) -> pendulum.DateTime | None:
    if milestone == "dispatch":
        return ticket.first_dispatched_at
    if milestone == "sign_for":
        return _after(ticket.signed_at, start)
    if milestone == "first_contact":
        return _after(ticket.first_contact_at, start)
    if milestone in ("reply", "rehandle"):
        return _after(ticket.replied_at, start)
    if milestone == "return_window":
        return next((r.at for r in ticket.returns if r.at >= start), None)
    return _after(ticket.callback.at, start) if ticket.callback is not None else None


@functools.cache
def _preset(name: str) -> DeadlinePolicy:
    file = resources.files("jiesu.calendar") / "presets" / f"{name}.toml"
    return _read(read_toml(file, source=f"{name}.toml"))


_POLICY_KEYS: Final = (
    "name",
    "title",
    "source",
    "limits",
    "restart_on_redispatch",
    "warn_fraction",
    "assumed",
    "max_extension",
    "max_extension_count",
    "max_extension_total",
)
_LIMIT_KEYS: Final = (
    "milestone",
    "duration",
    "starts_at",
    "kinds",
    "urgencies",
    "warn_before",
    "assumed",
    "note",
)


def _read(doc: Doc) -> DeadlinePolicy:
    reader = Reader(doc)
    root = reader.root()
    root.check_keys(_POLICY_KEYS, required=("name", "source"))
    name = root.get("name", STR, "")
    fraction = root.get("warn_fraction", NUMBER, 0.2)
    if not 0 <= fraction < 1:
        root.problem("warn_fraction", "must be at least 0 and less than 1", fraction)
    count = root.get("max_extension_count", INT, None)
    if count is not None and count < 0:
        root.problem("max_extension_count", "must not be negative", count)
    assumed = root.get("assumed", STRS, ())
    for i, key in enumerate(assumed):
        if key not in _POLICY_KEYS and key not in _LIMIT_KEYS:
            reader.problem(("assumed", i), suggest(key, _POLICY_KEYS), key)
    fields: dict[str, Any] = {
        "name": name,
        "title": root.get("title", STR, name),
        "source": root.get("source", STR, ""),
        "restart_on_redispatch": root.get("restart_on_redispatch", BOOL, True),
        "warn_fraction": fraction,
        "assumed": assumed,
        "max_extension": root.convert("max_extension", STR, Duration.parse),
        "max_extension_count": count,
        "max_extension_total": root.convert("max_extension_total", STR, Duration.parse),
    }
    limits = [_limit(table) for table in root.tables("limits")]
    reader.raise_if_any()
    return DeadlinePolicy(limits=tuple(x for x in limits if x is not None), **fields)


def _limit(table: Table) -> Limit | None:
    table.check_keys(_LIMIT_KEYS, required=("milestone", "duration", "starts_at"))
    fields: dict[str, Any] = {
        "milestone": table.get("milestone", STR, ""),
        "starts_at": table.get("starts_at", STR, ""),
        "duration": table.convert("duration", STR, Duration.parse),
        "kinds": table.convert("kinds", STRS, _to_kinds) or (),
        "urgencies": table.convert("urgencies", STRS, _to_urgencies) or (),
        "warn_before": table.convert("warn_before", STR, Duration.parse),
        "assumed": table.get("assumed", BOOL, False),
        "note": table.get("note", STR, ""),
    }
    if table.reader:
        return None
    try:
        return Limit(**fields)
    except JiesuError as exc:
        table.problem(exc.field, exc.reason, exc.value)
        return None
