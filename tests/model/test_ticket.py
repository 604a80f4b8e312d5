from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum
import pytest

from jiesu.errors import TransitionError, ValidationError
from jiesu.model import (
    EVENT_TYPES,
    AnsweredAtIntake,
    Arbitration,
    Archive,
    Callback,
    CallbackOutcome,
    Caller,
    Complaint,
    Dispatch,
    DispatchMode,
    Duration,
    Event,
    ExclusionDecision,
    ExclusionRequest,
    ExtensionDecision,
    ExtensionRequest,
    FirstContact,
    Intake,
    Lifecycle,
    Location,
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
    Ticket,
    TrackingStart,
    TrackingStop,
    example_tickets,
)

T0 = pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai")


def h(hours: float) -> pendulum.DateTime:
    return T0.add(minutes=int(hours * 60))


def complaint(**kw: object) -> Complaint:
    args: dict[str, object] = {
        "id": "C0001",
        "received_at": T0,
        "channel": "phone",
        "kind": "complaint",
        "urgency": "normal",
        "category": "01.02.03",
        "text": "楼下餐馆油烟扰民",
        "location": Location(116.397, 39.909, "GCJ02", address="东华门大街1号"),
        "caller": Caller("张三", "13812345678"),
    }
    args.update(kw)
    return Complaint(**args)  # type: ignore[arg-type]  # loose input on purpose


def full_life() -> list[Event]:
    """A long history touching most events of the Beijing lifecycle."""
    return [
        Intake(h(0)),
        Dispatch(h(1), "S01", ("D07",)),
        SignFor(h(2), "S01"),
        ReturnRequest(h(3), "S01", "不属于本单位职责"),
        ReturnDecision(h(4), upheld=True, new_lead="S02", co_handlers=("D07",)),
        SignFor(h(5), "S02"),
        FirstContact(h(6), "S02"),
        ExtensionRequest(h(7), "S02", "3wd", "需协调"),
        ExtensionDecision(h(8), approved=True, duration="3wd"),
        TrackingStart(h(9), "S02", "资金未到位"),
        Supervision(h(10), "yellow"),
        TrackingStop(h(11)),
        Reply(h(12), "S02", solved_claimed=True, text="已处理"),
        Callback(h(13), "answered", contacted=True, solved=False, satisfaction="dissatisfied"),
        Reopen(h(14), "不满意"),
        Reply(h(15), "S02", solved_claimed=True),
        Callback(h(16), "answered", contacted=True, solved=True, satisfaction="satisfied"),
        ExclusionRequest(h(17), "D07", "malicious", "恶意诉求"),
        ExclusionDecision(h(18), approved=True, approver="HOTLINE", category="malicious"),
        Archive(h(19)),
    ]


def _ticket(*events: Event) -> Ticket:
    return Ticket(complaint(), events)


def _signed(lead: str = "S01") -> Ticket:
    return _ticket(Intake(h(0)), Dispatch(h(1), lead, ("D07",)), SignFor(h(2), lead))


def test_full_life_derives_every_fact() -> None:
    events = full_life()
    t = Ticket(complaint(), events)
    assert t.id == "C0001"
    assert t.state == "archived"
    assert t.state_label == "已归档"
    assert not t.is_open
    assert t.lead == "S02"
    assert t.co_handlers == ("D07",)
    assert t.dispatch_mode is DispatchMode.DIRECT
    assert t.first_dispatched_at == h(1)
    assert t.dispatched_at == h(4)
    assert t.signed_at == h(5)
    assert t.first_contact_at == h(6)
    assert t.replied_at == h(15)
    assert t.closed_at == h(16)
    assert t.returns == (events[3],)
    assert t.return_count == 1
    assert not t.arbitrated
    assert t.extensions == (Duration(3, "working_days"),)
    assert t.pauses == ((h(9), h(11)),)
    assert t.callback == events[16]
    assert t.reopen_count == 1
    assert t.merged_into is None
    assert t.exclusion == events[18]
    assert t.supervisions == (events[10],)
    assert not t.answered_at_intake
    assert t.not_dispatched is None
    assert not t.extension_pending
    assert not t.exclusion_pending
    assert [s for _, s in t.history()][:3] == ["received", "dispatched", "signed"]


