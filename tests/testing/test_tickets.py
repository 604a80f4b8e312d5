from __future__ import annotations

from typing import cast

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, UnsatisfiedAssumption

import jiesu.testing
from jiesu.errors import TransitionError
from jiesu.model import (
    EVENT_TYPES,
    Archive,
    Complaint,
    Dispatch,
    Duration,
    Event,
    Intake,
    Lifecycle,
    ReturnRequest,
    SignFor,
    Ticket,
    TimeUnit,
)
from jiesu.testing import _tickets, durations, events, invalid_events, tickets

BJ = Lifecycle.preset("beijing")
MINI_TEXT = """
[lifecycle]
name = "mini"
initial = "new"

[states]
new = { open = true }
open = { open = true }
done = { open = false }

[[transitions]]
from = ["new"]
event = "intake"
to = "open"

[[transitions]]
from = ["open"]
event = "dispatch"
to = "stay"

[[transitions]]
from = ["open"]
event = "sign_for"
to = "stay"
actor = "handler"
requires = ["actor"]

[[transitions]]
from = ["open"]
event = "archive"
to = "done"
"""
MINI = Lifecycle.from_toml_text(MINI_TEXT)


@settings(max_examples=30)
@given(st.from_type(Ticket))
def test_from_type_gives_valid_tickets(ticket: Ticket) -> None:
    assert Ticket.from_events(ticket.complaint, ticket.events, ticket.lifecycle) == ticket
    assert ticket.state in {s.name for s in ticket.lifecycle.states}
    times = [e.at for e in ticket.events]
    assert times == sorted(times)


@settings(max_examples=10)
@given(st.from_type(Event), st.from_type(Duration), st.from_type(Lifecycle))  # type: ignore[arg-type]  # a union type is a valid from_type argument
def test_from_type_for_events_duration_lifecycle(event: Event, d: Duration, lc: Lifecycle) -> None:
    assert event.kind in EVENT_TYPES
    assert d.amount >= 1
    assert lc is BJ


@pytest.mark.parametrize("kind", list(EVENT_TYPES))
@settings(max_examples=15)
@given(data=st.data())
def test_events_of_every_kind(kind: str, data: st.DataObject) -> None:
    event = data.draw(events(kind, units=["A", "B", "C"]))
    assert event.kind == kind
    assert type(event) is EVENT_TYPES[kind]


@pytest.mark.parametrize(
    "state",
    [
        "new",
        "received",
        "answered",
        "not_dispatched",
        "handling",
        "tracking",
        "called_back",
        "merged",
        "archived",
    ],
)
@settings(max_examples=8)
@given(data=st.data())
def test_final_state(state: str, data: st.DataObject) -> None:
    ticket = data.draw(tickets(final_state=state))
    assert ticket.state == state


@settings(max_examples=6)
@given(tickets(final_state="archived", returns=True, reopen=True, min_events=5, max_events=40))
def test_returns_and_reopen_required(ticket: Ticket) -> None:
    assert ticket.return_count >= 1
    assert ticket.reopen_count >= 1
    assert 5 <= len(ticket.events) <= 40


@settings(max_examples=15)
@given(tickets(returns=False, reopen=False, min_events=3, max_events=12))
def test_returns_and_reopen_forbidden(ticket: Ticket) -> None:
    assert ticket.return_count == 0
    assert ticket.reopen_count == 0
    assert 3 <= len(ticket.events) <= 12


@settings(max_examples=10)
@given(tickets(max_events=0))
def test_no_events(ticket: Ticket) -> None:
    assert ticket.state == "new"


WINDOWED = Lifecycle.from_toml_text(
    MINI_TEXT.replace(
        'event = "sign_for"\nto = "stay"',
        'event = "sign_for"\nto = "stay"\nwithin = { since = "dispatched_at", duration = "6h" }',
    )
)


@settings(max_examples=15)
@given(tickets(lifecycle=MINI, units=["A", "B"], complaint=st.from_type(Complaint)))
def test_custom_lifecycle(ticket: Ticket) -> None:
    assert ticket.lifecycle is MINI


@settings(max_examples=15)
@given(tickets(lifecycle=WINDOWED, units=["A", "B"]))
def test_custom_lifecycle_with_a_time_window(ticket: Ticket) -> None:
    assert Ticket.from_events(ticket.complaint, ticket.events, WINDOWED) == ticket
    assert WINDOWED.rows("open", "sign_for")[0].within is not None


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (
            tickets(final_state="limbo"),
            r"final_state='limbo' is not a state of lifecycle 'beijing'",
        ),
        (tickets(min_events=-1), r"min_events=-1 must be a non-negative integer"),
        (tickets(max_events=True), r"max_events=True must be a non-negative integer"),
        (tickets(min_events=5, max_events=2), r"min_events=5 must not exceed max_events=2"),
        (tickets(returns="yes"), r"returns='yes' must be True, False or None"),  # type: ignore[arg-type]  # deliberately wrong
        (tickets(units=["A"]), r"units=\('A',\) must hold at least two distinct"),
        (
            tickets(final_state="archived", max_events=2),
            r"cannot reach final_state='archived' \(returns=None, reopen=None\) within max_events=2",
        ),
        (
            tickets(lifecycle=MINI, returns=True),
            r"lifecycle 'mini' cannot reach final_state=None \(returns=True",
        ),
        (events("teleport"), r"kind='teleport' is not an event kind"),
        (events(units=["A", ""]), r"must hold at least two distinct non-empty codes"),
    ],
)
def test_impossible_parameters_fail_at_draw_time(
    strategy: st.SearchStrategy[object], message: str
) -> None:
    @given(strategy)
    def draw(_: object) -> None:
        raise AssertionError  # pragma: no cover - the draw fails first

    with pytest.raises(InvalidArgument, match=message):
        draw()


