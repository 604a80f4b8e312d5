"""Seeded event histories for sample complaints (示例工单流转模拟).

Each history is one plausible life under the ``beijing`` lifecycle preset: intake, then either answered at
intake, not dispatched, or dispatched; a dispatched ticket is signed for, perhaps returned (and the return
upheld, rejected or arbitrated), contacted, perhaps extended, tracked (挂账), supervised or merged, replied,
called back once the handling limit has expired (answered, unreachable or refused, sometimes tried again),
perhaps reopened and handled again,
perhaps the subject of an exclusion request, and archived. Shares and durations are assumed; some tickets
are deliberately late (first contact after 24 hours, reply after the handling limit).
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Final

import numpy as np

from jiesu.errors import ValidationError
from jiesu.model import (
    AnsweredAtIntake,
    Arbitration,
    Archive,
    Callback,
    CallbackOutcome,
    Complaint,
    Dispatch,
    DispatchMode,
    Duration,
    ExclusionDecision,
    ExclusionRequest,
    ExtensionDecision,
    ExtensionRequest,
    FirstContact,
    Intake,
    Kind,
    Merge,
    NotDispatched,
    NotDispatchedClass,
    Reopen,
    Reply,
    ReturnDecision,
    ReturnRequest,
    Satisfaction,
    SignFor,
    Supervision,
    TimeUnit,
    TrackingStart,
    TrackingStop,
    Urgency,
    aware,
)
from jiesu.sample._complaints import check_int
from jiesu.sample._names import DISTRICT_CODE, HOTLINE_CODE

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pendulum

    from jiesu.model import Event

ANSWERED_AT_INTAKE: Final = {Kind.CONSULTATION: 0.6}
"""Share of each kind answered on the spot; other kinds: 0.03 (assumed)."""
NOT_DISPATCHED_SHARE: Final = 0.02
NOT_DISPATCHED_MIX: Final = {
    NotDispatchedClass.REPEAT: 0.40,
    NotDispatchedClass.OUTSIDE_DUTIES: 0.25,
    NotDispatchedClass.LEGAL_CHANNEL: 0.15,
    NotDispatchedClass.EMERGENCY_SERVICE: 0.10,
    NotDispatchedClass.SECRET_OR_PRIVACY: 0.05,
    NotDispatchedClass.ILLEGAL: 0.05,
}
MERGE_SHARE: Final = 0.01
RETURN_SHARE: Final = 0.08
RETURN_UPHELD_SHARE: Final = 0.5
ARBITRATION_SHARE: Final = 0.2
"""Share of rejected returns that the unit takes to arbitration (审定)."""
LATE_CONTACT_SHARE: Final = 0.05
EXTENSION_SHARE: Final = 0.06
EXTENSION_APPROVED_SHARE: Final = 0.8
TRACKING_SHARE: Final = 0.03
SUPERVISION_SHARE: Final = 0.05
LATE_REPLY_SHARE: Final = 0.10
CALLBACK_MIX: Final = {
    CallbackOutcome.ANSWERED: 0.88,
    CallbackOutcome.UNREACHABLE: 0.09,
    CallbackOutcome.REFUSED: 0.03,
}
RETRY_SHARE: Final = 0.5
"""Share of unreachable or refused callbacks tried again a day later."""
CONTACTED_SHARE: Final = 0.97
SOLVED_SHARE: Final = 0.70
SATISFACTION_IF_SOLVED: Final = (0.80, 0.15, 0.05)
SATISFACTION_IF_NOT_SOLVED: Final = (0.25, 0.20, 0.55)
"""(satisfied, basically satisfied, dissatisfied) given the answer to 是否解决 (assumed)."""
REOPEN_SHARE: Final = 0.3
"""Share of answered callbacks that are neither solved nor satisfied which are reopened (重办)."""
EXCLUSION_SHARE: Final = 0.02
EXCLUSION_APPROVED_SHARE: Final = 0.6
HANDLING_LIMIT_HOURS: Final = {Urgency.EMERGENCY: 2, Urgency.URGENT: 24, Urgency.NORMAL: 168}
"""Reply limit in natural hours from dispatch, per urgency, as the ``beijing`` deadline preset reads
[BJ-DB11-draft] (2 h, 24 h, 7 days). The first callback comes after this limit (plus approved extensions and
tracked pauses) has expired ([BJ-Reg] Art. 23); 10 % of replies come after it."""
_HOURS_PER_WORKING_DAY = (
    24 * 7 / 5
)  # an approved extension in working days, as natural hours (approximate)
_RETURN_REASONS: Final = ("不属于本单位职责", "诉求地点不在本辖区", "应由产权单位处理")
EXCLUSION_CATEGORIES: Final = {
    "unreasonable": "诉求人要求超出法律政策规定",
    "malicious": "诉求人反复恶意投诉",
    "duplicate": "与已办结工单重复，无新情况",
    "force_majeure": "受不可抗力影响，暂时无法办理",
}
"""Exclusion request categories (剔除类别) with a sample reason, as the scoring presets name them."""


def _check_code(value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty unit code", field="lead", value=value)


def _hours(rng: np.random.Generator, low: float, high: float) -> float:
    return float(rng.uniform(low, high))


def _pick(rng: np.random.Generator, shares: Sequence[float]) -> int:
    p = np.asarray(shares, dtype=float)
    return int(rng.choice(len(p), p=p / p.sum()))


class _Clock:
    """The time of the last event; each step moves it forward by some hours."""

    def __init__(self, start: pendulum.DateTime) -> None:
        self.now = start

    def after(self, hours: float) -> pendulum.DateTime:
        self.now = self.now.add(seconds=round(hours * 3600))
        return self.now

    def at_least(self, moment: pendulum.DateTime) -> pendulum.DateTime:
        self.now = max(self.now, moment)
        return self.now


def _callback(
    rng: np.random.Generator, clock: _Clock, not_before: pendulum.DateTime
) -> tuple[list[Event], Callback]:
    """One or two callback attempts after ``not_before``; the last one is returned separately."""
    events: list[Event] = []
    while True:
        outcome = list(CALLBACK_MIX)[_pick(rng, list(CALLBACK_MIX.values()))]
        if events:
            at = clock.after(_hours(rng, 20, 30))
        else:
            soon = clock.now.add(seconds=round(_hours(rng, 2, 24) * 3600))
            at = clock.at_least(max(soon, not_before.add(seconds=round(_hours(rng, 1, 24) * 3600))))
        if outcome is not CallbackOutcome.ANSWERED:
            last = Callback(at, outcome)
            events.append(last)
            if len(events) == 1 and rng.random() < RETRY_SHARE:
                continue
            return events, last
        solved = bool(rng.random() < SOLVED_SHARE)
        shares = SATISFACTION_IF_SOLVED if solved else SATISFACTION_IF_NOT_SOLVED
        satisfaction = list(Satisfaction)[_pick(rng, shares)]
        last = Callback(
            at,
            outcome,
            contacted=bool(rng.random() < CONTACTED_SHARE),
            solved=solved,
            satisfaction=satisfaction,
        )
        events.append(last)
        return events, last


def _handle(
    rng: np.random.Generator, clock: _Clock, complaint: Complaint, lead: str, *, first: bool
) -> list[Event]:
    """From a handling state to the reply: extension, tracking, supervision, then the reply."""
    events: list[Event] = []
    high = HANDLING_LIMIT_HOURS[complaint.urgency]
    low = high / 7
    if first and rng.random() < EXTENSION_SHARE:
        asked = Duration(int(rng.integers(3, 11)), TimeUnit.WORKING_DAYS)
        events.append(
            ExtensionRequest(
                clock.after(_hours(rng, 2, 48)), lead, asked, reason="需协调多个部门，申请延期办理"
            )
        )
        approved = bool(rng.random() < EXTENSION_APPROVED_SHARE)
        granted = asked if approved else None
        events.append(ExtensionDecision(clock.after(_hours(rng, 1, 24)), approved, granted))
    if first and rng.random() < TRACKING_SHARE:
        events.append(
            TrackingStart(clock.after(_hours(rng, 4, 72)), lead, "涉及规划调整，暂时无法解决")
        )
        events.append(TrackingStop(clock.after(_hours(rng, 240, 960))))
    if rng.random() < SUPERVISION_SHARE:
        events.append(Supervision(clock.after(_hours(rng, 12, 96)), "yellow"))
        if rng.random() < 0.5:  # noqa: PLR2004 - half of the yellow cards turn red
            events.append(Supervision(clock.after(_hours(rng, 24, 48)), "red"))
    late = rng.random() < LATE_REPLY_SHARE
    hours = _hours(rng, high * 1.1, high * 2.5) if late else _hours(rng, low * 0.3, high * 0.95)
    solved = bool(rng.random() < SOLVED_SHARE + 0.15)
    text = (
        "已联系诉求人并现场核实，问题已解决。"
        if solved
        else "已向诉求人解释相关政策，正在协调处理。"
    )
    events.append(Reply(clock.after(hours), lead, solved_claimed=solved, text=text))
    return events


def _dispatch_part(
    rng: np.random.Generator,
    clock: _Clock,
    lead: str,
    co_handlers: tuple[str, ...],
) -> tuple[list[Event], str]:
    """Sign-for and returns up to the first contact's precondition; returns the final lead."""
    events: list[Event] = []
    signed = False
    if rng.random() < RETURN_SHARE:
        if rng.random() < 0.5:  # noqa: PLR2004 - half of the returns come after signing
            events.append(SignFor(clock.after(_hours(rng, 0.1, 4)), lead))
            signed = True
        reason = _RETURN_REASONS[int(rng.integers(len(_RETURN_REASONS)))]
        events.append(ReturnRequest(clock.after(_hours(rng, 0.5, 8)), lead, reason))
        alternative = (
            co_handlers[0] if co_handlers else (DISTRICT_CODE if lead != DISTRICT_CODE else None)
        )
        if alternative is not None and rng.random() < RETURN_UPHELD_SHARE:
            rest = tuple(c for c in co_handlers if c != alternative)
            events.append(
                ReturnDecision(
                    clock.after(_hours(rng, 1, 24)),
                    upheld=True,
                    new_lead=alternative,
                    co_handlers=rest,
                )
            )
            lead, signed = alternative, False
        else:
            events.append(ReturnDecision(clock.after(_hours(rng, 1, 24)), upheld=False))
            if rng.random() < ARBITRATION_SHARE:
                events.append(Arbitration(clock.after(_hours(rng, 24, 72)), lead, co_handlers))
    if not signed:
        events.append(SignFor(clock.after(_hours(rng, 0.1, 4)), lead))
    return events, lead


