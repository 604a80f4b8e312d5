"""Simulated event histories: every one is accepted by the beijing lifecycle, with realistic mixes."""

from __future__ import annotations

import collections
from functools import cache

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import ValidationError
from jiesu.model import (
    Arbitration,
    Callback,
    CallbackOutcome,
    Complaint,
    Dispatch,
    DispatchMode,
    Event,
    ExclusionDecision,
    ExtensionDecision,
    Merge,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Supervision,
    Ticket,
)
from jiesu.sample import generate_complaints, simulate
from jiesu.sample._simulate import HANDLING_LIMIT_HOURS

LEADS = ("D-ZJW", "S03", "P-HEAT", "SLQ")


@cache
def _complaints() -> list[Complaint]:
    return generate_complaints(year=2025, month=1, n=2500, seed=21)


@cache
def _histories() -> list[tuple[Event, ...]]:
    out = []
    for i, c in enumerate(_complaints()):
        lead = LEADS[i % len(LEADS)]
        co = ("D-CGJ", "S05") if i % 3 == 0 else ()
        out.append(simulate(c, lead=lead, co_handlers=co, seed=4))
    return out


@cache
def _tickets() -> list[Ticket]:
    return [Ticket.from_events(c, h) for c, h in zip(_complaints(), _histories(), strict=True)]


def _kinds(history: tuple[Event, ...]) -> list[str]:
    return [e.kind for e in history]


def test_every_history_is_accepted_and_closed() -> None:
    tickets = _tickets()
    assert all(t.state == "archived" for t in tickets)
    for history in _histories():
        assert history[0].kind == "intake"
        assert history[-1].kind == "archive"
        times = [e.at for e in history]
        assert times == sorted(times)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), index=st.integers(0, 99), lead=st.sampled_from(LEADS))
def test_any_seed_gives_an_accepted_history(seed: int, index: int, lead: str) -> None:
    complaint = _complaints()[index]
    history = simulate(complaint, lead=lead, co_handlers=("D-CGJ",), seed=seed)
    ticket = Ticket(complaint)
    for event in history:
        ticket = ticket.apply(event)
    assert ticket.state == "archived"
    assert simulate(complaint, lead=lead, co_handlers=("D-CGJ",), seed=seed) == history


def test_every_event_kind_occurs() -> None:
    seen = collections.Counter(k for h in _histories() for k in _kinds(h))
    for kind in ("intake", "answered_at_intake", "not_dispatched", "dispatch", "sign_for",
                 "return_request", "return_decision", "arbitration", "first_contact",
                 "extension_request", "extension_decision", "tracking_start", "tracking_stop",
                 "supervision", "reply", "callback", "reopen", "merge", "exclusion_request",
                 "exclusion_decision", "archive"):  # fmt: skip
        assert seen[kind] > 0, kind


def _share(predicate: list[bool]) -> float:
    return sum(predicate) / len(predicate)


def test_mixes_within_ranges() -> None:
    tickets = _tickets()
    dispatched = [t for t in tickets if t.first_dispatched_at is not None]
    assert 0.08 < _share([t.answered_at_intake for t in tickets]) < 0.16
    assert 0.01 < _share([t.not_dispatched is not None for t in tickets]) < 0.04
    assert 0.05 < _share([t.return_count > 0 for t in dispatched]) < 0.12
    assert 0.03 < _share([bool(t.extensions) for t in dispatched]) < 0.08
    assert 0.01 < _share([bool(t.pauses) for t in dispatched]) < 0.06
    assert 0.02 < _share([t.reopen_count > 0 for t in dispatched]) < 0.10
    assert 0.005 < _share([t.exclusion is not None for t in dispatched]) < 0.03
    called = [t.callback for t in dispatched if t.callback is not None]
    unreachable = [c.outcome is not CallbackOutcome.ANSWERED for c in called]
    assert 0.04 < _share(unreachable) < 0.14
    answered = [c for c in called if c.outcome is CallbackOutcome.ANSWERED]
    assert 0.6 < _share([bool(c.solved) for c in answered]) < 0.85


def test_some_tickets_are_late() -> None:
    tickets = [t for t in _tickets() if t.signed_at is not None and t.first_contact_at is not None]
    late_contact = [t.first_contact_at - t.signed_at > pendulum.duration(hours=24) for t in tickets]  # type: ignore[operator]  # the value is present in this fixture
    assert 0.02 < _share(late_contact) < 0.10
    normal = [t for t in tickets if t.complaint.urgency.value == "normal" and t.replied_at]
    late_reply = [t.replied_at - t.first_contact_at > pendulum.duration(days=7) for t in normal]  # type: ignore[operator]  # the value is present in this fixture
    assert 0.05 < _share(late_reply) < 0.25


