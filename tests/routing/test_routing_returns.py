"""Return policies: presets, every refusal, the working-day window, arbitration pins the lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.calendar import WorkCalendar
from jiesu.errors import DataFormatError, RuleError, TransitionError, ValidationError
from jiesu.model import (
    Arbitration,
    Complaint,
    Dispatch,
    Intake,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Ticket,
)
from jiesu.routing import ReturnPolicy

if TYPE_CHECKING:
    from pathlib import Path

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
        policy.check("t", ask(T0))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="request: must be a ReturnRequest"):
        policy.check(dispatched(), "r")  # type: ignore[arg-type]


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
        ReturnPolicy("p", window_from="intake")  # type: ignore[arg-type]
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
        DataFormatError, match=r"returns.toml#bad: unknown keys; known: .*window_workdays"
    ):
        ReturnPolicy.from_toml(path, name="bad")
    with pytest.raises(
        DataFormatError,
        match=r"returns.toml#worse: window_workdays: must be a non-negative integer",
    ):
        ReturnPolicy.from_toml(path, name="worse")
    with pytest.raises(DataFormatError, match="returns.toml#none: no such policy table"):
        ReturnPolicy.from_toml(path, name="none")
    with pytest.raises(DataFormatError, match="cannot read the policy file"):
        ReturnPolicy.from_toml(tmp_path / "missing.toml", name="city")


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