def test_apply_returns_new_ticket_and_equals_from_events() -> None:
    t = Ticket(complaint())
    assert t.state == "new"
    assert t.is_open
    assert t.closed_at is None
    for event in full_life():
        before = t
        t = t.apply(event)
        assert before.events == t.events[:-1]
    assert t == Ticket.from_events(complaint(), full_life())
    assert t == Ticket.from_events(complaint(), full_life(), Lifecycle.preset("beijing"))
    assert hash(t) == hash(Ticket.from_events(complaint(), full_life()))


def test_answered_at_intake_and_not_dispatched() -> None:
    a = _ticket(Intake(h(0)), AnsweredAtIntake(h(0.1)))
    assert a.answered_at_intake
    assert a.state == "answered"
    assert a.closed_at == h(0.1)
    n = _ticket(Intake(h(0)), NotDispatched(h(0.2), "repeat"))
    assert n.not_dispatched is NotDispatchedClass.REPEAT
    assert n.apply(Archive(h(1))).closed_at == h(0.2)


def test_rejected_return_keeps_the_unit() -> None:
    t = _signed().apply(ReturnRequest(h(3), "S01", "非本单位"))
    assert t.state == "return_requested"
    kept = t.apply(ReturnDecision(h(4), upheld=False))
    assert kept.state == "signed"
    assert kept.lead == "S01"
    assert kept.signed_at == h(2)
    unsigned = _ticket(Intake(h(0)), Dispatch(h(1), "S01"), ReturnRequest(h(2), "S01", "x"))
    assert unsigned.apply(ReturnDecision(h(3), upheld=False)).state == "dispatched"


def test_upheld_return_must_name_another_lead() -> None:
    t = _signed().apply(ReturnRequest(h(3), "S01", "非本单位"))
    with pytest.raises(
        TransitionError,
        match=r"^event 'return_decision' is not allowed in state 'return_requested': conditions not met; needs \[upheld, new_lead\]",
    ):
        t.apply(ReturnDecision(h(4), upheld=True, new_lead="S01"))


def test_arbitration_pins_lead_and_refuses_returns() -> None:
    t = _signed().apply(ReturnRequest(h(3), "S01", "非本单位"))
    same = t.apply(Arbitration(h(4), "S01", ("D07",)))
    assert same.state == "signed"
    assert same.arbitrated
    assert same.signed_at == h(2)
    other = t.apply(Arbitration(h(4), "S03"))
    assert other.state == "dispatched"
    assert other.lead == "S03"
    assert other.signed_at is None
    assert other.dispatched_at == h(4)
    with pytest.raises(TransitionError, match=r"conditions not met; needs \[!arbitrated\]"):
        same.apply(ReturnRequest(h(5), "S01", "again"))
    unsigned = _ticket(Intake(h(0)), Dispatch(h(1), "S01"), Arbitration(h(2), "S01"))
    assert unsigned.state == "dispatched"


def test_only_the_lead_may_sign_reply_or_return() -> None:
    t = _ticket(Intake(h(0)), Dispatch(h(1), "S01", ("D07",)))
    for event in (SignFor(h(2), "D07"), SignFor(h(2), None), ReturnRequest(h(2), "D07", "x")):
        with pytest.raises(TransitionError, match="only the current lead 'S01' may send it"):
            t.apply(event)
    handling = _signed().apply(FirstContact(h(3), "S01"))
    with pytest.raises(
        TransitionError, match=r"^event 'reply' is not allowed in state 'handling': only"
    ):
        handling.apply(Reply(h(4), "D07"))


