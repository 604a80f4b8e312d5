"""The ticket (工单): a complaint and its history of events; every other fact is derived from them."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from jiesu.errors import RuleError, TransitionError, ValidationError
from jiesu.model._base import Complaint
from jiesu.model._events import (
    EVENT_TYPES,
    AnsweredAtIntake,
    Arbitration,
    Callback,
    Dispatch,
    Event,
    ExclusionDecision,
    ExclusionRequest,
    ExtensionDecision,
    ExtensionRequest,
    FirstContact,
    Merge,
    NotDispatched,
    Reopen,
    Reply,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Supervision,
    TrackingStart,
    TrackingStop,
    Whistle,
    WhistleRating,
    WhistleReport,
)
from jiesu.model._lifecycle import Lifecycle, Transition

if TYPE_CHECKING:
    from collections.abc import Callable

    import pendulum

    from jiesu.model._duration import Duration
    from jiesu.model._enums import DispatchMode, NotDispatchedClass
    from jiesu.model._lifecycle import Guard

_EVENT_CLASSES = tuple(EVENT_TYPES.values())


@attrs.define
class Fold:
    """The running summary of a ticket's events (事件折叠结果), recomputed from the history, never stored.

    Read it through :class:`Ticket`'s properties; guards of a :class:`Lifecycle` read it too. A fold is
    private working state: :func:`step` updates it in place.
    """

    state: str
    last_at: pendulum.DateTime | None = None
    answered_at_intake: bool = False
    not_dispatched: NotDispatchedClass | None = None
    lead: str | None = None
    co_handlers: tuple[str, ...] = ()
    dispatch_mode: DispatchMode | None = None
    first_dispatched_at: pendulum.DateTime | None = None
    dispatched_at: pendulum.DateTime | None = None
    signed_at: pendulum.DateTime | None = None
    first_contact_at: pendulum.DateTime | None = None
    replied_at: pendulum.DateTime | None = None
    closed_at: pendulum.DateTime | None = None
    returns: tuple[ReturnRequest, ...] = ()
    arbitrated: bool = False
    extension_pending: bool = False
    extensions: tuple[Duration, ...] = ()
    pauses: tuple[tuple[pendulum.DateTime, pendulum.DateTime | None], ...] = ()
    callback: Callback | None = None
    reopen_count: int = 0
    merged_into: str | None = None
    exclusion_pending: bool = False
    exclusion: ExclusionDecision | None = None
    supervisions: tuple[Supervision, ...] = ()
    whistles: tuple[Whistle, ...] = ()
    whistle_reports: tuple[WhistleReport, ...] = ()
    whistle_ratings: tuple[WhistleRating, ...] = ()


_Summons = tuple[Whistle, str, WhistleReport | None]
"""One department summoned by one whistle (一次吹哨召集), with the report that answered it, if any."""


def _summons(
    whistles: tuple[Whistle, ...], reports: tuple[WhistleReport, ...]
) -> tuple[_Summons, ...]:
    """Each (whistle, department) summons with its report, in whistle order, then department order.

    A report carries no whistle: a department's reports answer its summonses first come, first served
    (its first report the first whistle that summoned it, and so on). A ticket accepts a report only
    while the department has a summons left to answer, so each answered summons comes before its report.
    """
    by_unit: dict[str, list[WhistleReport]] = {}
    for report in reports:
        by_unit.setdefault(report.actor, []).append(report)
    seen: dict[str, int] = {}
    out: list[_Summons] = []
    for whistle in whistles:
        for unit in whistle.departments:
            k = seen.get(unit, 0)
            seen[unit] = k + 1
            answers = by_unit.get(unit, ())
            out.append((whistle, unit, answers[k] if k < len(answers) else None))
    return tuple(out)


def _whistle_refusal(fold: Fold, event: Event) -> str | None:
    """Why a report or rating does not fit the ticket's whistles, or ``None`` (for every lifecycle)."""
    if isinstance(event, WhistleReport):
        mine = [
            answer
            for _, unit, answer in _summons(fold.whistles, fold.whistle_reports)
            if unit == event.actor
        ]
        if not mine:
            return f"actor {event.actor!r} was not summoned by an earlier whistle of this ticket"
        if None not in mine:
            return f"actor {event.actor!r} has already reported to each of its {len(mine)} summons"
    elif isinstance(event, WhistleRating):
        answered = {
            (whistle.actor, unit)
            for whistle, unit, answer in _summons(fold.whistles, fold.whistle_reports)
            if answer is not None
        }
        pair = (event.rater, event.ratee)
        if pair not in answered and pair[::-1] not in answered:
            return (
                f"rater {event.rater!r} and ratee {event.ratee!r} are not a whistling unit and a "
                "department that reported to it"
            )
        if any((r.rater, r.ratee) == pair for r in fold.whistle_ratings):
            return f"rater {event.rater!r} has already rated ratee {event.ratee!r} on this ticket"
    return None


