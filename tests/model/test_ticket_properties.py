"""Lifecycle invariants over generated histories (Beijing preset)."""

from __future__ import annotations

from hypothesis import given, settings

from jiesu.model import Ticket
from jiesu.testing import tickets


def _count(ticket: Ticket, kind: str) -> int:
    return sum(e.kind == kind for e in ticket.events)


@settings(max_examples=60)
@given(tickets(max_events=25))
def test_derived_facts_agree_with_the_history(ticket: Ticket) -> None:
    assert (ticket.closed_at is None) == ticket.is_open
    assert ticket.return_count == _count(ticket, "return_request") == len(ticket.returns)
    assert ticket.reopen_count == _count(ticket, "reopen")
    assert len(ticket.pauses) == _count(ticket, "tracking_start")
    assert all(stop is None or start <= stop for start, stop in ticket.pauses)
    assert all(stop is not None for _, stop in ticket.pauses[:-1])
    still_paused = bool(ticket.pauses) and ticket.pauses[-1][1] is None
    if ticket.state == "tracking":
        assert still_paused
    if (
        still_paused
    ):  # a tracked ticket only leaves tracking by tracking_stop, or by closing (merge)
        assert ticket.state == "tracking" or not ticket.is_open
    assert len(ticket.extensions) <= _count(ticket, "extension_request")
    assert len(ticket.supervisions) == _count(ticket, "supervision")
    assert (ticket.merged_into is not None) == (_count(ticket, "merge") == 1)
    assert ticket.lead not in ticket.co_handlers
    if ticket.answered_at_intake or ticket.not_dispatched is not None:
        assert ticket.lead is None
        assert ticket.first_dispatched_at is None
    if ticket.signed_at is not None:
        assert ticket.dispatched_at is not None
        assert ticket.dispatched_at <= ticket.signed_at
    if ticket.first_contact_at is not None:
        assert ticket.signed_at is not None
        assert ticket.signed_at <= ticket.first_contact_at
    if ticket.first_dispatched_at is not None:
        assert ticket.dispatched_at is not None
        assert ticket.first_dispatched_at <= ticket.dispatched_at
    if ticket.state in {"handling", "tracking", "replied"}:
        assert ticket.first_contact_at is not None


@settings(max_examples=40)
@given(tickets(max_events=20))
def test_arbitration_closes_returns(ticket: Ticket) -> None:
    kinds = [e.kind for e in ticket.events]
    if "arbitration" in kinds:
        assert "return_request" not in kinds[kinds.index("arbitration") :]
        assert ticket.arbitrated


@settings(max_examples=40)
@given(tickets(max_events=20))
def test_apply_step_by_step_equals_replay(ticket: Ticket) -> None:
    built = Ticket(ticket.complaint, (), ticket.lifecycle)
    for (event, state), i in zip(ticket.history(), range(len(ticket.events)), strict=True):
        before = built
        built = built.apply(event)
        assert built.state == state
        assert before.events == ticket.events[:i]  # the old ticket is unchanged
    assert built == ticket
    assert hash(built) == hash(ticket)


@settings(max_examples=40)
@given(tickets(min_events=1, max_events=20))
def test_exclusion_and_supervision_do_not_change_state(ticket: Ticket) -> None:
    for i, event in enumerate(ticket.events):
        if event.kind in {
            "supervision",
            "exclusion_request",
            "exclusion_decision",
            "extension_request",
        }:
            before = Ticket(ticket.complaint, ticket.events[:i], ticket.lifecycle)
            after = before.apply(event)
            assert after.state == before.state