def test_required_fields_and_unknown_events() -> None:
    with pytest.raises(TransitionError, match="field 'reason' is required"):
        _signed().apply(ReturnRequest(h(3), "S01"))
    with pytest.raises(
        TransitionError,
        match=r"^event 'reply' is not allowed in state 'received': allowed here: answered_at_intake, not_dispatched, dispatch, merge$",
    ):
        _ticket(Intake(h(0))).apply(Reply(h(1), "S01"))
    archived = _ticket(Intake(h(0)), AnsweredAtIntake(h(0)), Archive(h(1)))
    with pytest.raises(
        TransitionError, match="allowed here: exclusion_request, exclusion_decision$"
    ):
        archived.apply(Intake(h(2)))


def test_events_must_not_go_back_in_time() -> None:
    t = _signed()
    with pytest.raises(
        TransitionError,
        match=r"^event 'first_contact' is not allowed in state 'signed': at 2025-03-03T10:30:00\+08:00 is earlier than the previous event \(2025-03-03T11:30:00\+08:00\)$",
    ):
        t.apply(FirstContact(h(1), "S01"))
    with pytest.raises(TransitionError, match="earlier than the complaint's received_at"):
        Ticket(complaint(), (Intake(T0.subtract(seconds=1)),))
    assert t.apply(FirstContact(h(2), "S01")).first_contact_at == h(2)  # equal times are fine


def test_extension_tracking_supervision_merge_exclusion() -> None:
    t = _signed().apply(FirstContact(h(3), "S01"))
    t = t.apply(ExtensionRequest(h(4), "S01", Duration(2, "natural_days"), "等待配件"))
    assert t.extension_pending
    with pytest.raises(TransitionError, match=r"needs \[!extension_pending\]"):
        t.apply(ExtensionRequest(h(4), "S01", "1d", "again"))
    t = t.apply(ExtensionDecision(h(5), approved=False))
    assert t.extensions == ()
    with pytest.raises(TransitionError, match=r"needs \[extension_pending\]"):
        t.apply(ExtensionDecision(h(6), approved=True, duration="1d"))
    t = t.apply(TrackingStart(h(6), "S01", "需立项"))
    assert t.state == "tracking"
    assert t.pauses == ((h(6), None),)
    t = t.apply(Supervision(h(7), "red"))
    t = t.apply(ExclusionRequest(h(8), "D07", "unreasonable", "无理诉求"))
    assert t.exclusion_pending
    t = t.apply(
        ExclusionDecision(h(9), approved=False, approver="HOTLINE", category="unreasonable")
    )
    assert t.exclusion is None
    assert t.state == "tracking"
    merged = t.apply(Merge(h(10), "C0000"))
    assert merged.state == "merged"
    assert merged.merged_into == "C0000"
    assert merged.closed_at == h(10)
    assert merged.pauses == ((h(6), None),)


def test_callback_outcomes() -> None:
    t = _signed().apply(FirstContact(h(3), "S01")).apply(Reply(h(4), "S01"))
    unreachable = t.apply(Callback(h(5), "unreachable"))
    assert unreachable.callback is not None
    assert unreachable.callback.outcome is CallbackOutcome.UNREACHABLE
    again = unreachable.apply(Callback(h(6), "answered", True, True, "基本满意"))
    assert again.callback is not None
    assert again.callback.satisfaction is Satisfaction.BASICALLY_SATISFIED


def test_ticket_validates_its_fields() -> None:
    with pytest.raises(ValidationError, match="^complaint: must be a Complaint"):
        Ticket("C1")  # type: ignore[arg-type]  # deliberately wrong
    with pytest.raises(ValidationError, match="^events: must be a sequence of events"):
        Ticket(complaint(), "intake")
    with pytest.raises(ValidationError, match="^event: must be a ticket event"):
        Ticket(complaint(), ("intake",))
    with pytest.raises(ValidationError, match="^lifecycle: must be a Lifecycle"):
        Ticket(complaint(), (), "beijing")  # type: ignore[arg-type]  # deliberately wrong


def test_ticket_repr_and_derived_facts_not_fields() -> None:
    t = Ticket(complaint(), full_life())
    text = repr(t)
    assert "张三" not in text
    assert "13812345678" not in text
    assert "已处理" not in text  # reply text stays out of repr
    assert {f.name for f in attrs.fields(Ticket) if f.init} == {"complaint", "events", "lifecycle"}


