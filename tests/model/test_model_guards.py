"""Custom lifecycle guards: added with Lifecycle.with_guards, run after the table, kept through replay."""

from __future__ import annotations

import pickle
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import DataFormatError, RuleError, TransitionError, ValidationError
from jiesu.model import (
    Complaint,
    Dispatch,
    Event,
    Guard,
    Intake,
    Lifecycle,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Ticket,
    dumps,
    loads,
)
from jiesu.testing import tickets

T0 = pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai")
BJ = Lifecycle.preset("beijing")


def complaint() -> Complaint:
    return Complaint("C1", T0, "phone", "complaint", "normal", "01.02.03")


def no_s02(ticket: Ticket, event: Event) -> str | None:
    """Refuse a sign-for by S02 (whose lead it is is already checked by the table)."""
    del ticket
    return "S02 is suspended" if getattr(event, "actor", None) == "S02" else None


def once(ticket: Ticket, event: Event) -> str | None:
    """At most one return per ticket."""
    del event
    return "only one return" if ticket.return_count >= 1 else None


def dispatched(lifecycle: Lifecycle, lead: str = "S01") -> Ticket:
    return Ticket(complaint(), (Intake(T0), Dispatch(T0.add(hours=1), lead)), lifecycle)


def test_preset_has_no_guards_and_is_unchanged() -> None:
    assert BJ.guards == ()
    assert BJ.guards_for("return_request") == ()
    guarded = BJ.with_guards({"sign_for": no_s02})
    assert BJ.guards == ()  # with_guards returns a new lifecycle
    assert guarded.transitions == BJ.transitions
    assert guarded.states == BJ.states
    assert guarded != BJ
    assert hash(guarded) == hash(BJ.with_guards({"sign_for": no_s02}))
    assert guarded == BJ.with_guards({"sign_for": no_s02})


def test_names() -> None:
    assert BJ.with_guards({"sign_for": no_s02}).name == "beijing+guards"
    twice = BJ.with_guards({"sign_for": no_s02}).with_guards({"return_request": [once]})
    assert twice.name == "beijing+guards"
    assert twice.guards == (("sign_for", no_s02), ("return_request", once))
    assert BJ.with_guards({}, name="bj-strict").name == "bj-strict"
    assert repr(BJ.with_guards({}, name="bj-strict")) == "Lifecycle('bj-strict')"


def test_several_guards_run_in_order() -> None:
    def first(ticket: Ticket, event: Event) -> str | None:
        del ticket, event
        return "first says no"

    def second(ticket: Ticket, event: Event) -> str | None:
        del ticket, event
        return "second says no"

    lc = BJ.with_guards({"sign_for": [first, second]})
    assert lc.guards_for("sign_for") == (first, second)
    t = dispatched(lc)
    with pytest.raises(TransitionError, match="first says no$"):
        t.apply(SignFor(T0.add(hours=2), "S01"))
    lc2 = BJ.with_guards({"sign_for": (no_s02, second)})
    with pytest.raises(TransitionError, match="second says no$"):
        dispatched(lc2).apply(SignFor(T0.add(hours=2), "S01"))