def _redispatch(
    fold: Fold, at: pendulum.DateTime, lead: str, co_handlers: tuple[str, ...]
) -> dict[str, Any]:
    changes: dict[str, Any] = {"lead": lead, "co_handlers": co_handlers}
    if lead != fold.lead:
        changes.update(dispatched_at=at, signed_at=None, first_contact_at=None)
    return changes


def _effects(fold: Fold, event: Event) -> dict[str, Any]:  # noqa: C901, PLR0911, PLR0912 - one branch per event kind
    """The derived facts an event changes, whatever the lifecycle's states are called."""
    match event:
        case AnsweredAtIntake():
            return {"answered_at_intake": True}
        case NotDispatched():
            return {"not_dispatched": event.cls}
        case Dispatch():
            return {
                "lead": event.lead,
                "co_handlers": event.co_handlers,
                "dispatch_mode": event.mode,
                "first_dispatched_at": fold.first_dispatched_at or event.at,
                "dispatched_at": event.at,
                "signed_at": None,
                "first_contact_at": None,
            }
        case SignFor():
            return {"signed_at": event.at}
        case ReturnRequest():
            return {"returns": (*fold.returns, event)}
        case ReturnDecision() if event.new_lead is not None:
            return _redispatch(fold, event.at, event.new_lead, event.co_handlers)
        case Arbitration():
            return {
                "arbitrated": True,
                **_redispatch(fold, event.at, event.lead, event.co_handlers),
            }
        case FirstContact() if fold.first_contact_at is None:
            return {"first_contact_at": event.at}
        case ExtensionRequest():
            return {"extension_pending": True}
        case ExtensionDecision():
            granted = (event.duration,) if event.duration is not None else ()
            return {"extension_pending": False, "extensions": fold.extensions + granted}
        case TrackingStart():
            return {"pauses": (*fold.pauses, (event.at, None))}
        case TrackingStop() if fold.pauses:
            start, _ = fold.pauses[-1]
            return {"pauses": (*fold.pauses[:-1], (start, event.at))}
        case Supervision():
            return {"supervisions": (*fold.supervisions, event)}
        case Whistle():
            return {"whistles": (*fold.whistles, event)}
        case WhistleReport():
            return {"whistle_reports": (*fold.whistle_reports, event)}
        case WhistleRating():
            return {"whistle_ratings": (*fold.whistle_ratings, event)}
        case Reply():
            return {"replied_at": event.at}
        case Callback():
            return {"callback": event}
        case Reopen():
            return {"reopen_count": fold.reopen_count + 1}
        case Merge():
            return {"merged_into": event.into}
        case ExclusionRequest():
            return {"exclusion_pending": True}
        case ExclusionDecision():
            return {
                "exclusion_pending": False,
                "exclusion": event if event.approved else fold.exclusion,
            }
        case _:
            return {}


def step(
    lifecycle: Lifecycle,
    fold: Fold,
    event: Event,
    received_at: pendulum.DateTime,
    ticket_before: Callable[[], Ticket],
) -> Transition:
    """Apply one event to a fold in place: check time order and the lifecycle's guards, then derive facts.

    The table's guards run first, then the whistle-and-report checks every lifecycle shares (a report
    answers a summons of an earlier whistle, once; a rating is between a whistling unit and a department
    that reported to it, once per pair), then the lifecycle's custom guards for the event's kind, which
    read the ticket as it stands before the event (``ticket_before()``, built only when such a guard
    exists). The fold is unchanged when the event is refused.

    Returns:
        The row of the table that fired.

    Raises:
        TransitionError: The event goes back in time, the lifecycle refuses it, or a whistle report or
            rating does not fit the ticket's whistles.
        RuleError: A custom guard returned something other than ``None`` or a non-empty string.
    """
    if not isinstance(event, _EVENT_CLASSES):
        raise ValidationError("must be a ticket event", field="event", value=event)
    before = fold.last_at or received_at
    if event.at < before:
        what = "the previous event" if fold.last_at is not None else "the complaint's received_at"
        raise TransitionError(
            f"at {event.at.isoformat()} is earlier than {what} ({before.isoformat()})",
            state=fold.state,
            event=event.kind,
        )
    row = lifecycle.select(fold.state, fold, event)
    refusal = _whistle_refusal(fold, event)
    if refusal is not None:
        raise TransitionError(refusal, state=fold.state, event=event.kind)
    guards = lifecycle.guards_for(event.kind)
    if guards:
        _run_guards(guards, ticket_before(), fold.state, event)
    state = row.target(fold.state)
    changes = _effects(fold, event)
    was_open = lifecycle.state(fold.state).open
    now_open = lifecycle.state(state).open
    if was_open and not now_open:
        fold.closed_at = event.at
    elif now_open:
        fold.closed_at = None
    fold.state = state
    fold.last_at = event.at
    for name, value in changes.items():
        setattr(fold, name, value)
    return row


