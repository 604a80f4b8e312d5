"""The ticket lifecycle as data (工单流转规则): states, and transitions with guards, loaded from TOML."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from jiesu._frozen import FrozenMap
from jiesu._loader import BOOL, STR, TEXT, Doc, Reader, Table, parse_toml, read_toml
from jiesu.errors import RuleError, TransitionError, ValidationError
from jiesu.model._duration import Duration
from jiesu.model._enums import TimeUnit
from jiesu.model._events import EVENT_TYPES, Event

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from importlib.resources.abc import Traversable
    from pathlib import Path

    import pendulum

    from jiesu.model._ticket import Ticket

STAY: Final = "stay"
"""The ``to`` value of a transition that keeps the state (the event attaches to the ticket)."""

ACTOR_GUARDS: Final = ("any", "lead", "handler")
"""Who may send an event: anyone, only the current lead, or the lead or a co-handler."""


class Facts(Protocol):
    """What a guard may read about a ticket (the running fold of its events)."""

    @property
    def lead(self) -> str | None:
        """The current lead unit."""

    @property
    def co_handlers(self) -> tuple[str, ...]:
        """The current co-handlers."""

    @property
    def signed_at(self) -> pendulum.DateTime | None:
        """When the current lead signed, if it has."""

    @property
    def arbitrated(self) -> bool:
        """Whether the lead was pinned by arbitration."""

    @property
    def extension_pending(self) -> bool:
        """Whether an extension request awaits its decision."""

    @property
    def exclusion_pending(self) -> bool:
        """Whether an exclusion request awaits its decision."""


class Guard(Protocol):
    """A custom guard (自定义守卫): says why a ticket refuses an event, or ``None`` to let it through.

    A guard is any callable ``guard(ticket_before, event) -> str | None``. Add guards to a lifecycle with
    :meth:`Lifecycle.with_guards`; :meth:`Ticket.apply <jiesu.model.Ticket.apply>` and every replay of a
    history run them after the table's own guards, and a returned reason becomes a ``TransitionError``.
    Guards must depend only on the ticket and the event (no clock, no outside state), so that replaying a
    history gives the same answer every time.
    """

    def __call__(self, ticket: Ticket, event: Event, /) -> str | None:
        """The reason to refuse ``event`` on ``ticket`` (as it stands before the event), or ``None``."""


def _upheld(facts: Facts, event: Event) -> bool:
    del facts
    return bool(getattr(event, "upheld", False))


def _approved(facts: Facts, event: Event) -> bool:
    del facts
    return bool(getattr(event, "approved", False))


def _signed(facts: Facts, event: Event) -> bool:
    del event
    return facts.signed_at is not None


def _arbitrated(facts: Facts, event: Event) -> bool:
    del event
    return facts.arbitrated


def _new_lead(facts: Facts, event: Event) -> bool:
    lead = getattr(event, "new_lead", None) or getattr(event, "lead", None)
    return lead is not None and lead != facts.lead


def _extension_pending(facts: Facts, event: Event) -> bool:
    del event
    return facts.extension_pending


def _exclusion_pending(facts: Facts, event: Event) -> bool:
    del event
    return facts.exclusion_pending


CONDITIONS: Final[Mapping[str, Callable[[Facts, Event], bool]]] = {
    "upheld": _upheld,
    "approved": _approved,
    "signed": _signed,
    "arbitrated": _arbitrated,
    "new_lead": _new_lead,
    "extension_pending": _extension_pending,
    "exclusion_pending": _exclusion_pending,
}
"""The named conditions a transition's ``when`` may use (prefix ``!`` to negate).

- ``upheld``: the event upholds (a return decision); ``approved``: the event approves (an extension or
  exclusion decision);
- ``signed``: the current lead has signed; ``arbitrated``: the lead was pinned by arbitration;
- ``new_lead``: the event names a lead other than the current one;
- ``extension_pending`` / ``exclusion_pending``: a request awaits its decision.
"""


def _holds(condition: str, facts: Facts, event: Event) -> bool:
    negated = condition.startswith("!")
    return CONDITIONS[condition.lstrip("!")](facts, event) is not negated


@attrs.frozen
class State:
    """A state of the lifecycle (工单状态).

    Attributes:
        name: The state's code, e.g. ``"handling"``.
        label: Its Chinese label, e.g. ``"办理中"``.
        open: Whether a ticket in this state is still open (未办结) or closed (已办结).
    """

    name: str
    label: str
    open: bool


WINDOW_MILESTONES: Final = (
    "first_dispatched_at",
    "dispatched_at",
    "signed_at",
    "first_contact_at",
    "replied_at",
    "closed_at",
)
"""The milestones a transition's time window may start at (the ticket properties of the same names)."""


