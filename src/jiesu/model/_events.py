"""Ticket events (工单事件): one frozen class per step of a ticket's life ([DOMAIN] §2).

Every event has an aware timestamp ``at`` and a class-level ``kind`` code that the lifecycle table and
serialization use. Events that a unit sends carry its code as ``actor``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Final

import attrs
import pendulum  # noqa: TC002 - cattrs resolves the annotations at runtime

from jiesu.errors import ValidationError
from jiesu.model._base import aware
from jiesu.model._duration import Duration
from jiesu.model._enums import CallbackOutcome, DispatchMode, NotDispatchedClass, Satisfaction


def _to_at(value: object) -> pendulum.DateTime:
    return aware(value, field="at")


def _code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty unit code", field=attribute.name, value=value)


def _optional_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _code(instance, attribute, value)


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=attribute.name, value=value)


def _bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, bool):
        raise ValidationError("must be true or false", field=attribute.name, value=value)


def _optional_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _bool(instance, attribute, value)


def _unit_codes(value: object, field: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("must be a sequence of unit codes", field=field, value=value)
    codes = tuple(value)
    for code in codes:
        if not isinstance(code, str) or not code.strip():
            raise ValidationError(
                "must be a sequence of non-empty unit codes", field=field, value=codes
            )
    if len(set(codes)) != len(codes):
        raise ValidationError("must not repeat a unit", field=field, value=codes)
    return codes


def _to_codes(value: object) -> tuple[str, ...]:
    return _unit_codes(value, "co_handlers")


def _to_departments(value: object) -> tuple[str, ...]:
    codes = _unit_codes(value, "departments")
    if not codes:
        raise ValidationError(
            "must summon at least one department", field="departments", value=codes
        )
    return codes


# Assumed: [BJ-Reg] Art. 33 says both sides of whistle and report are rated, not on what scale.
_SCORES: Final = range(1, 6)


def _score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if isinstance(value, bool) or not isinstance(value, int) or value not in _SCORES:
        raise ValidationError(
            f"must be an integer from {_SCORES[0]} to {_SCORES[-1]}",
            field=attribute.name,
            value=value,
        )


def _to_mode(value: object) -> DispatchMode:
    return DispatchMode.parse(value, field="mode")


def _to_not_dispatched_class(value: object) -> NotDispatchedClass:
    return NotDispatchedClass.parse(value, field="cls")


def _to_outcome(value: object) -> CallbackOutcome:
    return CallbackOutcome.parse(value, field="outcome")


def _to_satisfaction(value: object) -> Satisfaction | None:
    return None if value is None else Satisfaction.parse(value, field="satisfaction")


def _to_duration(value: object) -> Duration:
    return value if isinstance(value, Duration) else Duration.parse(value)


def _to_optional_duration(value: object) -> Duration | None:
    return None if value is None else _to_duration(value)


def _lead_not_co_handler(lead: str | None, co_handlers: tuple[str, ...]) -> None:
    if lead is not None and lead in co_handlers:
        raise ValidationError(
            f"must not include the lead {lead!r}", field="co_handlers", value=co_handlers
        )


@attrs.frozen
class Intake:
    """The hotline records the request (受理): the ticket is born ([BJ-Reg] Art. 10).

    Examples:
        >>> import pendulum
        >>> Intake(pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")).kind
        'intake'
    """

    kind: ClassVar[str] = "intake"
    label: ClassVar[str] = "受理"
    at: pendulum.DateTime = attrs.field(converter=_to_at)


@attrs.frozen
class AnsweredAtIntake:
    """A consultation answered on the spot (即时答复 / 直接办结), never dispatched ([BJ-Reg] Art. 11)."""

    kind: ClassVar[str] = "answered_at_intake"
    label: ClassVar[str] = "即时答复"
    at: pendulum.DateTime = attrs.field(converter=_to_at)


@attrs.frozen
class NotDispatched:
    """The hotline decides not to dispatch (不予派单), in one of the six classes of [BJ-Reg] Art. 11 ¶3.

    Attributes:
        at: When it was decided.
        cls: The class of matter (不予派单类别).
    """

    kind: ClassVar[str] = "not_dispatched"
    label: ClassVar[str] = "不予派单"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    cls: NotDispatchedClass = attrs.field(converter=_to_not_dispatched_class)


@attrs.frozen
class Dispatch:
    """The hotline sends the ticket to a lead unit and co-handlers (派单, [BJ-Reg] Art. 12, 14).

    Attributes:
        at: When it was dispatched.
        lead: The lead unit's code (主办单位).
        co_handlers: Codes of the co-handling units (协办单位), never the lead.
        mode: Direct (直派) or to the district as backstop (转派).

    Examples:
        >>> import pendulum
        >>> d = Dispatch(pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai"), "S01", ["D07"])
        >>> d.co_handlers, d.mode.label
        (('D07',), '直派')
    """

    kind: ClassVar[str] = "dispatch"
    label: ClassVar[str] = "派单"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    lead: str = attrs.field(validator=_code)
    co_handlers: tuple[str, ...] = attrs.field(default=(), converter=_to_codes)
    mode: DispatchMode = attrs.field(default=DispatchMode.DIRECT, converter=_to_mode)

    def __attrs_post_init__(self) -> None:
        """Check that the lead is not also a co-handler."""
        _lead_not_co_handler(self.lead, self.co_handlers)


@attrs.frozen
class SignFor:
    """The lead unit accepts the ticket (签收 / 接单).

    Attributes:
        at: When it signed.
        actor: The signing unit's code.
    """

    kind: ClassVar[str] = "sign_for"
    label: ClassVar[str] = "签收"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)


@attrs.frozen
class ReturnRequest:
    """The lead unit disputes the routing and asks to return the ticket (退单申请 / 派单异议).

    Attributes:
        at: When it asked.
        actor: The unit asking.
        reason: Why (退单理由); a lifecycle may require it.
    """

    kind: ClassVar[str] = "return_request"
    label: ClassVar[str] = "退单申请"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)
    reason: str = attrs.field(default="", validator=_text)


@attrs.frozen
class ReturnDecision:
    """The hotline's review of a return (退单审核): upheld → re-dispatch (改派), rejected → the unit keeps it.

    Attributes:
        at: When it was decided.
        upheld: Whether the return was accepted.
        new_lead: The new lead when upheld (required then, absent otherwise).
        co_handlers: The new co-handlers when upheld.
    """

    kind: ClassVar[str] = "return_decision"
    label: ClassVar[str] = "退单审核"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    upheld: bool = attrs.field(validator=_bool)
    new_lead: str | None = attrs.field(default=None, validator=_optional_code)
    co_handlers: tuple[str, ...] = attrs.field(default=(), converter=_to_codes)

    def __attrs_post_init__(self) -> None:
        """Check that an upheld return names a new lead and a rejected one names none."""
        if self.upheld and self.new_lead is None:
            raise ValidationError(
                "an upheld return must name the new lead", field="new_lead", value=None
            )
        if not self.upheld and (self.new_lead is not None or self.co_handlers):
            raise ValidationError(
                "a rejected return keeps the lead: give no new lead or co-handlers",
                field="new_lead",
                value=self.new_lead,
            )
        _lead_not_co_handler(self.new_lead, self.co_handlers)


@attrs.frozen
class Arbitration:
    """A final ruling on the lead (审定 / 裁定): pins the lead and closes further returns.

    Attributes:
        at: When it was ruled.
        lead: The lead unit ruled responsible.
        co_handlers: The co-handlers ruled.
    """

    kind: ClassVar[str] = "arbitration"
    label: ClassVar[str] = "派单裁定"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    lead: str = attrs.field(validator=_code)
    co_handlers: tuple[str, ...] = attrs.field(default=(), converter=_to_codes)

    def __attrs_post_init__(self) -> None:
        """Check that the lead is not also a co-handler."""
        _lead_not_co_handler(self.lead, self.co_handlers)


@attrs.frozen
class FirstContact:
    """The lead unit first contacts the citizen (响应 / 联系诉求人, [BJ-Reg] Art. 15).

    Attributes:
        at: When it made contact.
        actor: The unit.
    """

    kind: ClassVar[str] = "first_contact"
    label: ClassVar[str] = "首次联系"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)


@attrs.frozen
class ExtensionRequest:
    """The lead unit asks for more time (延期申请, [BJ-Reg] Art. 15).

    Attributes:
        at: When it asked.
        actor: The unit.
        duration: How much more time (accepts a :class:`Duration` or text such as ``"3wd"``).
        reason: Why (延期理由); a lifecycle may require it.
    """

    kind: ClassVar[str] = "extension_request"
    label: ClassVar[str] = "延期申请"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)
    duration: Duration = attrs.field(converter=_to_duration)
    reason: str = attrs.field(default="", validator=_text)


@attrs.frozen
class ExtensionDecision:
    """The hotline decides on an extension request (延期审核).

    Attributes:
        at: When it decided.
        approved: Whether the extension was granted.
        duration: The time granted (required when approved, absent otherwise).
    """

    kind: ClassVar[str] = "extension_decision"
    label: ClassVar[str] = "延期审核"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    approved: bool = attrs.field(validator=_bool)
    duration: Duration | None = attrs.field(default=None, converter=_to_optional_duration)

    def __attrs_post_init__(self) -> None:
        """Check that an approval grants a duration and a refusal grants none."""
        if self.approved and self.duration is None:
            raise ValidationError(
                "an approved extension must grant a duration", field="duration", value=None
            )
        if not self.approved and self.duration is not None:
            raise ValidationError(
                "a refused extension grants no duration", field="duration", value=self.duration
            )


@attrs.frozen
class TrackingStart:
    """The lead unit puts the ticket on long-term tracking (挂账 / 暂时无法解决): the clock stops.

    Attributes:
        at: When tracking started.
        actor: The unit.
        reason: Why it cannot be solved now.
    """

    kind: ClassVar[str] = "tracking_start"
    label: ClassVar[str] = "挂账"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)
    reason: str = attrs.field(default="", validator=_text)


@attrs.frozen
class TrackingStop:
    """Long-term tracking ends (挂账结束) and handling resumes: the clock runs again."""

    kind: ClassVar[str] = "tracking_stop"
    label: ClassVar[str] = "挂账结束"
    at: pendulum.DateTime = attrs.field(converter=_to_at)


@attrs.frozen
class Supervision:
    """The hotline escalates the ticket (督办), e.g. a yellow or red card ([SD-2017]).

    Attributes:
        at: When it was escalated.
        level: The level as the hotline names it, e.g. ``"yellow"`` (黄牌) or ``"red"`` (红牌).
    """

    kind: ClassVar[str] = "supervision"
    label: ClassVar[str] = "督办"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    level: str = attrs.field(validator=_code)


@attrs.frozen
class Whistle:
    """A street or township blows the whistle (吹哨): it summons departments to the ticket's problem.

    Under 吹哨报到 ([BJ-Reg] Art. 33) a street (街道) or township (乡镇) facing a local problem it cannot
    solve alone calls the departments with the powers to solve it; each summoned department reports
    (:class:`WhistleReport`), and both sides rate each other (:class:`WhistleRating`).

    Attributes:
        at: When the whistle was blown.
        actor: The whistling street's or township's unit code.
        departments: Codes of the departments summoned (at least one, no repeats, never the actor).
        reason: The problem the departments are summoned to (吹哨事由).

    Examples:
        >>> import pendulum
        >>> w = Whistle(pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai"), "S01", ["D07", "D09"])
        >>> w.departments, w.label
        (('D07', 'D09'), '吹哨')
        >>> Whistle(w.at, "S01", [])
        Traceback (most recent call last):
        ...
        jiesu.errors.ValidationError: departments: must summon at least one department (got ())
    """

    kind: ClassVar[str] = "whistle"
    label: ClassVar[str] = "吹哨"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str = attrs.field(validator=_code)
    departments: tuple[str, ...] = attrs.field(converter=_to_departments)
    reason: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        """Check that the street does not summon itself."""
        if self.actor in self.departments:
            raise ValidationError(
                f"must not include the whistling unit {self.actor!r}",
                field="departments",
                value=self.departments,
            )


@attrs.frozen
class WhistleReport:
    """A summoned department reports (报到) to the street that blew the whistle ([BJ-Reg] Art. 33).

    A ticket accepts a report only from a department an earlier whistle summoned, once per summons.

    Attributes:
        at: When the department reported.
        actor: The reporting department's unit code.
    """

    kind: ClassVar[str] = "whistle_report"
    label: ClassVar[str] = "报到"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str = attrs.field(validator=_code)


@attrs.frozen
class WhistleRating:
    """One side of whistle and report rates the other (吹哨报到评价, [BJ-Reg] Art. 33).

    The street rates each department that reported to its whistle, and each such department rates the
    street; a ticket accepts one rating per (rater, ratee) pair.

    Attributes:
        at: When the rating was given.
        rater: The rating unit's code.
        ratee: The rated unit's code.
        score: An integer from 1 to 5, 5 the best (an assumed scale: the regulation names none).

    Examples:
        >>> import pendulum
        >>> at = pendulum.datetime(2025, 3, 4, 10, tz="Asia/Shanghai")
        >>> WhistleRating(at, "S01", "D07", 5).score
        5
        >>> WhistleRating(at, "S01", "D07", 4.5)
        Traceback (most recent call last):
        ...
        jiesu.errors.ValidationError: score: must be an integer from 1 to 5 (got 4.5)
    """

    kind: ClassVar[str] = "whistle_rating"
    label: ClassVar[str] = "吹哨报到评价"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    rater: str = attrs.field(validator=_code)
    ratee: str = attrs.field(validator=_code)
    score: int = attrs.field(validator=_score)

    def __attrs_post_init__(self) -> None:
        """Check that a unit does not rate itself."""
        if self.rater == self.ratee:
            raise ValidationError(
                "must be another unit than the rater", field="ratee", value=self.ratee
            )


@attrs.frozen
class Reply:
    """The lead unit reports its result (答复 / 反馈 / 办结).

    The free text is kept out of ``repr`` because it often names the citizen.

    Attributes:
        at: When it replied.
        actor: The unit.
        solved_claimed: Whether the unit says the matter is solved, if it says.
        text: The reply (办理结果).
    """

    kind: ClassVar[str] = "reply"
    label: ClassVar[str] = "答复"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)
    solved_claimed: bool | None = attrs.field(default=None, validator=_optional_bool)
    text: str = attrs.field(default="", repr=False, validator=_text)


@attrs.frozen
class Callback:
    """The hotline asks the citizen (回访, [BJ-Reg] Art. 23): contacted? solved? satisfied?

    Only an answered callback carries answers; an unreachable or refused one carries none.

    Attributes:
        at: When the callback was made.
        outcome: Answered, unreachable or refused (回访结果).
        contacted: Whether the unit contacted the citizen (是否联系).
        solved: Whether the matter was solved (是否解决).
        satisfaction: How satisfied the citizen is (满意度).

    Examples:
        >>> import pendulum
        >>> Callback(pendulum.datetime(2025, 3, 12, tz="Asia/Shanghai"), "unreachable", solved=True)
        Traceback (most recent call last):
        ...
        jiesu.errors.ValidationError: solved: only an answered callback carries answers (got True)
    """

    kind: ClassVar[str] = "callback"
    label: ClassVar[str] = "回访"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    outcome: CallbackOutcome = attrs.field(converter=_to_outcome)
    contacted: bool | None = attrs.field(default=None, validator=_optional_bool)
    solved: bool | None = attrs.field(default=None, validator=_optional_bool)
    satisfaction: Satisfaction | None = attrs.field(default=None, converter=_to_satisfaction)

    def __attrs_post_init__(self) -> None:
        """Check that only an answered callback carries answers."""
        if self.outcome is CallbackOutcome.ANSWERED:
            return
        for name in ("contacted", "solved", "satisfaction"):
            value = getattr(self, name)
            if value is not None:
                raise ValidationError(
                    "only an answered callback carries answers", field=name, value=value
                )


@attrs.frozen
class Reopen:
    """The ticket goes back to the unit (重办 / 退回再办, [JN-Reg] Art. 27), e.g. after a bad callback.

    Attributes:
        at: When it was reopened.
        reason: Why.
    """

    kind: ClassVar[str] = "reopen"
    label: ClassVar[str] = "重办"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    reason: str = attrs.field(default="", validator=_text)


@attrs.frozen
class Merge:
    """The ticket is merged into another as a repeat (并单 / 重复件, [GB-66]).

    Attributes:
        at: When it was merged.
        into: The id of the ticket it was merged into.
    """

    kind: ClassVar[str] = "merge"
    label: ClassVar[str] = "并单"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    into: str = attrs.field(validator=_code)


@attrs.frozen
class ExclusionRequest:
    """A unit asks to remove the ticket from its evaluation (剔除申请 / 不纳入考评).

    Attributes:
        at: When it asked.
        actor: The unit.
        category: The exclusion category (剔除类别), e.g. ``"malicious"``.
        reason: Why.
    """

    kind: ClassVar[str] = "exclusion_request"
    label: ClassVar[str] = "剔除申请"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    actor: str | None = attrs.field(validator=_optional_code)
    category: str = attrs.field(validator=_code)
    reason: str = attrs.field(default="", validator=_text)


@attrs.frozen
class ExclusionDecision:
    """The decision on an exclusion request (剔除审核).

    Attributes:
        at: When it was decided.
        approved: Whether the ticket leaves the evaluation.
        approver: Who approved or refused (审核单位).
        category: The exclusion category decided.
    """

    kind: ClassVar[str] = "exclusion_decision"
    label: ClassVar[str] = "剔除审核"
    at: pendulum.DateTime = attrs.field(converter=_to_at)
    approved: bool = attrs.field(validator=_bool)
    approver: str = attrs.field(validator=_code)
    category: str = attrs.field(validator=_code)


@attrs.frozen
class Archive:
    """The ticket is archived (归档): its history is final."""

    kind: ClassVar[str] = "archive"
    label: ClassVar[str] = "归档"
    at: pendulum.DateTime = attrs.field(converter=_to_at)


Event = (
    Intake
    | AnsweredAtIntake
    | NotDispatched
    | Dispatch
    | SignFor
    | ReturnRequest
    | ReturnDecision
    | Arbitration
    | FirstContact
    | ExtensionRequest
    | ExtensionDecision
    | TrackingStart
    | TrackingStop
    | Supervision
    | Whistle
    | WhistleReport
    | WhistleRating
    | Reply
    | Callback
    | Reopen
    | Merge
    | ExclusionRequest
    | ExclusionDecision
    | Archive
)
"""Any ticket event (工单事件): the union of the event classes."""

EVENT_TYPES: Final[dict[str, type[Event]]] = {
    cls.kind: cls
    for cls in (
        Intake,
        AnsweredAtIntake,
        NotDispatched,
        Dispatch,
        SignFor,
        ReturnRequest,
        ReturnDecision,
        Arbitration,
        FirstContact,
        ExtensionRequest,
        ExtensionDecision,
        TrackingStart,
        TrackingStop,
        Supervision,
        Whistle,
        WhistleReport,
        WhistleRating,
        Reply,
        Callback,
        Reopen,
        Merge,
        ExclusionRequest,
        ExclusionDecision,
        Archive,
    )
}
"""Every event class by its ``kind`` code, in the order of a ticket's life."""
