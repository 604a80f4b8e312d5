"""Return policies: presets, every refusal, the working-day window, arbitration pins the lead."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pendulum
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from jiesu.calendar import WorkCalendar
from jiesu.errors import DataFormatError, RuleError, TransitionError, ValidationError
from jiesu.model import (
    Arbitration,
    Complaint,
    Dispatch,
    Intake,
    Lifecycle,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Ticket,
    dumps,
    loads,
)
from jiesu.routing import ReturnGuard, ReturnPolicy
from jiesu.testing import complaints, tickets, zoned_datetimes

if TYPE_CHECKING:
    from pathlib import Path

    from jiesu.model import Event

T0 = pendulum.datetime(2025, 9, 29, 9, tz="Asia/Shanghai")  # Monday before the National Day week


def dispatched(at: pendulum.DateTime = T0, *, signed: bool = False) -> Ticket:
    c = Complaint("C1", at, "phone", "complaint", "normal", "01.01.02")
    t = Ticket(c).apply(Intake(at)).apply(Dispatch(at.add(hours=1), lead="S01"))
    if signed:
        t = t.apply(SignFor(at.add(hours=2), actor="S01"))
    return t


def ask(
    at: pendulum.DateTime, actor: str = "S01", reason: str = "不属于本单位职责"
) -> ReturnRequest:
    return ReturnRequest(at, actor=actor, reason=reason)


def test_presets() -> None:
    assert ReturnPolicy.presets() == ("beijing", "shandong", "lvliang")
    bj, sd, ll = (ReturnPolicy.preset(n) for n in ReturnPolicy.presets())
    assert (bj.window_workdays, bj.window_from) == (1, "dispatch")
    assert "window_workdays" in bj.assumed
    assert (sd.window_workdays, sd.reason_required) == (2, True)
    assert "window_workdays" not in sd.assumed
    assert ll.window_workdays == 1
    assert "first-handling unit" in ll.after_window
    assert "after_window" not in ll.assumed
    assert all(p.source for p in (bj, sd, ll))
    with pytest.raises(
        RuleError, match="preset: unknown return policy preset; known: beijing, shandong, lvliang"
    ):
        ReturnPolicy.preset("tianjin")


def test_window_counts_working_days_across_the_holiday() -> None:
    policy = ReturnPolicy.preset("shandong")
    t = dispatched()
    due = policy.deadline(t)
    # Monday 9-29 + 2 working days: 9-30, then 10-1..10-8 are off, so 10-9 is the last day
    assert due == pendulum.datetime(2025, 10, 10, tz="Asia/Shanghai")
    assert policy.check(t, ask(pendulum.datetime(2025, 10, 9, 23, 59, tz="Asia/Shanghai")))
    late = policy.check(t, ask(pendulum.datetime(2025, 10, 10, 0, 0, tz="Asia/Shanghai")))
    assert not late
    assert (late.code, late.keeps, late.deadline) == ("window_passed", "S01", due)
    assert (
        "the return window (2 working days, until 2025-10-10T00:00:00+08:00) has passed"
        in late.reason_en
    )
    assert "超过退单时限" in late.reason_zh


def test_lvliang_late_unit_keeps_it_and_apply_guards_the_lifecycle() -> None:
    policy = ReturnPolicy.preset("lvliang")
    t = dispatched()
    ok = policy.apply(t, ask(T0.add(hours=3)))
    assert ok.return_count == 1
    with pytest.raises(
        TransitionError, match=r"return policy 'lvliang': the return window .* first-handling unit"
    ):
        policy.apply(t, ask(T0.add(days=3)))


def test_arbitration_pins_the_lead() -> None:
    policy = ReturnPolicy.preset("beijing")
    t = dispatched().apply(ask(T0.add(hours=2)))
    t = t.apply(ReturnDecision(T0.add(hours=3), upheld=True, new_lead="S02"))
    assert policy.check(t, ask(T0.add(hours=4), actor="S02"))  # the new lead has its own window
    t = t.apply(Arbitration(T0.add(hours=5), lead="S02"))
    verdict = policy.check(t, ask(T0.add(hours=6), actor="S02"))
    assert (verdict.allowed, verdict.code, verdict.keeps) == (False, "arbitrated", "S02")
    assert "lead is pinned" in verdict.reason_en


@pytest.mark.parametrize(
    ("policy", "request_", "code", "en"),
    [
        (
            ReturnPolicy("p"),
            ask(T0.add(hours=2), actor="S02"),
            "not_lead",
            "only the lead unit S01 may return",
        ),
        (
            ReturnPolicy("p"),
            ask(T0.add(hours=2), reason="  "),
            "reason_missing",
            "must state its reason",
        ),
        (
            ReturnPolicy("p", allowed_reasons=["非本单位职责", "地址错误"]),
            ask(T0.add(hours=2), reason="太忙"),
            "reason_not_allowed",
            "not one of the allowed reasons: 太忙",
        ),
        (
            ReturnPolicy("p", max_returns=0),
            ask(T0.add(hours=2)),
            "too_many_returns",
            "0 returns already; the limit is 0",
        ),
    ],
)
def test_refusals(policy: ReturnPolicy, request_: ReturnRequest, code: str, en: str) -> None:
    verdict = policy.check(dispatched(), request_)
    assert (verdict.allowed, verdict.code) == (False, code)
    assert en in verdict.reason_en


def test_not_dispatched_and_bad_arguments() -> None:
    policy = ReturnPolicy("p", reason_required=False)
    c = Complaint("C1", T0, "phone", "complaint", "normal", "01")
    verdict = policy.check(Ticket(c).apply(Intake(T0)), ask(T0.add(hours=1), reason=""))
    assert (verdict.code, verdict.keeps) == ("not_dispatched", None)
    assert policy.check(
        dispatched(), ask(T0.add(days=30), reason="")
    ).allowed  # no window, no reason needed
    with pytest.raises(ValidationError, match="ticket: must be a Ticket"):
        policy.check("t", ask(T0))  # type: ignore[arg-type]  # deliberately wrong input
    with pytest.raises(ValidationError, match="request: must be a ReturnRequest"):
        policy.check(dispatched(), "r")  # type: ignore[arg-type]  # deliberately wrong input


def test_window_from_sign_for() -> None:
    policy = ReturnPolicy("p", window_workdays=1, window_from="sign_for")
    assert policy.deadline(dispatched()) is None  # no window before sign-for
    signed = dispatched(signed=True)
    assert policy.deadline(signed) == pendulum.datetime(2025, 10, 1, tz="Asia/Shanghai")
    assert policy.deadline(signed, calendar=WorkCalendar.china()) == policy.deadline(signed)


def test_policy_validation_and_files(tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match="window_workdays: must be a non-negative integer or None"
    ):
        ReturnPolicy("p", window_workdays=-1)
    with pytest.raises(ValidationError, match="max_returns: must be a non-negative integer"):
        ReturnPolicy("p", max_returns=True)
    with pytest.raises(ValidationError, match="window_from: must be 'dispatch' or 'sign_for'"):
        ReturnPolicy("p", window_from="intake")  # type: ignore[arg-type]  # deliberately wrong input
    with pytest.raises(ValidationError, match="allowed_reasons: must be a list of strings"):
        ReturnPolicy("p", allowed_reasons="地址错误")
    with pytest.raises(ValidationError, match="allowed_reasons: must be a list of strings"):
        ReturnPolicy("p", allowed_reasons=[1])
    path = tmp_path / "returns.toml"
    path.write_text(
        '[city]\nwindow_workdays = 3\nsource = "local rules"\n\n[bad]\nwindow_days = 3\n\n[worse]\nwindow_workdays = "3"\n',
        encoding="utf-8",
    )
    city = ReturnPolicy.from_toml(path, name="city")
    assert (city.window_workdays, city.source, city.name) == (3, "local rules", "city")
    with pytest.raises(
        DataFormatError,
        match=r"returns\.toml:6: bad\.window_days: unknown key 'window_days'; did you mean 'window_workdays'\? allowed: ",
    ):
        ReturnPolicy.from_toml(path, name="bad")
    with pytest.raises(
        DataFormatError,
        match=r"returns\.toml:9: worse\.window_workdays: must be an integer \(got '3'\)$",
    ):
        ReturnPolicy.from_toml(path, name="worse")
    with pytest.raises(
        DataFormatError,
        match=r"returns\.toml: none: no such policy table; tables: city, bad, worse \(got 'none'\)$",
    ):
        ReturnPolicy.from_toml(path, name="none")
    with pytest.raises(
        DataFormatError,
        match=r"missing\.toml: \(file\): cannot read file: No such file or directory$",
    ):
        ReturnPolicy.from_toml(tmp_path / "missing.toml", name="city")
    path.write_text('[city]\nmax_returns = -1\nassumed = ["windows"]\n', encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        ReturnPolicy.from_toml(path, name="city")
    assert [p.reason for p in info.value.problems] == [  # type: ignore[attr-defined]  # a DataFileError
        (
            "unknown key 'windows'; did you mean 'window_from'? allowed: after_window, allowed_reasons, "
            "arbiter, assumed, clock_restarts, max_returns, reason_required, source, window_from, "
            "window_workdays"
        ),
        "must be a non-negative integer",
    ]
    path.write_text("city = 1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"returns\.toml:1: city: must be a table \(got 1\)$"):
        ReturnPolicy.from_toml(path, name="city")


@settings(max_examples=30, deadline=None)
@given(hours=st.integers(1, 24 * 20), days=st.integers(1, 3))
def test_allowed_exactly_before_the_deadline(hours: int, days: int) -> None:
    policy = ReturnPolicy("p", window_workdays=days)
    t = dispatched()
    when = T0.add(hours=1 + hours)
    verdict = policy.check(t, ask(when))
    due = policy.deadline(t)
    assert due is not None
    assert verdict.allowed == (when < due)
    cal = WorkCalendar.china()
    assert cal.workdays_between(T0.date(), due.date()) >= days


# ---------------------------------------------------------------------------------------------------
# The policy as a lifecycle guard

CAL = WorkCalendar.china()


def test_guard_and_guarded_lifecycle() -> None:
    policy = ReturnPolicy.preset("shandong")
    guard = policy.guard(CAL)
    assert guard == ReturnGuard(policy, CAL)
    bj = Lifecycle.preset("beijing")
    lc = policy.lifecycle(calendar=CAL)
    assert lc.name == "beijing+returns-shandong"
    assert lc.guards_for("return_request") == (guard,)
    assert lc.transitions == bj.transitions
    assert policy.lifecycle(bj, name="strict").name == "strict"
    assert policy.lifecycle().guards_for("return_request") == (ReturnGuard(policy),)
    with pytest.raises(RuleError, match=r"^name: a lifecycle with custom guards cannot take"):
        policy.lifecycle(name="beijing")
    t = dispatched()
    assert guard(t, SignFor(T0.add(hours=2), "S01")) is None  # other events pass
    assert guard(t, ask(T0.add(hours=3))) is None


def test_guarded_ticket_refuses_a_late_return_and_the_unit_keeps_it() -> None:
    policy = ReturnPolicy.preset("lvliang")
    lc = policy.lifecycle(calendar=CAL)
    t = Ticket.from_events(dispatched().complaint, dispatched().events, lc)
    assert t.apply(ask(T0.add(hours=3))).state == "return_requested"
    late = ask(pendulum.datetime(2025, 10, 9, 9, tz="Asia/Shanghai"))
    message = (
        "event 'return_request' is not allowed in state 'dispatched': return policy 'lvliang': "
        "the return window (1 working days, until 2025-10-01T00:00:00+08:00) has passed: "
        "the unit becomes the first-handling unit (首办单位) and keeps the ticket"
    )
    with pytest.raises(TransitionError, match=f"^{re.escape(message)}$"):
        t.apply(late)
    with pytest.raises(TransitionError) as info:
        Ticket.from_events(t.complaint, (*t.events, late), lc)
    assert str(info.value) == message
    assert t.lead == "S01"
    # the same refusal as ReturnPolicy.apply, which did the check by hand
    with pytest.raises(TransitionError) as by_hand:
        policy.apply(dispatched(), late, calendar=CAL)
    assert str(by_hand.value) == message
    # the unguarded preset does not know the window
    assert dispatched().apply(late).return_count == 1


def test_guarded_lifecycle_every_refusal_wording() -> None:
    policy = ReturnPolicy("p", window_workdays=2, max_returns=1, allowed_reasons=["地址错误"])
    lc = policy.lifecycle(calendar=CAL)
    t = Ticket.from_events(dispatched().complaint, dispatched().events, lc)
    head = "event 'return_request' is not allowed in state 'dispatched': return policy 'p': "
    with pytest.raises(TransitionError) as info:
        t.apply(ask(T0.add(hours=2), reason="太忙"))
    assert str(info.value) == head + "the reason is not one of the allowed reasons: 太忙"
    # the table's own guards speak first: a co-handler, an empty reason
    with pytest.raises(TransitionError, match="only the current lead 'S01' may send it"):
        t.apply(ask(T0.add(hours=2), actor="S02"))
    t = t.apply(ask(T0.add(hours=2), reason="地址错误"))
    t = t.apply(ReturnDecision(T0.add(hours=3), upheld=False))
    with pytest.raises(TransitionError) as info:
        t.apply(ask(T0.add(hours=4), reason="地址错误"))
    assert str(info.value) == head + "1 returns already; the limit is 1"


LOOSE = """
[lifecycle]
name = "loose"
initial = "new"