@attrs.frozen
class Window:
    """A time window guard (时间窗口): the event must come within ``duration`` after the ``since`` milestone.

    Only natural hours and days are allowed here: windows in working time need the working calendar
    (``jiesu.calendar``), which the model does not depend on.

    Attributes:
        since: The milestone, one of :data:`WINDOW_MILESTONES`.
        duration: The natural duration.
    """

    since: str
    duration: Duration

    def deadline(self, start: pendulum.DateTime) -> pendulum.DateTime:
        """The latest allowed time (截止时间) for a window starting at ``start``.

        Examples:
            >>> import pendulum
            >>> w = Window("dispatched_at", Duration.parse("2d"))
            >>> w.deadline(pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")).isoformat()
            '2025-03-05T09:00:00+08:00'
        """
        hours = self.duration.amount * (24 if self.duration.unit is TimeUnit.NATURAL_DAYS else 1)
        return start.add(seconds=round(hours * 3600))


@attrs.frozen
class Transition:
    """One row of the transition table (流转规则): from states, on an event kind, to a state, with guards.

    Attributes:
        from_states: The states the row applies in.
        event: The event kind, e.g. ``"sign_for"``.
        to: The next state, or :data:`STAY` to keep the state.
        actor: Who may send it: ``"any"``, ``"lead"`` or ``"handler"`` (lead or co-handler).
        when: Named conditions (see :data:`CONDITIONS`), all of which must hold; ``!`` negates.
        requires: Event fields that must be non-empty.
        source: Where the rule comes from.
        within: A time window: the event must come no later than a natural duration after a milestone.
    """

    from_states: tuple[str, ...]
    event: str
    to: str
    actor: str = "any"
    when: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    source: str = ""
    within: Window | None = None

    def target(self, state: str) -> str:
        """The target state (目标状态) after this row fires in ``state``."""
        return state if self.to == STAY else self.to


def _index(transitions: tuple[Transition, ...]) -> dict[tuple[str, str], tuple[Transition, ...]]:
    index: dict[tuple[str, str], list[Transition]] = {}
    for row in transitions:
        for state in row.from_states:
            index.setdefault((state, row.event), []).append(row)
    return {key: tuple(rows) for key, rows in index.items()}


def _to_guards(value: object) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError("must be (event kind, guard) pairs", field="guards", value=value)
    return tuple(value)


def _guards_check(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]
) -> None:
    del instance
    for item in value:
        if not (isinstance(item, tuple) and len(item) == 2):  # noqa: PLR2004 - a pair
            raise ValidationError(
                "must be (event kind, guard) pairs", field=attribute.name, value=item
            )
        kind, guard = item
        if kind not in EVENT_TYPES:
            raise ValidationError(
                f"unknown event kind; allowed: {', '.join(EVENT_TYPES)}",
                field=attribute.name,
                value=kind,
            )
        if not callable(guard):
            raise ValidationError(
                "must be callable (ticket, event) -> str | None",
                field=f"{attribute.name}[{kind!r}]",
                value=guard,
            )


def _guard_list(kind: str, value: object) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(
            "must be a guard or a sequence of guards", field=f"guards[{kind!r}]", value=value
        )
    return tuple(value)