def _run_guards(guards: tuple[Guard, ...], ticket: Ticket, state: str, event: Event) -> None:
    for guard in guards:
        reason: object = guard(ticket, event)  # checked: a guard is user code
        if reason is None:
            continue
        if not isinstance(reason, str) or not reason:
            raise RuleError(
                "a guard must return None or a non-empty reason",
                field=f"guards[{event.kind!r}]",
                value=reason,
            )
        raise TransitionError(reason, state=state, event=event.kind)


def _prefix(
    complaint: Complaint, events: tuple[Event, ...], count: int, lifecycle: Lifecycle, fold: Fold
) -> Ticket:
    """The ticket of the first ``count`` events, whose fold is ``fold`` (copied: it keeps changing)."""
    return _trusted(complaint, events[:count], lifecycle, copy.copy(fold))


def _trusted(
    complaint: Complaint, events: tuple[Event, ...], lifecycle: Lifecycle, fold: Fold
) -> Ticket:
    """A ticket whose history was already checked and folded into ``fold`` (no replay)."""
    ticket: Ticket = object.__new__(Ticket)
    object.__setattr__(ticket, "complaint", complaint)
    object.__setattr__(ticket, "events", events)
    object.__setattr__(ticket, "lifecycle", lifecycle)
    object.__setattr__(ticket, "_fold", fold)
    return ticket


def _default_lifecycle() -> Lifecycle:
    return Lifecycle.preset("beijing")


def _to_events(value: object) -> tuple[Event, ...]:
    if not isinstance(value, Iterable) or isinstance(value, (str, bytes)):
        raise ValidationError("must be a sequence of events", field="events", value=value)
    return tuple(value)


def _complaint_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, Complaint):
        raise ValidationError("must be a Complaint", field=attribute.name, value=value)


def _lifecycle_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, Lifecycle):
        raise ValidationError("must be a Lifecycle", field=attribute.name, value=value)


def fold_events(
    complaint: Complaint, events: tuple[Event, ...], lifecycle: Lifecycle
) -> tuple[Fold, tuple[str, ...]]:
    """The fold of ``events`` and the state after each event."""
    fold = Fold(state=lifecycle.initial)
    states = []
    done = 0

    def ticket_before() -> Ticket:  # built only for an event with custom guards
        return _prefix(complaint, events, done, lifecycle, fold)

    for done, event in enumerate(events):  # noqa: B007 - ticket_before reads done
        step(lifecycle, fold, event, complaint.received_at, ticket_before)
        states.append(fold.state)
    return fold, tuple(states)