@pytest.mark.parametrize(
    ("guards", "name", "error", "message"),
    [
        (
            [("sign_for", no_s02)],
            None,
            ValidationError,
            r"^guards: must be a mapping of event kind to guard\(s\) \(got \[",
        ),
        (
            {"signing": no_s02},
            None,
            ValidationError,
            r"^guards: unknown event kind; allowed: intake, .* \(got 'signing'\)$",
        ),
        (
            {"sign_for": "no_s02"},
            None,
            ValidationError,
            r"^guards\['sign_for'\]: must be a guard or a sequence of guards \(got 'no_s02'\)$",
        ),
        (
            {"sign_for": 3},
            None,
            ValidationError,
            r"^guards\['sign_for'\]: must be a guard or a sequence of guards \(got 3\)$",
        ),
        (
            {"sign_for": [no_s02, 3]},
            None,
            ValidationError,
            r"^guards\['sign_for'\]: must be callable \(ticket, event\) -> str \| None \(got 3\)$",
        ),
        ({"sign_for": no_s02}, "", RuleError, r"^name: must be a non-empty string \(got ''\)$"),
        (
            {"sign_for": no_s02},
            "beijing",
            RuleError,
            (
                r"^name: a lifecycle with custom guards cannot take a bundled preset's name "
                r"\(got 'beijing'\)$"
            ),
        ),
    ],
)
def test_with_guards_refuses(
    guards: object, name: str | None, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        BJ.with_guards(guards, name=name)  # type: ignore[arg-type] # deliberately wrong types


def test_constructor_checks_guards() -> None:
    fields: dict[str, Any] = {
        "name": "x",
        "title": "",
        "source": "",
        "initial": BJ.initial,
        "states": BJ.states,
        "transitions": BJ.transitions,
    }
    with pytest.raises(ValidationError, match=r"^guards: must be \(event kind, guard\) pairs"):
        Lifecycle(**fields, guards=3)
    with pytest.raises(ValidationError, match=r"^guards: must be \(event kind, guard\) pairs"):
        Lifecycle(**fields, guards="ab")
    with pytest.raises(
        ValidationError, match=r"^guards: must be \(event kind, guard\) pairs \(got 'sign_for'\)$"
    ):
        Lifecycle(**fields, guards=["sign_for"])
    lc = Lifecycle(**fields, guards=[("sign_for", no_s02)])
    assert lc.guards == (("sign_for", no_s02),)


def test_guard_refusal_names_state_event_and_reason() -> None:
    lc = BJ.with_guards({"sign_for": no_s02})
    t = dispatched(lc, lead="S02")
    with pytest.raises(
        TransitionError,
        match=r"^event 'sign_for' is not allowed in state 'dispatched': S02 is suspended$",
    ) as info:
        t.apply(SignFor(T0.add(hours=2), "S02"))
    assert (info.value.state, info.value.event) == ("dispatched", "sign_for")
    with pytest.raises(TransitionError, match="S02 is suspended$"):
        t.transition_for(SignFor(T0.add(hours=2), "S02"))
    # other events and other actors pass
    assert dispatched(lc).apply(SignFor(T0.add(hours=2), "S01")).state == "signed"


def test_table_guards_run_first() -> None:
    def never(ticket: Ticket, event: Event) -> str | None:
        del ticket, event
        return "custom guard"

    t = dispatched(BJ.with_guards({"sign_for": never}))
    with pytest.raises(TransitionError, match=r"only the current lead 'S01' may send it"):
        t.apply(SignFor(T0.add(hours=2), "S09"))
    with pytest.raises(TransitionError, match=r"earlier than the previous event"):
        t.apply(SignFor(T0, "S01"))
    with pytest.raises(TransitionError, match=r"custom guard$"):
        t.apply(SignFor(T0.add(hours=2), "S01"))


def test_guard_reads_the_ticket_before_the_event() -> None:
    seen: list[tuple[str, int, str | None]] = []

    def spy(ticket: Ticket, event: Event) -> str | None:
        del event
        seen.append((ticket.state, len(ticket.events), "signed" if ticket.signed_at else None))
        return None

    lc = BJ.with_guards({"return_request": spy})
    t = dispatched(lc).apply(SignFor(T0.add(hours=2), "S01"))
    t.apply(ReturnRequest(T0.add(hours=3), "S01", "不属本单位"))
    assert seen == [("signed", 3, "signed")]
    seen.clear()
    Ticket.from_events(complaint(), (*t.events, ReturnRequest(T0.add(hours=3), "S01", "x")), lc)
    assert seen == [("signed", 3, "signed")]


def test_bad_guard_results_are_rule_errors() -> None:
    def yes_no(ticket: Ticket, event: Event) -> str | None:
        del ticket, event
        return False  # type: ignore[return-value] # deliberately wrong: a bool, not a reason

    def empty(ticket: Ticket, event: Event) -> str | None:
        del ticket, event
        return ""

    for guard, shown in ((yes_no, "False"), (empty, "''")):
        t = dispatched(BJ.with_guards({"sign_for": guard}))
        with pytest.raises(
            RuleError,
            match=rf"^guards\['sign_for'\]: a guard must return None or a non-empty reason "
            rf"\(got {shown}\)$",
        ):
            t.apply(SignFor(T0.add(hours=2), "S01"))


def test_replay_and_serialization_keep_guards() -> None:
    lc = BJ.with_guards({"return_request": once}, name="bj-one-return")
    signed = dispatched(lc).apply(SignFor(T0.add(hours=2), "S01"))
    first = ReturnRequest(T0.add(hours=3), "S01", "不属本单位")
    again = ReturnRequest(T0.add(hours=5), "S01", "again")
    kept = signed.apply(first).apply(ReturnDecision(T0.add(hours=4), upheld=False))
    assert kept.history()[-1][1] == "signed"
    message = r"^event 'return_request' is not allowed in state 'signed': only one return$"
    with pytest.raises(TransitionError, match=message):
        kept.apply(again)
    events = (*kept.events, again)
    with pytest.raises(TransitionError, match=message):
        Ticket.from_events(complaint(), events, lc)
    with pytest.raises(TransitionError, match=message):
        Ticket(complaint(), events, lc)
    # the unguarded preset accepts the same history
    loose = Ticket.from_events(complaint(), events, BJ)
    assert loose.return_count == 2

    text = dumps(kept)
    assert '"lifecycle":"bj-one-return"' in text
    with pytest.raises(DataFormatError, match=r"^\$\.lifecycle: is not a bundled preset"):
        loads(text, Ticket)
    back = loads(text, Ticket, lifecycle=lc)
    assert back == kept
    assert back.lifecycle.guards_for("return_request") == (once,)
    with pytest.raises(TransitionError, match=message):
        back.apply(again)
    # a stored history the guard refuses is refused on load, at the refused event
    bad = dumps(loose).replace('"lifecycle":"beijing"', '"lifecycle":"bj-one-return"')
    with pytest.raises(
        DataFormatError, match=r"^\$\.events\[5\]: event 'return_request' .*one return"
    ):
        loads(bad, Ticket, lifecycle=lc)


def test_pickle_round_trip_keeps_guards() -> None:
    lc = BJ.with_guards({"return_request": once})
    t = dispatched(lc)
    back = pickle.loads(pickle.dumps(t))  # noqa: S301 - our own data
    assert back == t
    assert back.lifecycle.guards_for("return_request") == (once,)


def test_guard_protocol() -> None:
    guard: Guard = no_s02
    assert guard(dispatched(BJ), SignFor(T0, "S02")) == "S02 is suspended"


@settings(max_examples=40, deadline=None)
@given(tickets(max_events=12), st.sampled_from(["S01", "S02", "D07"]))
def test_guarded_replay_refuses_exactly_the_refused_events(ticket: Ticket, banned: str) -> None:
    def ban(ticket: Ticket, event: Event) -> str | None:
        del ticket
        return f"{banned} banned" if getattr(event, "actor", None) == banned else None

    lc = ticket.lifecycle.with_guards(dict.fromkeys(("sign_for", "reply"), ban))
    hit = [
        i
        for i, e in enumerate(ticket.events)
        if e.kind in {"sign_for", "reply"} and getattr(e, "actor", None) == banned
    ]
    if hit:
        event = ticket.events[hit[0]]
        with pytest.raises(TransitionError, match=f": {banned} banned$") as info:
            Ticket.from_events(ticket.complaint, ticket.events, lc)
        assert info.value.event == event.kind
    else:
        guarded = Ticket.from_events(ticket.complaint, ticket.events, lc)
        assert guarded.history() == ticket.history()
    # the unguarded lifecycle is unchanged
    assert Ticket.from_events(ticket.complaint, ticket.events, ticket.lifecycle) == ticket