@attrs.frozen(repr=False)
class Lifecycle:
    """A city's ticket lifecycle (工单生命周期): the transition table as data.

    Load the bundled preset with :meth:`preset` or a user's own file with :meth:`from_toml`. The format
    is the one of the bundled ``lifecycle-beijing.toml`` (documented in *Model and lifecycle*).

    Attributes:
        name: The lifecycle's name, e.g. ``"beijing"``.
        title: A human title.
        source: The sources it cites.
        initial: The state of a ticket with no events.
        states: The states, in file order.
        transitions: The rows of the table, in file order.
        guards: Custom guards as ``(event kind, guard)`` pairs, run in order after the table's own guards
            (see :meth:`with_guards`; empty for a table loaded from TOML).

    Examples:
        >>> bj = Lifecycle.preset("beijing")
        >>> bj
        Lifecycle('beijing')
        >>> bj.events_from("dispatched")[:3]
        ('sign_for', 'return_request', 'arbitration')
        >>> bj.state("tracking").label
        '挂账'
    """

    name: str
    title: str
    source: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    guards: tuple[tuple[str, Guard], ...] = attrs.field(
        default=(), converter=_to_guards, validator=_guards_check
    )
    _index: Mapping[tuple[str, str], tuple[Transition, ...]] = attrs.field(
        init=False, eq=False, hash=False
    )
    _states: Mapping[str, State] = attrs.field(init=False, eq=False, hash=False)
    _guards: Mapping[str, tuple[Guard, ...]] = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        """Index the table by (state, event kind), and the custom guards by event kind."""
        object.__setattr__(self, "_index", FrozenMap(_index(self.transitions)))
        object.__setattr__(self, "_states", FrozenMap({s.name: s for s in self.states}))
        guards: dict[str, tuple[Guard, ...]] = {}
        for kind, guard in self.guards:
            guards[kind] = (*guards.get(kind, ()), guard)
        object.__setattr__(self, "_guards", FrozenMap(guards))

    def __repr__(self) -> str:
        """Show the lifecycle by name."""
        return f"Lifecycle({self.name!r})"

    @classmethod
    def preset(cls, name: str) -> Lifecycle:
        """Load a bundled lifecycle preset (预置流转规则) by name; cached.

        Args:
            name: The preset's name; bundled: ``"beijing"``.

        Raises:
            RuleError: No preset has this name.
        """
        return _preset(name)

    @classmethod
    def from_toml(cls, path: str | Path) -> Lifecycle:
        """Load a lifecycle from a TOML file (从文件加载流转规则) in the format of the bundled presets.

        Args:
            path: The file.

        Raises:
            DataFileError: The file is unreadable, not UTF-8 or not TOML, or has unknown keys or bad
                values; every problem is listed as ``file:line: key: reason (got value)``.
        """
        return _parse(read_toml(path))

    @classmethod
    def from_toml_text(cls, text: str | bytes, *, where: str = "<text>") -> Lifecycle:
        """Load a lifecycle from TOML text or UTF-8 bytes (从文本加载流转规则), naming it ``where`` in errors."""
        return _parse(parse_toml(text, source=where))

    def with_guards(
        self, guards: Mapping[str, Guard | Iterable[Guard]], *, name: str | None = None
    ) -> Lifecycle:
        """This lifecycle with custom guards added (添加自定义守卫), e.g. rules that need the calendar.

        The table stays as it is; each guard runs, for events of its kind, after the table's own guards
        (actor, conditions, window, required fields) pass, and in the order given. A guard is a callable
        ``guard(ticket_before, event) -> str | None`` (see :class:`Guard`): a string is the reason to
        refuse. The model stays free of the calendar: working-time windows and return policies are
        guards written elsewhere (``jiesu.routing.ReturnPolicy.lifecycle``).

        A guarded lifecycle is not a bundled preset: it gets its own name (default: this one's name plus
        ``"+guards"``), and reading a serialized ticket of it needs ``loads(..., lifecycle=...)``.

        Args:
            guards: For each event kind, a guard or a sequence of guards.
            name: The new lifecycle's name; not the name of a bundled preset.

        Returns:
            A new lifecycle; this one is unchanged.

        Raises:
            ValidationError: An unknown event kind, or a guard that is not callable.
            RuleError: ``name`` is empty or a bundled preset's name.

        Examples:
            >>> from jiesu.model import ReturnRequest
            >>> def no_weekend(ticket, event):
            ...     return "returns are refused on weekends" if event.at.day_of_week >= 6 else None
            >>> bj = Lifecycle.preset("beijing").with_guards({"return_request": no_weekend})
            >>> bj, bj.guards_for("return_request") == (no_weekend,), bj.guards_for("sign_for")
            (Lifecycle('beijing+guards'), True, ())
        """
        if not isinstance(guards, Mapping):
            raise ValidationError(
                "must be a mapping of event kind to guard(s)", field="guards", value=guards
            )
        added: list[tuple[str, Guard]] = []
        for kind, value in guards.items():
            many = (value,) if callable(value) else _guard_list(kind, value)
            added.extend((kind, guard) for guard in many)
        new_name = name if name is not None else self.name + ("" if self.guards else "+guards")
        if not new_name:
            raise RuleError("must be a non-empty string", field="name", value=new_name)
        if _is_preset(new_name):
            raise RuleError(
                "a lifecycle with custom guards cannot take a bundled preset's name",
                field="name",
                value=new_name,
            )
        return attrs.evolve(self, name=new_name, guards=(*self.guards, *added))

    def guards_for(self, event: str) -> tuple[Guard, ...]:
        """The custom guards (自定义守卫) for an event kind, in order (empty when none)."""
        return self._guards.get(event, ())

    def state(self, name: str) -> State:
        """The state (状态) called ``name``.

        Raises:
            RuleError: The lifecycle has no such state.
        """
        try:
            return self._states[name]
        except KeyError:
            raise RuleError(
                f"unknown state of lifecycle {self.name!r}", field="state", value=name
            ) from None

    def events_from(self, state: str) -> tuple[str, ...]:
        """The event kinds (可接受事件) some row allows in ``state``, in table order."""
        kinds = (row.event for row in self.transitions if state in row.from_states)
        return tuple(dict.fromkeys(kinds))

    def rows(self, state: str, event: str) -> tuple[Transition, ...]:
        """The rows (规则行) for ``(state, event kind)``, in table order (empty when not allowed)."""
        return self._index.get((state, event), ())

    def select(self, state: str, facts: Facts, event: Event) -> Transition:
        """Select the row (匹配规则) that fires for ``event`` in ``state``, after checking its guards.

        Args:
            state: The ticket's current state.
            facts: What the ticket knows so far (its current lead, whether it was signed...).
            event: The new event.

        Raises:
            TransitionError: No row allows the event, its conditions do not hold, the actor may not send
                it, or a required field is empty.
        """
        rows = self.rows(state, event.kind)
        if not rows:
            allowed = ", ".join(self.events_from(state)) or "none"
            raise TransitionError(f"allowed here: {allowed}", state=state, event=event.kind)
        for row in rows:
            if all(_holds(c, facts, event) for c in row.when):
                _check_guards(row, state, facts, event)
                return row
        wanted = " or ".join("[" + ", ".join(row.when) + "]" for row in rows)
        raise TransitionError(f"conditions not met; needs {wanted}", state=state, event=event.kind)


