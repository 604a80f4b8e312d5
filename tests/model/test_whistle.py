"""Whistle and report (吹哨报到): the three events, their invariants on a ticket, the table rows, the JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jiesu.testing
from jiesu.errors import DataFormatError, TransitionError, ValidationError
from jiesu.model import (
    EVENT_TYPES,
    Callback,
    Complaint,
    Dispatch,
    Event,
    FirstContact,
    Intake,
    Lifecycle,
    Reply,
    SignFor,
    Supervision,
    Ticket,
    Whistle,
    WhistleRating,
    WhistleReport,
    dumps,
    from_document,
    loads,
    to_document,
)

T0 = pendulum.datetime(2025, 3, 3, 9, 30, tz="Asia/Shanghai")
BJ = Lifecycle.preset("beijing")


def m(minutes: float) -> pendulum.DateTime:
    return T0.add(seconds=round(minutes * 60))


def signed(co_handlers: tuple[str, ...] = ("S02",)) -> Ticket:
    """A ticket signed by the lead street S01, with the co-handlers given."""
    c = Complaint("C0001", T0, "phone", "complaint", "normal", "05.01.02")
    return Ticket(c, [Intake(T0), Dispatch(m(10), "S01", co_handlers), SignFor(m(20), "S01")])


def whistled() -> Ticket:
    """S01 summons D07 and D09; D07 reports, D09 not yet."""
    return (
        signed()
        .apply(Whistle(m(60), "S01", ["D07", "D09"], "占道经营"))
        .apply(WhistleReport(m(80), "D07"))
    )


def refused(ticket: Ticket, event: Event, message: str) -> None:
    """``event`` is refused with ``message`` and leaves the ticket unchanged."""
    before = ticket.events
    with pytest.raises(TransitionError, match=message) as info:
        ticket.apply(event)
    assert info.value.event == event.kind
    assert info.value.state == ticket.state
    with pytest.raises(TransitionError, match=message):
        ticket.transition_for(event)
    assert ticket.events == before
    with pytest.raises(TransitionError, match=message):  # a replay refuses it too
        Ticket(ticket.complaint, (*ticket.events, event), ticket.lifecycle)


# --- the events ------------------------------------------------------------------------------------


def test_kinds_labels_and_order() -> None:
    assert (Whistle.kind, Whistle.label) == ("whistle", "吹哨")
    assert (WhistleReport.kind, WhistleReport.label) == ("whistle_report", "报到")
    assert (WhistleRating.kind, WhistleRating.label) == ("whistle_rating", "吹哨报到评价")
    kinds = list(EVENT_TYPES)
    at = kinds.index("supervision")
    assert kinds[at + 1 : at + 4] == ["whistle", "whistle_report", "whistle_rating"]
    assert EVENT_TYPES["whistle_rating"] is WhistleRating


def test_whistle_fields() -> None:
    w = Whistle(T0, "S01", ["D07", "D09"])
    assert w.departments == ("D07", "D09")
    assert w.reason == ""
    assert Whistle(T0, "S01", ("D07",), "占道").reason == "占道"
    assert WhistleReport(T0, "D07").actor == "D07"
    r = WhistleRating(T0, "S01", "D07", 1)
    assert (r.rater, r.ratee, r.score) == ("S01", "D07", 1)
    assert WhistleRating(T0, "D07", "S01", 5).score == 5


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Whistle(T0, "S01", []),
            r"^departments: must summon at least one department \(got \(\)\)$",
        ),
        (lambda: Whistle(T0, "S01", ()), r"^departments: must summon at least one department"),
        (
            lambda: Whistle(T0, "S01", ["D07", "D07"]),
            r"^departments: must not repeat a unit \(got \('D07', 'D07'\)\)$",
        ),
        (
            lambda: Whistle(T0, "S01", "D07"),
            r"^departments: must be a sequence of unit codes \(got 'D07'\)$",
        ),
        (
            lambda: Whistle(T0, "S01", 7),
            r"^departments: must be a sequence of unit codes \(got 7\)$",
        ),
        (
            lambda: Whistle(T0, "S01", ["D07", " "]),
            r"^departments: must be a sequence of non-empty unit codes \(got \('D07', ' '\)\)$",
        ),
        (
            lambda: Whistle(T0, "S01", ["D07", "S01"]),
            r"^departments: must not include the whistling unit 'S01' \(got \('D07', 'S01'\)\)$",
        ),
        (lambda: Whistle(T0, "", ["D07"]), r"^actor: must be a non-empty unit code \(got ''\)$"),
        (
            lambda: Whistle(T0, None, ["D07"]),  # type: ignore[arg-type]  # the wrong type is the test
            r"^actor: must be a non-empty unit code \(got None\)$",
        ),
        (
            lambda: Whistle(T0, "S01", ["D07"], None),  # type: ignore[arg-type]  # the wrong type is the test
            r"^reason: must be a string \(got None\)$",
        ),
        (lambda: Whistle("2025-03-03 09:00", "S01", ["D07"]), r"^at: must be an aware datetime"),
        (lambda: WhistleReport(T0, ""), r"^actor: must be a non-empty unit code \(got ''\)$"),
        (
            lambda: WhistleReport(T0, None),  # type: ignore[arg-type]  # the wrong type is the test
            r"^actor: must be a non-empty unit code \(got None\)$",
        ),
        (lambda: WhistleRating(T0, "", "D07", 3), r"^rater: must be a non-empty unit code"),
        (lambda: WhistleRating(T0, "S01", "", 3), r"^ratee: must be a non-empty unit code"),
        (
            lambda: WhistleRating(T0, "S01", "S01", 3),
            r"^ratee: must be another unit than the rater \(got 'S01'\)$",
        ),
    ],
)
def test_event_validation(build: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


@pytest.mark.parametrize("score", [True, False, 0, 6, -1, 3.0, 4.5, "5", None, 10**20])
def test_score_must_be_an_integer_from_1_to_5(score: object) -> None:
    with pytest.raises(
        ValidationError, match=rf"^score: must be an integer from 1 to 5 \(got {score!r}\)$"
    ) as info:
        WhistleRating(T0, "S01", "D07", score)  # type: ignore[arg-type]  # the wrong types are the test
    assert info.value.field == "score"
    assert info.value.value == score


@given(st.integers())
def test_score_range(score: int) -> None:
    if 1 <= score <= 5:
        assert WhistleRating(T0, "S01", "D07", score).score == score
    else:
        with pytest.raises(ValidationError, match="^score: "):
            WhistleRating(T0, "S01", "D07", score)


def test_co_handlers_messages_unchanged() -> None:
    with pytest.raises(ValidationError, match=r"^co_handlers: must not repeat a unit"):
        Dispatch(T0, "S01", ["D07", "D07"])


# --- on a ticket ------------------------------------------------------------------------------------


def test_fold_keeps_every_whistle_report_and_rating() -> None:
    t = whistled()
    assert t.state == "signed"  # whistle and report attach without changing the state
    assert t.whistles == (Whistle(m(60), "S01", ("D07", "D09"), "占道经营"),)
    assert t.whistle_reports == (WhistleReport(m(80), "D07"),)
    assert t.whistle_ratings == ()
    t = t.apply(WhistleRating(m(90), "S01", "D07", 5)).apply(WhistleRating(m(91), "D07", "S01", 2))
    assert t.whistle_ratings == (
        WhistleRating(m(90), "S01", "D07", 5),
        WhistleRating(m(91), "D07", "S01", 2),
    )
    assert [e.kind for e, _ in t.history()][-4:] == [
        "whistle",
        "whistle_report",
        "whistle_rating",
        "whistle_rating",
    ]
    bare = signed()
    assert bare.whistles == ()
    assert bare.whistle_reports == ()
    assert bare.whistle_ratings == ()


def test_a_co_handler_may_whistle_but_not_an_outsider() -> None:
    t = signed(co_handlers=("S02",))
    assert t.apply(Whistle(m(30), "S02", ["D07"])).whistles[0].actor == "S02"
    refused(
        t,
        Whistle(m(30), "S09", ["D07"]),
        r"^event 'whistle' is not allowed in state 'signed': only the lead or a co-handler may send it \(actor 'S09'\)$",
    )


def test_a_report_needs_a_summons() -> None:
    refused(
        signed(),
        WhistleReport(m(30), "D07"),
        r"^event 'whistle_report' is not allowed in state 'signed': actor 'D07' was not summoned by an earlier whistle of this ticket$",
    )
    refused(
        whistled(),
        WhistleReport(m(90), "D08"),
        r"actor 'D08' was not summoned by an earlier whistle of this ticket$",
    )


def test_a_report_answers_each_summons_once() -> None:
    t = whistled()
    refused(
        t,
        WhistleReport(m(90), "D07"),
        r"^event 'whistle_report' is not allowed in state 'signed': actor 'D07' has already reported to each of its 1 summons$",
    )
    t = t.apply(WhistleReport(m(90), "D09"))
    refused(
        t,
        WhistleReport(m(91), "D09"),
        r"actor 'D09' has already reported to each of its 1 summons$",
    )
    again = t.apply(Whistle(m(120), "S01", ["D07"]))
    again = again.apply(WhistleReport(m(130), "D07"))  # the second summons may be answered
    refused(
        again,
        WhistleReport(m(131), "D07"),
        r"actor 'D07' has already reported to each of its 2 summons$",
    )


def test_reports_answer_summonses_first_come_first_served() -> None:
    t = (
        signed()
        .apply(Whistle(m(30), "S01", ["D07"]))
        .apply(Whistle(m(40), "S02", ["D09", "D07"]))
        .apply(WhistleReport(m(50), "D07"))
    )
    first, second, third = t.whistle_summons
    assert first == (t.whistles[0], "D07", WhistleReport(m(50), "D07"))
    assert second == (t.whistles[1], "D09", None)
    assert third == (t.whistles[1], "D07", None)
    # D07's one report answered S01's whistle, not S02's: only S01 and D07 may rate each other
    refused(
        t,
        WhistleRating(m(60), "S02", "D07", 3),
        r"rater 'S02' and ratee 'D07' are not a whistling unit and a department that reported to it$",
    )
    t = t.apply(WhistleRating(m(60), "S01", "D07", 3)).apply(WhistleReport(m(70), "D07"))
    assert t.whistle_summons[2][2] == WhistleReport(m(70), "D07")
    assert t.apply(WhistleRating(m(80), "D07", "S02", 4)).whistle_ratings[-1].ratee == "S02"


def test_ratings_between_a_whistling_unit_and_a_department_that_reported() -> None:
    t = whistled()
    assert t.apply(WhistleRating(m(90), "S01", "D07", 4)).whistle_ratings[0].score == 4
    assert t.apply(WhistleRating(m(90), "D07", "S01", 1)).whistle_ratings[0].rater == "D07"
    message = r"^event 'whistle_rating' is not allowed in state 'signed': rater '{}' and ratee '{}' are not a whistling unit and a department that reported to it$"
    for rater, ratee in [
        ("S01", "D09"),
        ("D09", "S01"),
        ("D07", "D09"),
        ("S02", "D07"),
        ("S01", "X1"),
    ]:
        refused(t, WhistleRating(m(90), rater, ratee, 3), message.format(rater, ratee))


def test_one_rating_per_pair() -> None:
    t = whistled().apply(WhistleRating(m(90), "S01", "D07", 4))
    refused(
        t,
        WhistleRating(m(95), "S01", "D07", 5),
        r"^event 'whistle_rating' is not allowed in state 'signed': rater 'S01' has already rated ratee 'D07' on this ticket$",
    )
    t = t.apply(WhistleRating(m(95), "D07", "S01", 5))  # the other direction is another pair
    refused(t, WhistleRating(m(96), "D07", "S01", 5), r"rater 'D07' has already rated ratee 'S01'")
    # a second summons answered does not open a second rating of the same pair
    t = t.apply(Whistle(m(100), "S01", ["D07"])).apply(WhistleReport(m(110), "D07"))
    refused(t, WhistleRating(m(120), "S01", "D07", 1), r"rater 'S01' has already rated ratee 'D07'")


def test_the_states_of_the_beijing_table() -> None:
    t = whistled()
    handling = t.apply(FirstContact(m(100), "S01"))
    assert handling.apply(Whistle(m(110), "S01", ["D01"])).state == "handling"
    assert handling.apply(WhistleReport(m(110), "D09")).state == "handling"
    replied = handling.apply(Reply(m(200), "S01"))
    assert replied.apply(WhistleRating(m(210), "S01", "D07", 5)).state == "replied"
    refused(
        replied,
        WhistleReport(m(210), "D09"),
        r"^event 'whistle_report' is not allowed in state 'replied': allowed here: ",
    )
    refused(
        replied,
        Whistle(m(210), "S01", ["D01"]),
        r"^event 'whistle' is not allowed in state 'replied'",
    )
    called = replied.apply(Callback(m(300), "unreachable"))
    assert called.apply(WhistleRating(m(310), "D07", "S01", 5)).state == "called_back"
    received = Ticket(signed().complaint, [Intake(T0)])
    refused(received, Whistle(m(1), "S01", ["D07"]), r"not allowed in state 'received'")
    # the table refuses the state before the whistle checks look at the report
    refused(
        received, WhistleReport(m(1), "D07"), r"not allowed in state 'received': allowed here: "
    )


def test_beijing_rows() -> None:
    (whistle,) = BJ.rows("tracking", "whistle")
    assert whistle.actor == "handler"
    assert whistle.to == "stay"
    assert "[BJ-Reg] Art. 33" in whistle.source
    for kind in ("whistle", "whistle_report"):
        assert {s for row in BJ.transitions if row.event == kind for s in row.from_states} == {
            "dispatched",
            "signed",
            "handling",
            "tracking",
        }
    assert {
        s for row in BJ.transitions if row.event == "whistle_rating" for s in row.from_states
    } == {
        "dispatched",
        "signed",
        "handling",
        "tracking",
        "replied",
        "called_back",
    }
    assert BJ.rows("return_requested", "whistle") == ()
    assert "Art. 10-15, 23, 33" in BJ.source


MINI = Lifecycle.from_toml_text(
    """