def simulate(
    complaint: Complaint,
    *,
    lead: str,
    co_handlers: Sequence[str] = (),
    seed: int,
    mode: DispatchMode | None = None,
    until: pendulum.DateTime | None = None,
) -> tuple[Event, ...]:
    """A full, plausible event history for a complaint (模拟工单流转), deterministic for a seed.

    Every history is accepted by the ``beijing`` lifecycle preset (``Ticket.from_events``). Events
    carry aware datetimes in the complaint's zone.

    Args:
        complaint: The complaint; the history starts with its intake at ``received_at``.
        lead: The unit first dispatched to (主办单位), e.g. from a routing decision.
        co_handlers: The co-handling units (协办单位); an upheld return goes to the first of them, or to
            the district (区级兜底) when there are none.
        seed: The random seed; with the complaint's id it fixes the history.
        mode: The dispatch mode; default 转派 when ``lead`` is the sample district, else 直派.
        until: Keep only the events up to this instant (a snapshot of a ticket still open then).

    Returns:
        The events in time order.

    Raises:
        ValidationError: ``lead`` is empty or a co-handler, or ``until`` is naive.

    Examples:
        >>> from jiesu.model import Ticket
        >>> from jiesu.sample import generate_complaints
        >>> complaint = generate_complaints(year=2025, month=3, n=1, seed=2)[0]
        >>> events = simulate(complaint, lead="D-ZJW", seed=2)
        >>> events[0].kind
        'intake'
        >>> Ticket.from_events(complaint, events).is_open
        False
    """
    _check_code(lead)
    check_int(seed, "seed", 0, 2**63 - 1)
    co = tuple(co_handlers)
    if lead in co:
        raise ValidationError("the lead cannot also be a co-handler", field="co_handlers", value=co)
    cutoff = None if until is None else aware(until, field="until")
    rng = np.random.default_rng([seed, zlib.crc32(complaint.id.encode())])
    clock = _Clock(complaint.received_at)
    events: list[Event] = [Intake(complaint.received_at)]
    at_intake = ANSWERED_AT_INTAKE.get(complaint.kind, 0.03)
    draw = rng.random()
    if draw < at_intake:
        events.append(AnsweredAtIntake(clock.after(_hours(rng, 0.02, 0.3))))
    elif draw < at_intake + NOT_DISPATCHED_SHARE:
        cls = list(NOT_DISPATCHED_MIX)[_pick(rng, list(NOT_DISPATCHED_MIX.values()))]
        events.append(NotDispatched(clock.after(_hours(rng, 0.1, 2)), cls))
    else:
        events += _dispatched(rng, clock, complaint, lead=lead, co=co, mode=mode)
        if isinstance(events[-1], Merge):
            events.append(Archive(clock.after(_hours(rng, 0.5, 24))))
            return _cut(events, cutoff)
    events.append(Archive(clock.after(_hours(rng, 1, 72))))
    return _cut(events, cutoff)