def _check_guards(row: Transition, state: str, facts: Facts, event: Event) -> None:
    actor = getattr(event, "actor", None)
    if row.actor == "lead" and (actor is None or actor != facts.lead):
        raise TransitionError(
            f"only the current lead {facts.lead!r} may send it (actor {actor!r})",
            state=state,
            event=event.kind,
        )
    if row.actor == "handler" and (
        actor is None or (actor != facts.lead and actor not in facts.co_handlers)
    ):
        raise TransitionError(
            f"only the lead or a co-handler may send it (actor {actor!r})",
            state=state,
            event=event.kind,
        )
    if row.within is not None:
        _check_window(row.within, state, facts, event)
    for name in row.requires:
        if getattr(event, name) in (None, ""):
            raise TransitionError(f"field {name!r} is required", state=state, event=event.kind)


def _check_window(window: Window, state: str, facts: Facts, event: Event) -> None:
    start = getattr(facts, window.since)
    if start is None:
        raise TransitionError(
            f"its time window starts at {window.since}, which has not happened",
            state=state,
            event=event.kind,
        )
    deadline = window.deadline(start)
    if event.at > deadline:
        raise TransitionError(
            f"only allowed within {window.duration} after {window.since} ({start.isoformat()}); "
            f"at {event.at.isoformat()} is later than {deadline.isoformat()}",
            state=state,
            event=event.kind,
        )


def _presets_folder() -> Traversable:
    return resources.files("jiesu.model") / "presets"


def _is_preset(name: str) -> bool:
    return (_presets_folder() / f"lifecycle-{name}.toml").is_file()


@functools.cache
def _preset(name: str) -> Lifecycle:
    folder = _presets_folder()
    file = folder / f"lifecycle-{name}.toml"
    if not file.is_file():
        known = sorted(
            p.name.removeprefix("lifecycle-").removesuffix(".toml")
            for p in folder.iterdir()
            if p.name.startswith("lifecycle-")
        )
        raise RuleError(
            f"unknown lifecycle preset; known: {', '.join(known)}", field="preset", value=name
        )
    return _parse(read_toml(file, source=f"lifecycle-{name}.toml"))


# ---------------------------------------------------------------------------------------------------
# Parsing and checking a lifecycle file


_LIFECYCLE_KEYS: Final = ("lifecycle", "states", "transitions")
_HEAD_KEYS: Final = ("name", "title", "source", "initial")
_STATE_KEYS: Final = ("label", "open")
_ROW_KEYS: Final = ("from", "event", "to", "actor", "when", "requires", "source", "within")
_WINDOW_KEYS: Final = ("since", "duration")


