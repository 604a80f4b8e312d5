"""A handful of example tickets (示例工单) through the Beijing lifecycle, for the demo, docs and tests."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pendulum

from jiesu.model._base import DEFAULT_TZ, Caller, Complaint, Location
from jiesu.model._events import (
    AnsweredAtIntake,
    Archive,
    Callback,
    Dispatch,
    ExclusionDecision,
    ExclusionRequest,
    ExtensionDecision,
    ExtensionRequest,
    FirstContact,
    Intake,
    Merge,
    NotDispatched,
    Reopen,
    Reply,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Supervision,
    TrackingStart,
)
from jiesu.model._ticket import Ticket

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    from jiesu.model._events import Event

    _Story: TypeAlias = tuple[
        str, str, str, str, Callable[[Callable[[float], pendulum.DateTime]], list[Event]]
    ]


def _answered(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [Intake(t(0)), AnsweredAtIntake(t(0.1)), Archive(t(1))]


def _not_dispatched(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [Intake(t(0)), NotDispatched(t(0.2), "emergency_service"), Archive(t(1))]


def _direct(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [
        Intake(t(0)),
        Dispatch(t(0.5), "S01"),
        SignFor(t(1), "S01"),
        FirstContact(t(3), "S01"),
        Reply(t(30), "S01", solved_claimed=True, text="已协调物业修复路灯"),
        Callback(t(60), "answered", contacted=True, solved=True, satisfaction="satisfied"),
        Archive(t(72)),
    ]


def _returned(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [
        Intake(t(0)),
        Dispatch(t(0.5), "S02", ("D07",)),
        SignFor(t(1), "S02"),
        ReturnRequest(t(2), "S02", "属区级部门职责"),
        ReturnDecision(t(6), upheld=True, new_lead="D07"),
        SignFor(t(7), "D07"),
        FirstContact(t(9), "D07"),
        ExtensionRequest(t(50), "D07", "3wd", "需联合执法"),
        ExtensionDecision(t(52), approved=True, duration="3wd"),
        Supervision(t(120), "yellow"),
        Reply(t(160), "D07", solved_claimed=True),
        Callback(t(200), "answered", contacted=True, solved=False, satisfaction="dissatisfied"),
        Reopen(t(201), "回访不满意"),
        Reply(t(250), "D07", solved_claimed=True),
        Callback(
            t(280), "answered", contacted=True, solved=True, satisfaction="basically_satisfied"
        ),
    ]


def _tracked(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [
        Intake(t(0)),
        Dispatch(t(1), "T01", mode="via_district"),
        SignFor(t(2), "T01"),
        FirstContact(t(20), "T01"),
        TrackingStart(t(48), "T01", "需纳入年度改造计划"),
        Supervision(t(200), "red"),
    ]


def _merged(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [Intake(t(0)), Dispatch(t(0.3), "S01"), Merge(t(0.5), "E0003")]


def _excluded(t: Callable[[float], pendulum.DateTime]) -> list[Event]:
    return [
        Intake(t(0)),
        Dispatch(t(0.5), "P01"),
        SignFor(t(1), "P01"),
        FirstContact(t(2), "P01"),
        Reply(t(20), "P01", solved_claimed=False, text="诉求超出供热服务范围"),
        Callback(t(40), "unreachable"),
        ExclusionRequest(t(48), "P01", "unreasonable", "诉求不合理"),
        ExclusionDecision(t(96), approved=True, approver="HOTLINE", category="unreasonable"),
        Archive(t(100)),
    ]


_STORIES: tuple[_Story, ...] = (
    ("E0001", "consultation", "11.01.01", "咨询居住证办理材料", _answered),
    ("E0002", "help", "90.01.01", "路口发生交通事故有人受伤", _not_dispatched),
    ("E0003", "complaint", "03.02.01", "小区路灯不亮", _direct),
    ("E0004", "complaint", "05.01.02", "商户占道经营", _returned),
    ("E0005", "suggestion", "07.03.01", "建议加装电梯", _tracked),
    ("E0006", "complaint", "03.02.01", "小区路灯仍不亮（重复）", _merged),
    ("E0007", "complaint", "08.01.01", "暖气不热", _excluded),
)


def example_tickets(seed: int = 2025) -> tuple[Ticket, ...]:
    """A handful of example tickets (示例工单) covering the Beijing lifecycle's main paths.

    Answered at intake, not dispatched, a direct dispatch through callback and archive, a return upheld
    with extension, supervision and a reopen, long-term tracking (挂账), a merge, and an approved
    exclusion. The ``seed`` only moves the intake times within March 2025.

    Args:
        seed: Picks each complaint's intake time.

    Returns:
        Seven tickets with valid histories; callers are fictitious.

    Examples:
        >>> [t.state for t in example_tickets()]
        ['archived', 'archived', 'archived', 'called_back', 'tracking', 'merged', 'archived']
    """
    rng = random.Random(seed)  # noqa: S311 - example data, not security
    out = []
    for i, (cid, kind, category, text, story) in enumerate(_STORIES):
        start = pendulum.datetime(
            2025, 3, 3 + rng.randrange(20), 8 + rng.randrange(10), tz=DEFAULT_TZ
        )
        start = start.add(minutes=rng.randrange(60))

        def at(hours: float, start: pendulum.DateTime = start) -> pendulum.DateTime:
            return start.add(minutes=round(hours * 60))

        complaint = Complaint(
            id=cid,
            received_at=start,
            channel="phone",
            kind=kind,
            urgency="normal",
            category=category,
            text=text,
            location=Location(116.40 + i / 100, 39.91, "GCJ02"),
            caller=Caller(f"示例{i + 1}", f"1380000000{i}"),
        )
        out.append(Ticket(complaint, tuple(story(at))))
    return tuple(out)