def test_return_paths() -> None:
    decisions = [e for h in _histories() for e in h if isinstance(e, ReturnDecision)]
    assert any(d.upheld for d in decisions)
    assert any(not d.upheld for d in decisions)
    upheld = [
        t for t in _tickets() if any(isinstance(e, ReturnDecision) and e.upheld for e in t.events)
    ]
    for t in upheld:
        first = next(e for e in t.events if isinstance(e, Dispatch))
        assert t.lead != first.lead
        assert t.lead in (*first.co_handlers, "SLQ")
    assert any(isinstance(e, Arbitration) for h in _histories() for e in h)
    assert any(t.arbitrated for t in _tickets())
    signed_then_returned = [
        h for h in _histories()
        if [e.kind for e in h if isinstance(e, (SignFor, ReturnRequest))][:2] == ["sign_for", "return_request"]
    ]  # fmt: skip
    assert signed_then_returned


def test_district_lead_without_co_handlers_keeps_its_returns() -> None:
    complaints = _complaints()[:600]
    histories = [simulate(c, lead="SLQ", seed=8) for c in complaints]
    decisions = [e for h in histories for e in h if isinstance(e, ReturnDecision)]
    assert decisions
    assert not any(d.upheld for d in decisions)
    modes = {e.mode for h in histories for e in h if isinstance(e, Dispatch)}
    assert modes == {DispatchMode.VIA_DISTRICT}


def test_mode_can_be_given() -> None:
    complaint = next(c for c in _complaints() if c.kind.value == "complaint")
    history = simulate(complaint, lead="SLQ", seed=3, mode=DispatchMode.DIRECT)
    assert Ticket.from_events(complaint, history).dispatch_mode is DispatchMode.DIRECT


def test_decisions_both_ways() -> None:
    events = [e for h in _histories() for e in h]
    extensions = [e for e in events if isinstance(e, ExtensionDecision)]
    assert {e.approved for e in extensions} == {True, False}
    exclusions = [e for e in events if isinstance(e, ExclusionDecision)]
    assert {e.approved for e in exclusions} == {True, False}
    assert {e.approver for e in exclusions} == {"H-12345"}
    assert {e.level for e in events if isinstance(e, Supervision)} == {"yellow", "red"}
    outcomes = {e.outcome for e in events if isinstance(e, Callback)}
    assert outcomes == set(CallbackOutcome)


def test_unreachable_callbacks_are_sometimes_retried() -> None:
    retried = 0
    for h in _histories():
        calls = [e for e in h if isinstance(e, Callback)]
        if len(calls) >= 2 and calls[0].outcome is not CallbackOutcome.ANSWERED:
            retried += 1
    assert retried > 0


def test_merge_names_the_previous_ticket() -> None:
    merges = [
        (c, e)
        for c, h in zip(_complaints(), _histories(), strict=True)
        for e in h
        if isinstance(e, Merge)
    ]
    assert merges
    for complaint, merge in merges:
        assert merge.into == complaint.id[:-6] + f"{max(1, int(complaint.id[-6:]) - 1):06d}"


def test_merge_with_a_non_numeric_id() -> None:
    base = _complaints()[0]
    for seed in range(2000):
        complaint = Complaint(
            id="ABC-XYZ",
            received_at=base.received_at,
            channel=base.channel,
            kind="complaint",
            urgency=base.urgency,
            category=base.category,
        )
        history = simulate(complaint, lead="D-ZJW", seed=seed)
        merges = [e for e in history if isinstance(e, Merge)]
        if merges:
            assert merges[0].into == "原工单"
            assert Ticket.from_events(complaint, history).merged_into == "原工单"
            return
    pytest.fail("no merge in 2000 seeds")  # pragma: no cover - the shares make this impossible


def test_until_keeps_a_valid_prefix() -> None:
    complaint = _complaints()[500]
    full = simulate(complaint, lead="D-ZJW", seed=1)
    cut = full[len(full) // 2].at
    prefix = simulate(complaint, lead="D-ZJW", seed=1, until=cut)
    assert prefix == tuple(e for e in full if e.at <= cut)
    assert Ticket.from_events(complaint, prefix).state != "archived"


def test_bad_arguments() -> None:
    complaint = _complaints()[0]
    with pytest.raises(ValidationError, match=r"lead: must be a non-empty unit code \(got ' '\)"):
        simulate(complaint, lead=" ", seed=1)
    with pytest.raises(ValidationError, match=r"co_handlers: the lead cannot also be a co-handler"):
        simulate(complaint, lead="S01", co_handlers=["S01"], seed=1)
    with pytest.raises(ValidationError, match=r"seed: must be an integer"):
        simulate(complaint, lead="S01", seed=-3)
    with pytest.raises(ValidationError, match=r"until: must be an aware datetime"):
        simulate(complaint, lead="S01", seed=1, until=pendulum.naive(2025, 1, 5))


def test_first_callback_comes_after_the_handling_limit() -> None:
    for ticket in _tickets():
        calls = [e for e in ticket.events if isinstance(e, Callback)]
        if not calls or ticket.first_dispatched_at is None:
            continue
        limit = HANDLING_LIMIT_HOURS[ticket.complaint.urgency]
        assert calls[0].at >= ticket.first_dispatched_at.add(hours=limit)
        assert calls[0].at > ticket.replied_at or ticket.reopen_count  # type: ignore[operator]  # the value is present in this fixture