def _parse(doc: Doc) -> Lifecycle:
    reader = Reader(doc)
    root = reader.root()
    root.check_keys(_LIFECYCLE_KEYS, required=_LIFECYCLE_KEYS)
    head = root.table("lifecycle")
    head.check_keys(_HEAD_KEYS, required=("name", "initial"))
    states = _states(root.table("states"))
    names = {s.name for s in states}
    initial = head.get(
        "initial", TEXT, "", check=lambda v: None if v in names or not names else "unknown state"
    )
    transitions = [_transition(row, names) for row in root.tables("transitions")]
    name = head.get("name", TEXT, "")
    title = head.get("title", STR, "")
    source = head.get("source", STR, "")
    reader.raise_if_any()
    return Lifecycle(
        name=name,
        title=title,
        source=source,
        initial=initial,
        states=states,
        transitions=tuple(t for t in transitions if t is not None),
    )


def _states(table: Table) -> tuple[State, ...]:
    states = []
    for name, spec in table.items():
        if name == STAY:
            table.problem(name, f"{STAY!r} is reserved", name)
        state = table.reader.table(table.at(name), spec)
        state.check_keys(_STATE_KEYS, required=("open",))
        states.append(
            State(name=name, label=state.get("label", STR, name), open=state.get("open", BOOL))
        )
    if not states and not table.broken and "states" in table.reader.doc.data:
        table.problem(None, "must name at least one state", table.data)
    return tuple(states)


def _to_state(states: set[str]) -> Callable[[str], str | None]:
    known = f"unknown state (or {STAY!r})"
    return lambda value: None if not states or value in states or value == STAY else known


def _one_of(allowed: Collection[str], message: str) -> Callable[[str], str | None]:
    return lambda value: None if value in allowed else message


def _transition(table: Table, states: set[str]) -> Transition | None:
    table.check_keys(_ROW_KEYS, required=("from", "event", "to"))
    from_states = tuple(table.each("from", TEXT))
    for i, state in enumerate(from_states):
        if state and states and state not in states:
            table.reader.problem((*table.at("from"), i), "unknown state", state)
    if "from" in table and not from_states and not table.reader.problems:
        table.problem("from", "must name at least one state", table.data["from"])
    kinds = f"unknown event kind; allowed: {', '.join(EVENT_TYPES)}"
    event = table.get("event", TEXT, "", check=_one_of(EVENT_TYPES, kinds))
    fields = {f.name for f in attrs.fields(EVENT_TYPES[event])} if event in EVENT_TYPES else set()
    to = table.get("to", TEXT, STAY, check=_to_state(states))
    actors = f"must be one of {', '.join(ACTOR_GUARDS)}"
    actor = table.get("actor", STR, "any", check=_one_of(ACTOR_GUARDS, actors))
    if actor in ACTOR_GUARDS and actor != "any" and fields and "actor" not in fields:
        table.problem("actor", f"event {event!r} has no actor", actor)
    when = tuple(table.each("when", TEXT))
    for i, condition in enumerate(when):
        if condition and condition.lstrip("!") not in CONDITIONS:
            table.reader.problem(
                (*table.at("when"), i),
                f"unknown condition; known: {', '.join(CONDITIONS)}",
                condition,
            )
    requires = tuple(table.each("requires", TEXT))
    for i, name in enumerate(requires):
        if fields and name and (name not in fields or name == "at"):
            table.reader.problem(
                (*table.at("requires"), i), f"event {event!r} has no such field", name
            )
    within = _window(table.table("within")) if "within" in table else None
    source = table.get("source", STR, "")
    if table.reader:
        return None
    return Transition(
        within=within,
        from_states=from_states,
        event=event,
        to=to,
        actor=actor,
        when=when,
        requires=requires,
        source=source,
    )


def _natural(duration: Duration) -> Duration:
    if duration.unit not in (TimeUnit.NATURAL_HOURS, TimeUnit.NATURAL_DAYS):
        raise ValidationError(
            "must be in natural hours or days (working time needs jiesu.calendar)",
            field="duration",
            value=str(duration),
        )
    return duration


def _window(table: Table) -> Window | None:
    table.check_keys(_WINDOW_KEYS, required=_WINDOW_KEYS)
    milestones = f"must be one of {', '.join(WINDOW_MILESTONES)}"
    since = table.get("since", STR, "", check=_one_of(WINDOW_MILESTONES, milestones))
    duration = table.convert("duration", STR, lambda text: _natural(Duration.parse(text)))
    if duration is None or since not in WINDOW_MILESTONES:
        return None
    return Window(since, duration)