@attrs.frozen
class Ticket:
    """A ticket (工单): the complaint, its history of events, and the lifecycle that governs it.

    Constructing a ticket replays its events through the lifecycle, so a ticket always holds a valid
    history. Every fact below (state, lead, milestones, returns, pauses...) is recomputed from the events;
    nothing is stored beside them. Change a ticket with :meth:`apply`, which returns a new ticket.

    Attributes:
        complaint: The request as recorded at intake (诉求).
        events: The history (流转记录), in time order.
        lifecycle: The transition table (default: the ``beijing`` preset).

    Examples:
        >>> import pendulum
        >>> from jiesu.model import Complaint, Dispatch, Intake, SignFor
        >>> t0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
        >>> c = Complaint("C1", t0, "phone", "complaint", "normal", "01.02.03")
        >>> t = Ticket(c).apply(Intake(t0)).apply(Dispatch(t0.add(minutes=20), "S01", ["D07"]))
        >>> t.state, t.lead, t.co_handlers
        ('dispatched', 'S01', ('D07',))
        >>> t.apply(SignFor(t0.add(minutes=30), "D07"))
        Traceback (most recent call last):
        ...
        jiesu.errors.TransitionError: event 'sign_for' is not allowed in state 'dispatched': only the current lead 'S01' may send it (actor 'D07')
        >>> t.apply(SignFor(t0.add(minutes=30), "S01")).signed_at.isoformat()
        '2025-03-03T09:30:00+08:00'
    """  # noqa: E501 - the doctest shows the whole message

    complaint: Complaint = attrs.field(validator=_complaint_check)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_to_events)
    lifecycle: Lifecycle = attrs.field(
        factory=_default_lifecycle, validator=_lifecycle_check, repr=False
    )
    _fold: Fold = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Replay the events through the lifecycle (raises ``TransitionError`` on a bad history)."""
        fold, _ = fold_events(self.complaint, self.events, self.lifecycle)
        object.__setattr__(self, "_fold", fold)

    @classmethod
    def from_events(
        cls,
        complaint: Complaint,
        events: Iterable[Event],
        lifecycle: Lifecycle | None = None,
    ) -> Ticket:
        """Rebuild a ticket from a complaint and its history (由事件重建工单), as the constructor does.

        Args:
            complaint: The request.
            events: Its events in time order.
            lifecycle: The transition table (default: the ``beijing`` preset).

        Raises:
            TransitionError: Some event is refused in the state the earlier ones lead to.
        """
        return cls(complaint, tuple(events), lifecycle or _default_lifecycle())

    def apply(self, event: Event) -> Ticket:
        """Apply an event (流转): return a new ticket with ``event`` appended; the old one is unchanged.

        Raises:
            TransitionError: The current state refuses the event (named with state and event), a guard
                fails (actor, required field, conditions, window, then the lifecycle's custom guards
                with their reason), or the event is earlier than the last one.
        """
        fold = copy.copy(self._fold)
        step(self.lifecycle, fold, event, self.complaint.received_at, self._me)
        return _trusted(self.complaint, (*self.events, event), self.lifecycle, fold)

    def transition_for(self, event: Event) -> Transition:
        """The lifecycle row (流转规则) that ``event`` would fire, without applying it.

        Raises:
            TransitionError: The ticket would refuse the event (see :meth:`apply`).

        Examples:
            >>> import pendulum
            >>> from jiesu.model import Complaint, Intake
            >>> t0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
            >>> t = Ticket(Complaint("C1", t0, "phone", "complaint", "normal", "01.02.03"))
            >>> t.transition_for(Intake(t0)).to
            'received'
        """
        return step(
            self.lifecycle, copy.copy(self._fold), event, self.complaint.received_at, self._me
        )

    def _me(self) -> Ticket:
        return self

    def history(self) -> tuple[tuple[Event, str], ...]:
        """Each event with the state it led to (流转记录), in order.

        Examples:
            >>> from jiesu.model import example_tickets
            >>> [state for _, state in example_tickets()[0].history()]
            ['received', 'answered', 'archived']
        """
        _, states = fold_events(self.complaint, self.events, self.lifecycle)
        return tuple(zip(self.events, states, strict=True))

    @property
    def id(self) -> str:
        """The ticket's id (工单编号), the complaint's id."""
        return self.complaint.id

    @property
    def state(self) -> str:
        """The current state's code (当前状态), e.g. ``"handling"``."""
        return self._fold.state

    @property
    def state_label(self) -> str:
        """The current state's Chinese label, e.g. ``"办理中"``."""
        return self.lifecycle.state(self._fold.state).label

    @property
    def is_open(self) -> bool:
        """Whether the ticket is open (未办结) in its lifecycle's coarse categories."""
        return self.lifecycle.state(self._fold.state).open

    @property
    def answered_at_intake(self) -> bool:
        """Whether it was answered on the spot (即时答复), never dispatched."""
        return self._fold.answered_at_intake

    @property
    def not_dispatched(self) -> NotDispatchedClass | None:
        """The class under which it was not dispatched (不予派单类别), if so."""
        return self._fold.not_dispatched

    @property
    def lead(self) -> str | None:
        """The current lead unit's code (主办单位), after returns and arbitration."""
        return self._fold.lead

    @property
    def co_handlers(self) -> tuple[str, ...]:
        """The current co-handlers' codes (协办单位)."""
        return self._fold.co_handlers

    @property
    def dispatch_mode(self) -> DispatchMode | None:
        """How the latest dispatch was made (派单方式), if dispatched."""
        return self._fold.dispatch_mode

    @property
    def first_dispatched_at(self) -> pendulum.DateTime | None:
        """When it was first dispatched (首次派单时间)."""
        return self._fold.first_dispatched_at

    @property
    def dispatched_at(self) -> pendulum.DateTime | None:
        """When the current lead received it (latest effective dispatch or re-dispatch, 改派)."""
        return self._fold.dispatched_at

    @property
    def signed_at(self) -> pendulum.DateTime | None:
        """When the current lead signed for it (签收时间); reset by a re-dispatch to another lead."""
        return self._fold.signed_at

    @property
    def first_contact_at(self) -> pendulum.DateTime | None:
        """When the current lead first contacted the citizen (首次联系时间)."""
        return self._fold.first_contact_at

    @property
    def replied_at(self) -> pendulum.DateTime | None:
        """When the unit last replied (答复时间)."""
        return self._fold.replied_at

    @property
    def closed_at(self) -> pendulum.DateTime | None:
        """When it last entered a closed state (办结时间); ``None`` while open."""
        return self._fold.closed_at

    @property
    def returns(self) -> tuple[ReturnRequest, ...]:
        """Every return request (退单申请), in order."""
        return self._fold.returns

    @property
    def return_count(self) -> int:
        """How many times a unit asked to return it (退单次数)."""
        return len(self._fold.returns)

    @property
    def arbitrated(self) -> bool:
        """Whether the lead was pinned by arbitration (已裁定)."""
        return self._fold.arbitrated

    @property
    def extensions(self) -> tuple[Duration, ...]:
        """The approved extensions (已批准延期), in order."""
        return self._fold.extensions

    @property
    def pauses(self) -> tuple[tuple[pendulum.DateTime, pendulum.DateTime | None], ...]:
        """Tracked intervals (挂账区间) ``(start, stop)``; ``stop`` is ``None`` while still tracked."""
        return self._fold.pauses

    @property
    def callback(self) -> Callback | None:
        """The latest callback (最近一次回访), if any."""
        return self._fold.callback

    @property
    def reopen_count(self) -> int:
        """How many times it was reopened (重办次数)."""
        return self._fold.reopen_count

    @property
    def merged_into(self) -> str | None:
        """The id of the ticket it was merged into (并入工单), if merged."""
        return self._fold.merged_into

    @property
    def exclusion(self) -> ExclusionDecision | None:
        """The approved exclusion (已批准剔除), if any."""
        return self._fold.exclusion

    @property
    def supervisions(self) -> tuple[Supervision, ...]:
        """Every supervision (督办), in order."""
        return self._fold.supervisions

    @property
    def whistles(self) -> tuple[Whistle, ...]:
        """Every whistle (吹哨) blown on the ticket, in order."""
        return self._fold.whistles

    @property
    def whistle_reports(self) -> tuple[WhistleReport, ...]:
        """Every department's report (报到) to a whistle, in order."""
        return self._fold.whistle_reports

    @property
    def whistle_ratings(self) -> tuple[WhistleRating, ...]:
        """Every whistle-and-report rating (吹哨报到评价), street of department and department of street."""
        return self._fold.whistle_ratings

    @property
    def whistle_summons(self) -> tuple[tuple[Whistle, str, WhistleReport | None], ...]:
        """Each department summoned by each whistle (召集), with the report that answered it or ``None``.

        In whistle order, then in the order the whistle names the departments. A report names no whistle:
        a department's reports answer its summonses first come, first served.

        Examples:
            >>> import pendulum
            >>> from jiesu.model import (Complaint, Dispatch, Intake, SignFor, Whistle, WhistleRating,
            ...                          WhistleReport)
            >>> t0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
            >>> c = Complaint("C1", t0, "phone", "complaint", "normal", "01.02.03")
            >>> t = Ticket(c, [Intake(t0), Dispatch(t0.add(hours=1), "S01"), SignFor(t0.add(hours=2), "S01"),
            ...                Whistle(t0.add(hours=3), "S01", ["D07", "D09"], "占道经营")])
            >>> t = t.apply(WhistleReport(t0.add(hours=3, minutes=20), "D07"))
            >>> [(unit, report is not None) for _, unit, report in t.whistle_summons]
            [('D07', True), ('D09', False)]
            >>> t.apply(WhistleRating(t0.add(hours=5), "S01", "D09", 4))
            Traceback (most recent call last):
            ...
            jiesu.errors.TransitionError: event 'whistle_rating' is not allowed in state 'signed': rater 'S01' and ratee 'D09' are not a whistling unit and a department that reported to it
        """  # noqa: E501 - the doctest shows the whole message
        return _summons(self._fold.whistles, self._fold.whistle_reports)

    @property
    def extension_pending(self) -> bool:
        """Whether an extension request awaits its decision (延期待审)."""
        return self._fold.extension_pending

    @property
    def exclusion_pending(self) -> bool:
        """Whether an exclusion request awaits its decision (剔除待审)."""
        return self._fold.exclusion_pending