def test_repr_shows_construction() -> None:
    assert repr(tickets(final_state="archived")) == "tickets(final_state='archived')"
    assert repr(events("dispatch")) == "events(kind='dispatch')"
    assert "builds(Duration" in repr(durations(units=[TimeUnit.WORKING_DAYS]))


@settings(max_examples=25)
@given(tickets(max_events=10), st.data())
def test_invalid_events_are_refused(ticket: Ticket, data: st.DataObject) -> None:
    event = data.draw(invalid_events(ticket))
    with pytest.raises(TransitionError):
        ticket.apply(event)


@settings(max_examples=20)
@given(tickets(lifecycle=MINI, min_events=2, max_events=4, units=["A", "B"]), st.data())
def test_invalid_events_custom_lifecycle(ticket: Ticket, data: st.DataObject) -> None:
    event = data.draw(invalid_events(ticket, units=["A", "B"]))
    with pytest.raises(TransitionError):
        ticket.apply(event)


STUCK = Lifecycle.from_toml_text(
    '[lifecycle]\nname = "stuck"\ninitial = "a"\n[states]\na = { open = true }\nb = { open = false }\n'
    '[[transitions]]\nfrom = ["a"]\nevent = "extension_decision"\nto = "b"\nwhen = ["extension_pending"]\n'
)


@settings(max_examples=5)
@given(st.data(), jiesu.testing.complaints())
def test_walk_rejects_when_guards_block_the_goal(data: st.DataObject, c: Complaint) -> None:
    plan = _tickets._plan(STUCK, "b", frozenset(), frozenset())
    assert plan.distance[("a", frozenset())] == 1  # the table says one step...
    with pytest.raises(UnsatisfiedAssumption):  # ...but no event can satisfy the guard
        _tickets._walk(
            cast("st.DrawFn", data.draw),
            ticket=Ticket(c, (), STUCK),
            plan=plan,
            min_events=0,
            max_events=3,
            units=("A", "B"),
        )


@settings(max_examples=5)
@given(st.data(), jiesu.testing.complaints())
def test_invalid_events_in_a_final_state(data: st.DataObject, c: Complaint) -> None:
    done = Ticket(c, (Intake(c.received_at), Archive(c.received_at)), MINI)
    assert done.state == "done"
    event = data.draw(invalid_events(done))
    assert _tickets._refused(done, event)
    assert not _tickets._refused(Ticket(c, (), MINI), Intake(c.received_at))


@given(st.data())
def test_step_skips_rows_that_would_not_fire(data: st.DataObject) -> None:
    c = data.draw(jiesu.testing.complaints())
    t = Ticket(c, (Intake(c.received_at), Dispatch(c.received_at, "S01")))
    t = t.apply(ReturnRequest(c.received_at, "S01", "x"))
    rejected_signed = next(
        r for r in BJ.rows("return_requested", "return_decision") if r.to == "signed"
    )
    assert (
        _tickets._step(cast("st.DrawFn", data.draw), t, [rejected_signed], ("S01", "S02")) is None
    )
    signed = t.apply(_decision(c))
    assert signed.state == "dispatched"
    assert (
        _tickets._step(
            cast("st.DrawFn", data.draw),
            signed.apply(SignFor(c.received_at, "S01")),
            [],
            ("A", "B"),
        )
        is None
    )


def _decision(c: Complaint) -> Event:
    return EVENT_TYPES["return_decision"](c.received_at, upheld=False)  # type: ignore[call-arg]  # the class is looked up by kind


def test_emptied_uses_none_where_text_is_refused() -> None:
    c = Complaint(
        "C1",
        pendulum.datetime(2025, 1, 1, tz="Asia/Shanghai"),
        "phone",
        "complaint",
        "normal",
        "01",
    )
    sign = SignFor(c.received_at, "A")
    assert _tickets._emptied(sign, ("actor",)) == SignFor(c.received_at, None)
    request = ReturnRequest(c.received_at, "A", "x")
    assert _tickets._emptied(request, ("reason",)) == ReturnRequest(c.received_at, "A", "")


@settings(max_examples=25)
@given(tickets(lifecycle=WINDOWED, min_events=2, max_events=3, units=["A", "B"]), st.data())
def test_invalid_events_after_a_window(ticket: Ticket, data: st.DataObject) -> None:
    event = data.draw(invalid_events(ticket, units=["A", "B"]))
    with pytest.raises(TransitionError):
        ticket.apply(event)


@given(st.data(), jiesu.testing.complaints())
def test_windowed_rows_need_their_milestone(data: st.DataObject, c: Complaint) -> None:
    opened = Ticket(c, (Intake(c.received_at),), WINDOWED)
    rows = [r for r in WINDOWED.transitions if "open" in r.from_states]
    assert _tickets._windowed(opened, rows) == []
    dispatched = opened.apply(Dispatch(c.received_at, "A"))
    [(row, deadline)] = _tickets._windowed(dispatched, rows)
    assert row.event == "sign_for"
    assert deadline == c.received_at.add(hours=6)
    late = data.draw(invalid_events(dispatched, units=["A", "B"]))
    with pytest.raises(TransitionError):
        dispatched.apply(late)