BAD_BOOL: Any = "yes"
BAD_INT: Any = 5
BAD_NONE: Any = None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Intake(dt.datetime(2025, 1, 1)), "^at: must be an aware datetime"),
        (lambda: Dispatch(T0, ""), "^lead: must be a non-empty unit code"),
        (lambda: Dispatch(T0, "S1", ("S1",)), "^co_handlers: must not include the lead 'S1'"),
        (lambda: Dispatch(T0, "S1", "D1"), "^co_handlers: must be a sequence of unit codes"),
        (lambda: Dispatch(T0, "S1", ("D1", "")), "^co_handlers: must be a sequence of non-empty"),
        (lambda: Dispatch(T0, "S1", ("D1", "D1")), "^co_handlers: must not repeat a unit"),
        (lambda: Dispatch(T0, "S1", mode="fax"), "^mode: unknown DispatchMode"),
        (lambda: NotDispatched(T0, "maybe"), "^cls: unknown NotDispatchedClass"),
        (lambda: SignFor(T0, BAD_INT), "^actor: must be a non-empty unit code"),
        (lambda: ReturnRequest(T0, "S1", BAD_NONE), "^reason: must be a string"),
        (lambda: ReturnDecision(T0, BAD_BOOL), "^upheld: must be true or false"),
        (lambda: ReturnDecision(T0, upheld=True), "^new_lead: an upheld return must name"),
        (lambda: ReturnDecision(T0, upheld=False, new_lead="S2"), "^new_lead: a rejected return"),
        (lambda: ReturnDecision(T0, upheld=False, co_handlers=("S2",)), "^new_lead: a rejected"),
        (lambda: Arbitration(T0, "S1", ("S1",)), "^co_handlers: must not include the lead"),
        (lambda: ExtensionRequest(T0, "S1", "soon"), "^duration: must be a number and a unit"),
        (lambda: ExtensionDecision(T0, approved=True), "^duration: an approved extension must"),
        (lambda: ExtensionDecision(T0, approved=False, duration="1d"), "^duration: a refused"),
        (
            lambda: Reply(T0, "S1", solved_claimed=BAD_BOOL),
            "^solved_claimed: must be true or false",
        ),
        (lambda: Callback(T0, "refused", contacted=False), "^contacted: only an answered callback"),
        (lambda: Callback(T0, "answered", satisfaction="great"), "^satisfaction: unknown"),
        (lambda: Callback(T0, "lost"), "^outcome: unknown CallbackOutcome"),
        (lambda: Merge(T0, " "), "^into: must be a non-empty unit code"),
        (lambda: Supervision(T0, ""), "^level: must be a non-empty"),
        (lambda: TrackingStop("2025-01-01"), "^at: must be an aware datetime"),
    ],
)
def test_event_validation(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]  # a zero-argument builder


def test_event_kinds_are_unique_and_complete() -> None:
    assert len(EVENT_TYPES) == 24
    assert all(cls.kind == kind for kind, cls in EVENT_TYPES.items())
    assert Dispatch(T0, "S1", ["D1"]).co_handlers == ("D1",)
    assert Dispatch(T0, "S1", mode="转派").mode is DispatchMode.VIA_DISTRICT
    assert TrackingStop(T0).kind == "tracking_stop"


def test_example_tickets_cover_the_main_paths() -> None:
    tickets = example_tickets()
    assert [t.id for t in tickets] == [f"E000{i}" for i in range(1, 8)]
    assert tickets[0].answered_at_intake
    assert tickets[1].not_dispatched is NotDispatchedClass.EMERGENCY_SERVICE
    assert tickets[3].return_count == 1
    assert tickets[3].reopen_count == 1
    assert tickets[3].extensions == (Duration(3, "working_days"),)
    assert tickets[4].pauses[0][1] is None
    assert tickets[5].merged_into == "E0003"
    assert tickets[6].exclusion is not None
    assert example_tickets(1) != example_tickets(2)
    assert all(e.label for t in tickets for e in t.events)