def _limit_end(
    dispatched_at: pendulum.DateTime, complaint: Complaint, handled: list[Event]
) -> pendulum.DateTime:
    """When the reply limit expires: dispatch + limit + approved extensions + tracked pauses."""
    hours = float(HANDLING_LIMIT_HOURS[complaint.urgency])
    paused_from = None
    for event in handled:
        if isinstance(event, ExtensionDecision) and event.duration is not None:
            hours += event.duration.amount * _HOURS_PER_WORKING_DAY
        elif isinstance(event, TrackingStart):
            paused_from = event.at
        elif isinstance(event, TrackingStop) and paused_from is not None:
            hours += (event.at - paused_from).total_seconds() / 3600
    return dispatched_at.add(seconds=round(hours * 3600))


def _dispatched(
    rng: np.random.Generator,
    clock: _Clock,
    complaint: Complaint,
    *,
    lead: str,
    co: tuple[str, ...],
    mode: DispatchMode | None,
) -> list[Event]:
    if mode is None:
        mode = DispatchMode.VIA_DISTRICT if lead == DISTRICT_CODE else DispatchMode.DIRECT
    events: list[Event] = [Dispatch(clock.after(_hours(rng, 0.1, 1.5)), lead, co, mode)]
    if rng.random() < MERGE_SHARE:
        serial = complaint.id[-6:]
        into = (
            complaint.id[:-6] + f"{max(1, int(serial) - 1):06d}" if serial.isdigit() else "原工单"
        )
        events.append(Merge(clock.after(_hours(rng, 0.5, 6)), into))
        return events
    part, lead = _dispatch_part(rng, clock, lead, co)
    events += part
    late = rng.random() < LATE_CONTACT_SHARE
    events.append(
        FirstContact(clock.after(_hours(rng, 25, 72) if late else _hours(rng, 0.2, 20)), lead)
    )
    handled = _handle(rng, clock, complaint, lead, first=True)
    events += handled
    more, last = _callback(rng, clock, _limit_end(events[0].at, complaint, handled))
    events += more
    if (
        last.outcome is CallbackOutcome.ANSWERED
        and not last.solved
        and last.satisfaction is Satisfaction.DISSATISFIED
        and rng.random() < REOPEN_SHARE
    ):
        events.append(Reopen(clock.after(_hours(rng, 1, 24)), "回访不满意，退回重办"))
        events += _handle(rng, clock, complaint, lead, first=False)
        more, _ = _callback(rng, clock, clock.now)
        events += more
    if rng.random() < EXCLUSION_SHARE:
        code = list(EXCLUSION_CATEGORIES)[int(rng.integers(len(EXCLUSION_CATEGORIES)))]
        events.append(
            ExclusionRequest(
                clock.after(_hours(rng, 2, 72)), lead, code, EXCLUSION_CATEGORIES[code]
            )
        )
        approved = bool(rng.random() < EXCLUSION_APPROVED_SHARE)
        events.append(
            ExclusionDecision(clock.after(_hours(rng, 24, 120)), approved, HOTLINE_CODE, code)
        )
    return events


def _cut(events: list[Event], until: pendulum.DateTime | None) -> tuple[Event, ...]:
    if until is None:
        return tuple(events)
    return tuple(e for e in events if e.at <= until)