[states]
new = { open = true }
received = { open = true }
dispatched = { open = true }
returned = { open = true }

[[transitions]]
from = ["new"]
event = "intake"
to = "received"

[[transitions]]
from = ["received"]
event = "dispatch"
to = "dispatched"

[[transitions]]
from = ["dispatched"]
event = "arbitration"
to = "stay"

[[transitions]]
from = ["dispatched"]
event = "return_request"
to = "returned"
"""


def test_guard_enforces_the_policy_on_a_table_without_return_rules() -> None:
    loose = Lifecycle.from_toml_text(LOOSE)
    lc = ReturnPolicy.preset("beijing").lifecycle(loose, calendar=CAL)
    assert lc.name == "loose+returns-beijing"
    c = dispatched().complaint
    t = Ticket(c, (Intake(T0), Dispatch(T0.add(hours=1), lead="S01")), lc)
    head = "event 'return_request' is not allowed in state 'dispatched': return policy 'beijing': "
    with pytest.raises(TransitionError) as info:
        t.apply(ask(T0.add(hours=2), actor="S02"))
    assert str(info.value) == head + "only the lead unit S01 may return the ticket"
    with pytest.raises(TransitionError) as info:
        t.apply(ask(T0.add(hours=2), reason=""))
    assert str(info.value) == head + "a return must state its reason"
    pinned = t.apply(Arbitration(T0.add(hours=2), lead="S01"))
    with pytest.raises(TransitionError) as info:
        pinned.apply(ask(T0.add(hours=3)))
    assert str(info.value) == (head + "arbitrated: the lead is pinned and no return is accepted")
    assert Ticket(c, pinned.events, loose).apply(ask(T0.add(hours=3))).state == "returned"
    assert t.apply(ask(T0.add(hours=3))).state == "returned"


def test_guarded_ticket_round_trips_with_its_lifecycle() -> None:
    lc = ReturnPolicy.preset("shandong").lifecycle(calendar=CAL)
    t = Ticket.from_events(dispatched().complaint, dispatched().events, lc)
    t = t.apply(ask(T0.add(hours=3)))
    text = dumps(t)
    with pytest.raises(DataFormatError, match=r"^\$\.lifecycle: is not a bundled preset"):
        loads(text, Ticket)
    back = loads(text, Ticket, lifecycle=lc)
    assert back == t
    assert back.lifecycle.guards_for("return_request") == (
        ReturnGuard(ReturnPolicy.preset("shandong"), CAL),
    )


POLICIES = (
    *(ReturnPolicy.preset(name) for name in ReturnPolicy.presets()),
    ReturnPolicy("sign-window", window_workdays=1, window_from="sign_for", max_returns=2),
    ReturnPolicy("reasons", window_workdays=3, allowed_reasons=["地址错误", "非本单位职责"]),
    ReturnPolicy("open", reason_required=False, max_returns=1),
)


def _refusal(policy: ReturnPolicy, ticket: Ticket, event: Event) -> str | None:
    if not isinstance(event, ReturnRequest):
        return None
    verdict = policy.check(ticket, event, calendar=CAL)
    return None if verdict else f"return policy {policy.name!r}: {verdict.reason_en}"


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_guarded_apply_succeeds_iff_the_policy_allows(data: st.DataObject) -> None:
    policy = data.draw(st.sampled_from(POLICIES), label="policy")
    received = zoned_datetimes(
        min_value=dt.datetime(2024, 1, 1),
        max_value=dt.datetime(2026, 10, 31),
    )
    ticket = data.draw(
        tickets(
            final_state=data.draw(st.sampled_from(["dispatched", "signed"])),
            max_events=10,
            complaint=complaints(received_at=received),
            units=("S01", "S02", "D07"),
        ),
        label="ticket",
    )
    last = ticket.events[-1].at
    lead = ticket.lead or "S01"
    request = ReturnRequest(
        last.add(
            days=data.draw(st.sampled_from([0, 0, 1, 2, 3, 5, 8]), label="days"),
            minutes=data.draw(st.integers(0, 60 * 24 - 1), label="minutes"),
        ),
        actor=data.draw(st.sampled_from([lead, lead, lead, "S02", "D07"]), label="actor"),
        reason=data.draw(
            st.sampled_from(["非本单位职责", "非本单位职责", "地址错误", "太忙", ""]),
            label="reason",
        ),
    )
    lc = policy.lifecycle(calendar=CAL)

    # replay: the guarded lifecycle refuses exactly the first earlier return the policy refuses
    first_refused = next(
        (
            (i, why)
            for i, e in enumerate(ticket.events)
            if (why := _refusal(policy, Ticket(ticket.complaint, ticket.events[:i]), e))
        ),
        None,
    )
    if first_refused is not None:
        i, why = first_refused
        event("replay refused")
        with pytest.raises(TransitionError) as info:
            Ticket.from_events(ticket.complaint, ticket.events, lc)
        state = ticket.history()[i - 1][1]
        assert str(info.value) == (
            f"event 'return_request' is not allowed in state {state!r}: {why}"
        )
        return
    guarded = Ticket.from_events(ticket.complaint, ticket.events, lc)
    assert guarded.history() == ticket.history()

    # apply: the table's refusal unchanged; otherwise succeeds iff policy.check allows
    try:
        unguarded = ticket.apply(request)
    except TransitionError as exc:
        table_says = str(exc)
    else:
        table_says = ""
    if table_says:
        event("the table refuses")
        with pytest.raises(TransitionError) as info:
            guarded.apply(request)
        assert str(info.value) == table_says
        return
    verdict = policy.check(ticket, request, calendar=CAL)
    event(f"policy: {verdict.code}")
    if verdict:
        after = guarded.apply(request)
        assert after.events == unguarded.events
        assert after.state == unguarded.state
    else:
        with pytest.raises(TransitionError) as info:
            guarded.apply(request)
        assert str(info.value) == (
            f"event 'return_request' is not allowed in state {ticket.state!r}: "
            f"return policy {policy.name!r}: {verdict.reason_en}"
        )
        assert verdict.keeps == ticket.lead