[lifecycle]
name = "mini-whistle"
initial = "new"
[states]
new = { open = true }
open = { open = true }
[[transitions]]
from = ["new"]
event = "intake"
to = "open"
[[transitions]]
from = ["open"]
event = "whistle"
to = "stay"
[[transitions]]
from = ["open"]
event = "whistle_report"
to = "stay"
[[transitions]]
from = ["open"]
event = "whistle_rating"
to = "stay"
"""
)


def test_every_lifecycle_checks_reports_and_ratings() -> None:
    t = Ticket(signed().complaint, [Intake(T0)], MINI)
    refused(
        t,
        WhistleReport(m(1), "D07"),
        r"^event 'whistle_report' is not allowed in state 'open': actor 'D07' was not summoned",
    )
    t = t.apply(Whistle(m(1), "ANY", ["D07"]))  # this table lets anyone whistle
    refused(t, WhistleRating(m(2), "ANY", "D07", 3), r"rater 'ANY' and ratee 'D07' are not")
    t = t.apply(WhistleReport(m(2), "D07")).apply(WhistleRating(m(3), "ANY", "D07", 3))
    refused(t, WhistleRating(m(4), "ANY", "D07", 3), r"has already rated")


def test_the_whistle_checks_run_before_custom_guards() -> None:
    calls: list[str] = []

    def no_d09(ticket: Ticket, event: Event) -> str | None:
        del ticket
        calls.append(event.kind)
        return "D09 never reports here" if getattr(event, "actor", None) == "D09" else None

    guarded = BJ.with_guards({"whistle_report": no_d09})
    t = Ticket(signed().complaint, signed().events, guarded).apply(
        Whistle(m(30), "S01", ["D07", "D09"])
    )
    refused(t, WhistleReport(m(40), "D08"), r"actor 'D08' was not summoned")
    assert calls == []  # refused before the custom guard ran
    refused(t, WhistleReport(m(40), "D09"), r"D09 never reports here$")
    assert t.apply(WhistleReport(m(40), "D07")).whistle_reports[0].actor == "D07"


def test_time_order_still_applies() -> None:
    refused(whistled(), WhistleReport(m(70), "D09"), r"is earlier than the previous event")


# --- serialization ---------------------------------------------------------------------------------


def full() -> Ticket:
    return (
        whistled()
        .apply(WhistleReport(m(85), "D09"))
        .apply(Supervision(m(86), "yellow"))
        .apply(WhistleRating(m(90), "S01", "D07", 5))
        .apply(WhistleRating(m(91), "D09", "S01", 1))
    )


def test_ticket_round_trip() -> None:
    t = full()
    for personal in (True, False):
        back = loads(dumps(t, include_personal_data=personal), Ticket)
        assert back.events == t.events
        assert back.whistle_summons == t.whistle_summons
        assert back.whistle_ratings == t.whistle_ratings
    assert loads(dumps(t, include_personal_data=True), Ticket) == t


def test_event_documents_are_pinned() -> None:
    w = Whistle(m(60), "S01", ["D07", "D09"], "占道经营")
    assert dumps(w) == (
        '{"schema_version":1,"type":"Whistle","at":"2025-03-03T10:30:00+08:00","actor":"S01",'
        '"departments":["D07","D09"],"reason":"占道经营"}'
    )
    assert dumps(WhistleReport(m(80), "D07")) == (
        '{"schema_version":1,"type":"WhistleReport","at":"2025-03-03T10:50:00+08:00","actor":"D07"}'
    )
    r = WhistleRating(m(90), "S01", "D07", 5)
    assert to_document(r) == {
        "schema_version": 1,
        "type": "WhistleRating",
        "at": "2025-03-03T11:00:00+08:00",
        "rater": "S01",
        "ratee": "D07",
        "score": 5,
    }
    for event in (w, WhistleReport(m(80), "D07"), r):
        assert from_document(to_document(event), type(event)) == event
        assert loads(dumps(event), type(event)) == event
    assert '"kind":"whistle_rating"' in dumps(full())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": True}, r"^\$\.score: must be an integer \(got True\)$"),
        ({"score": 4.0}, r"^\$\.score: must be an integer \(got 4\.0\)$"),
        ({"score": 9}, r"^\$\.score: must be an integer from 1 to 5 \(got 9\)$"),
        ({"rater": 1}, r"^\$\.rater: must be a string \(got 1\)$"),
    ],
)
def test_a_bad_rating_document_is_refused(change: dict[str, object], message: str) -> None:
    doc = to_document(WhistleRating(m(90), "S01", "D07", 5)) | change
    with pytest.raises(DataFormatError, match=message):
        from_document(doc, WhistleRating)


def test_a_bad_whistle_document_is_refused() -> None:
    doc = to_document(Whistle(m(60), "S01", ["D07"]))
    with pytest.raises(
        DataFormatError, match=r"^\$\.departments: must summon at least one department"
    ):
        from_document(doc | {"departments": []}, Whistle)
    with pytest.raises(
        DataFormatError, match=r"^\$\.departments\[1\]: must be a string \(got 7\)$"
    ):
        from_document(doc | {"departments": ["D07", 7]}, Whistle)


def test_a_stored_history_with_an_unsummoned_report_is_refused_at_the_event() -> None:
    doc = to_document(full(), include_personal_data=True)
    events = doc["events"]
    at = next(i for i, e in enumerate(events) if e["kind"] == "whistle_report")
    events[at]["actor"] = "D08"
    with pytest.raises(
        DataFormatError,
        match=rf"^\$\.events\[{at}\]: .*actor 'D08' was not summoned .*\(got 'whistle_report'\)$",
    ):
        from_document(doc, Ticket)


@settings(max_examples=30)
@given(
    st.sampled_from(["whistle", "whistle_report", "whistle_rating"]).flatmap(jiesu.testing.events)
)
def test_generated_events_round_trip(event: Event) -> None:
    assert loads(dumps(event), type(event)) == event


# --- generated histories -----------------------------------------------------------------------------


@settings(max_examples=60)
@given(jiesu.testing.tickets(min_events=4, max_events=30))
def test_generated_tickets_keep_the_invariants(ticket: Ticket) -> None:
    summoned = Counter(d for w in ticket.whistles for d in w.departments)
    reported = Counter(r.actor for r in ticket.whistle_reports)
    assert all(reported[d] <= summoned[d] for d in reported)
    pairs = [(r.rater, r.ratee) for r in ticket.whistle_ratings]
    assert len(pairs) == len(set(pairs))
    whistlers = {w.actor for w in ticket.whistles}
    for rater, ratee in pairs:
        assert (rater in whistlers and ratee in reported) or (
            ratee in whistlers and rater in reported
        )
    assert len(ticket.whistle_summons) == sum(summoned.values())
    assert sum(report is not None for *_, report in ticket.whistle_summons) == len(
        ticket.whistle_reports
    )
    assert loads(dumps(ticket, include_personal_data=True), Ticket) == ticket


@settings(max_examples=40)
@given(jiesu.testing.tickets(min_events=3, max_events=20), st.data())
def test_invalid_events_are_refused(ticket: Ticket, data: st.DataObject) -> None:
    event = data.draw(jiesu.testing.invalid_events(ticket))
    with pytest.raises(TransitionError):
        ticket.apply(event)
