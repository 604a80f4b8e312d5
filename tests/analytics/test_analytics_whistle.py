"""The two-way whistle-and-report scorecard (吹哨报到双向评价): exact rows, limits, and a recount."""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.analytics import (
    DEFAULT_REPORT_WITHIN,
    DepartmentWhistleCard,
    StreetWhistleCard,
    WhistleScorecard,
    whistle_scorecard,
)
from jiesu.analytics._whistle import _ratio
from jiesu.errors import ValidationError
from jiesu.model import (
    Complaint,
    Dispatch,
    Duration,
    Event,
    FirstContact,
    Intake,
    Reply,
    SignFor,
    Ticket,
    Whistle,
    WhistleRating,
    WhistleReport,
)

T0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
STREETS = ("S01", "S02", "S03")
DEPARTMENTS = ("D01", "D02", "D03", "D04")


def m(minutes: float) -> pendulum.DateTime:
    return T0.add(seconds=round(minutes * 60))


def ticket(tid: str, *events: Event, lead: str = "S01", co: tuple[str, ...] = ()) -> Ticket:
    c = Complaint(tid, T0, "phone", "complaint", "normal", "05.01.02")
    head = [Intake(T0), Dispatch(m(1), lead, co), SignFor(m(2), lead)]
    return Ticket(c, [*head, *events])


def dept(card: WhistleScorecard, unit: str) -> DepartmentWhistleCard:
    (row,) = [d for d in card.departments if d.unit == unit]
    return row


# --- exact rows -----------------------------------------------------------------------------------


def test_two_tickets_both_ways() -> None:
    t1 = ticket(
        "C1",
        Whistle(m(10), "S01", ["D07", "D09", "D11"], "占道经营"),
        WhistleReport(m(40), "D07"),  # exactly 30 minutes: on time
        WhistleReport(m(40.05), "D09"),  # 30 minutes 3 seconds: late
        WhistleRating(m(60), "S01", "D07", 5),
        WhistleRating(m(61), "S01", "D09", 2),
        WhistleRating(m(62), "D07", "S01", 4),
        WhistleRating(m(63), "D09", "S01", 3),
    )
    t2 = ticket(
        "C2",
        Whistle(m(10), "S02", ["D07"]),
        Whistle(m(20), "S02", ["D07", "D09"]),
        WhistleReport(m(25), "D07"),  # answers the first whistle (15 minutes)
        WhistleReport(m(55), "D07"),  # answers the second (35 minutes): late
        WhistleRating(m(60), "S02", "D07", 4),
        lead="S02",
    )
    card = whistle_scorecard([t1, t2])
    assert card.report_within == dt.timedelta(minutes=30)
    assert card.departments == (
        DepartmentWhistleCard(
            unit="D07",
            summoned=3,
            reported=3,
            reported_on_time=2,
            report_rate=Decimal("100.00"),
            on_time_rate=Decimal("66.67"),
            rating_count=2,
            mean_rating=Decimal("4.50"),
        ),
        DepartmentWhistleCard(
            unit="D09",
            summoned=2,
            reported=1,
            reported_on_time=0,
            report_rate=Decimal("50.00"),
            on_time_rate=Decimal("0.00"),
            rating_count=1,
            mean_rating=Decimal("2.00"),
        ),
        DepartmentWhistleCard(
            unit="D11",
            summoned=1,
            reported=0,
            reported_on_time=0,
            report_rate=Decimal("0.00"),
            on_time_rate=None,
            rating_count=0,
            mean_rating=None,
        ),
    )
    assert card.streets == (
        StreetWhistleCard(
            unit="S01",
            whistles=1,
            departments_summoned=3,
            rating_count=2,
            mean_rating=Decimal("3.50"),
        ),
        StreetWhistleCard(
            unit="S02", whistles=2, departments_summoned=3, rating_count=0, mean_rating=None
        ),
    )
    for value in (card.departments[0].on_time_rate, card.streets[0].mean_rating):
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -2


def test_no_whistles() -> None:
    card = whistle_scorecard([])
    assert card == WhistleScorecard((), (), dt.timedelta(minutes=30))
    assert whistle_scorecard([ticket("C1")]).departments == ()
    assert whistle_scorecard(iter([ticket("C1")])).streets == ()


@pytest.mark.parametrize(
    ("within", "limit"),
    [
        ("30m", dt.timedelta(minutes=30)),
        (" 45 min ", dt.timedelta(minutes=45)),
        ("20分钟", dt.timedelta(minutes=20)),
        ("0.5m", dt.timedelta(seconds=30)),
        ("2h", dt.timedelta(hours=2)),
        ("0.5h", dt.timedelta(minutes=30)),
        ("1d", dt.timedelta(days=1)),
        (Duration(3, "natural_hours"), dt.timedelta(hours=3)),
        ("0m", dt.timedelta(0)),
    ],
)
def test_report_within(within: Any, limit: dt.timedelta) -> None:
    t = ticket("C1", Whistle(m(10), "S01", ["D07"]), WhistleReport(m(10) + limit, "D07"))
    late = ticket(
        "C1",
        Whistle(m(10), "S01", ["D07"]),
        WhistleReport(m(10) + limit + dt.timedelta(seconds=1), "D07"),
    )
    card = whistle_scorecard([t], report_within=within)
    assert card.report_within == limit
    assert card.departments[0].reported_on_time == 1
    assert whistle_scorecard([late], report_within=within).departments[0].reported_on_time == 0


def test_the_default_limit_is_30_minutes() -> None:
    assert DEFAULT_REPORT_WITHIN == "30m"
    t = ticket("C1", Whistle(m(10), "S01", ["D07"]), WhistleReport(m(41), "D07"))
    assert whistle_scorecard([t]).departments[0].on_time_rate == Decimal("0.00")
    assert whistle_scorecard([t], report_within="31m").departments[0].on_time_rate == Decimal(
        "100.00"
    )


@pytest.mark.parametrize(
    ("within", "message"),
    [
        (
            "5wd",
            r"^report_within: must be natural time \(minutes, hours or days\); working time needs jiesu\.calendar \(got '5 工作日'\)$",
        ),
        (
            Duration(8, "working_hours"),
            r"^report_within: must be natural time \(minutes, hours or days\)",
        ),
        (
            "soon",
            r"^report_within: must be natural time such as '30m', '2h' or '1d' \(got 'soon'\)$",
        ),
        ("-5m", r"^report_within: must be natural time such as '30m'"),
        (30, r"^report_within: must be natural time such as '30m', '2h' or '1d' \(got 30\)$"),
        ("1000000m", r"^report_within: must be below 1e6 minutes \(got '1000000m'\)$"),
        ("1" + "0" * 30 + "m", r"^report_within: must be below 1e6 minutes"),
    ],
)
def test_bad_report_within(within: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        whistle_scorecard([], report_within=within)


@pytest.mark.parametrize(
    ("tickets", "message"),
    [
        (None, r"^tickets: must be a sequence of tickets \(got None\)$"),
        ("C1", r"^tickets: must be a sequence of tickets \(got 'C1'\)$"),
        (b"C1", r"^tickets: must be a sequence of tickets"),
        ([ticket("C1"), "C2"], r"^tickets\[1\]: must be a Ticket \(got 'C2'\)$"),
        (
            [ticket("C1"), ticket("C2"), ticket("C1")],
            r"^tickets\[2\]: repeats a ticket id \(each ticket counts once\) \(got 'C1'\)$",
        ),
    ],
)
def test_bad_tickets(tickets: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        whistle_scorecard(tickets)


def test_rounding_is_half_up_and_exact() -> None:
    assert _ratio(1, 800, 100) == Decimal("0.13")  # 0.125: half up, not to even
    assert _ratio(3, 800, 100) == Decimal("0.38")  # 0.375
    assert _ratio(2, 3, 100) == Decimal("66.67")
    assert _ratio(1, 3, 100) == Decimal("33.33")
    assert _ratio(9, 8, 1) == Decimal("1.13")  # 1.125
    assert _ratio(0, 5, 100) == Decimal("0.00")
    assert _ratio(5, 5, 100) == Decimal("100.00")
    assert _ratio(0, 0, 100) is None
    assert str(_ratio(7, 7, 1)) == "1.00"


def test_mean_rating_rounds_half_up() -> None:
    # D07 rated 1, 1, 1, 1, 1, 1, 1, 2 by eight streets' tickets: mean 1.125
    tickets = [
        ticket(
            f"C{i}",
            Whistle(m(10), "S01", ["D07"]),
            WhistleReport(m(20), "D07"),
            WhistleRating(m(30), "S01", "D07", 2 if i == 7 else 1),
        )
        for i in range(8)
    ]
    row = whistle_scorecard(tickets).departments[0]
    assert (row.rating_count, row.mean_rating) == (8, Decimal("1.13"))


def test_units_on_both_sides() -> None:
    # S01 and D07 both handle the ticket and each summons the other; a rating whose rater whistled
    # the ratee is a street's rating of a department
    t = ticket(
        "C1",
        Whistle(m(10), "S01", ["D07"]),
        Whistle(m(11), "D07", ["S01"]),
        WhistleReport(m(12), "D07"),
        WhistleReport(m(13), "S01"),
        WhistleRating(m(20), "S01", "D07", 5),
        WhistleRating(m(21), "D07", "S01", 1),
        co=("D07",),
    )
    card = whistle_scorecard([t])
    assert [(d.unit, d.summoned, d.rating_count, d.mean_rating) for d in card.departments] == [
        ("D07", 1, 1, Decimal("5.00")),
        ("S01", 1, 1, Decimal("1.00")),
    ]
    assert [(s.unit, s.whistles, s.rating_count) for s in card.streets] == [
        ("D07", 1, 0),
        ("S01", 1, 0),
    ]
    # a street on one ticket and a department on another
    u = ticket(
        "C2",
        Whistle(m(10), "S02", ["S01"]),
        WhistleReport(m(12), "S01"),
        WhistleRating(m(20), "S01", "S02", 2),
        lead="S02",
    )
    card = whistle_scorecard([t, u])
    assert dept(card, "S01").summoned == 2
    assert [(s.unit, s.rating_count, s.mean_rating) for s in card.streets] == [
        ("D07", 0, None),
        ("S01", 0, None),
        ("S02", 1, Decimal("2.00")),
    ]


# --- random whistle histories, recounted -------------------------------------------------------


@attrs.define
class Expected:
    """What the generator itself counted while it built the histories."""

    summoned: Counter[str] = attrs.field(factory=Counter)
    reported: Counter[str] = attrs.field(factory=Counter)
    on_time: Counter[str] = attrs.field(factory=Counter)
    whistles: Counter[str] = attrs.field(factory=Counter)
    sent: Counter[str] = attrs.field(factory=Counter)
    dept_scores: dict[str, list[int]] = attrs.field(factory=dict)
    street_scores: dict[str, list[int]] = attrs.field(factory=dict)


LIMIT = dt.timedelta(minutes=30)


@attrs.define
class Story:
    """One ticket being built, with the generator's own bookkeeping of what it may do next."""

    ticket: Ticket
    owed: dict[str, deque[tuple[str, pendulum.DateTime]]] = attrs.field(factory=dict)
    rateable: list[tuple[str, str, bool]] = attrs.field(factory=list)  # rater, ratee, by the street
    rated: set[tuple[str, str]] = attrs.field(factory=set)
    replied: bool = False

    def moves(self) -> list[str]:
        out = [] if self.replied else ["whistle"]
        out += ["report"] if not self.replied and any(self.owed.values()) else []
        out += ["rating"] if self.rateable else []
        return out + (["reply"] if self.ticket.state == "handling" else [])


def _whistle(draw: st.DrawFn, story: Story, now: pendulum.DateTime, ex: Expected) -> None:
    t = story.ticket
    assert t.lead is not None
    actor = draw(st.sampled_from((t.lead, *t.co_handlers)))
    summoned = draw(st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=3, unique=True))
    story.ticket = t.apply(Whistle(now, actor, summoned))
    ex.whistles[actor] += 1
    ex.sent[actor] += len(summoned)
    for unit in summoned:
        ex.summoned[unit] += 1
        story.owed.setdefault(unit, deque()).append((actor, now))


def _report(draw: st.DrawFn, story: Story, now: pendulum.DateTime, ex: Expected) -> None:
    unit = draw(st.sampled_from(sorted(u for u, q in story.owed.items() if q)))
    street, whistled_at = story.owed[unit].popleft()  # first come, first served
    story.ticket = story.ticket.apply(WhistleReport(now, unit))
    ex.reported[unit] += 1
    ex.on_time[unit] += now - whistled_at <= LIMIT
    for pair in ((street, unit, True), (unit, street, False)):
        if pair not in story.rateable and pair[:2] not in story.rated:
            story.rateable.append(pair)


def _rating(draw: st.DrawFn, story: Story, now: pendulum.DateTime, ex: Expected) -> None:
    rater, ratee, by_street = draw(st.sampled_from(story.rateable))
    story.rateable.remove((rater, ratee, by_street))
    story.rated.add((rater, ratee))
    score = draw(st.integers(1, 5))
    story.ticket = story.ticket.apply(WhistleRating(now, rater, ratee, score))
    scores = ex.dept_scores if by_street else ex.street_scores
    scores.setdefault(ratee, []).append(score)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Ticket], Expected]:
    """Tickets with whistles, reports and ratings, each applied through ``Ticket.apply``."""
    ex = Expected()
    tickets = []
    for i in range(draw(st.integers(0, 4))):
        lead = draw(st.sampled_from(STREETS))
        co = tuple(draw(st.lists(st.sampled_from([s for s in STREETS if s != lead]), max_size=1)))
        story = Story(ticket(f"C{i}", lead=lead, co=co))
        if draw(st.booleans()):
            story.ticket = story.ticket.apply(FirstContact(m(3), lead))
        now = m(5)
        for _ in range(draw(st.integers(0, 12))):
            now = now.add(minutes=draw(st.integers(0, 25)))
            moves = story.moves()
            if not moves:
                break
            move = draw(st.sampled_from(moves))
            if move == "reply":
                story.ticket = story.ticket.apply(Reply(now, lead))
                story.replied = True
            else:
                {"whistle": _whistle, "report": _report, "rating": _rating}[move](
                    draw, story, now, ex
                )
        tickets.append(story.ticket)
    return tickets, ex


def _half_up(part: int, whole: int, scale: int) -> Decimal | None:
    """An independent rounding: exact fractions through ``Decimal.quantize``."""
    if whole == 0:
        return None
    value = Fraction(part * scale, whole)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@settings(max_examples=80)
@given(histories())
def test_scorecard_equals_a_plain_recount(drawn: tuple[list[Ticket], Expected]) -> None:
    tickets, ex = drawn
    card = whistle_scorecard(tickets)
    assert [d.unit for d in card.departments] == sorted(ex.summoned)
    assert [s.unit for s in card.streets] == sorted(ex.whistles)
    for row in card.departments:
        scores = ex.dept_scores.get(row.unit, [])
        assert row.summoned == ex.summoned[row.unit]
        assert row.reported == ex.reported[row.unit]
        assert row.reported_on_time == ex.on_time[row.unit]
        assert row.report_rate == _half_up(row.reported, row.summoned, 100)
        assert row.on_time_rate == _half_up(row.reported_on_time, row.reported, 100)
        assert row.rating_count == len(scores)
        assert row.mean_rating == _half_up(sum(scores), len(scores), 1)
        for rate in (row.report_rate, row.on_time_rate):
            assert rate is None or Decimal(0) <= rate <= Decimal(100)
        assert row.mean_rating is None or Decimal(1) <= row.mean_rating <= Decimal(5)
        assert 0 <= row.reported_on_time <= row.reported <= row.summoned
    for srow in card.streets:
        scores = ex.street_scores.get(srow.unit, [])
        assert srow.whistles == ex.whistles[srow.unit]
        assert srow.departments_summoned == ex.sent[srow.unit]
        assert srow.rating_count == len(scores)
        assert srow.mean_rating == _half_up(sum(scores), len(scores), 1)
    assert sum(s.departments_summoned for s in card.streets) == sum(
        d.summoned for d in card.departments
    )
    assert sum(d.reported for d in card.departments) == sum(len(t.whistle_reports) for t in tickets)
    ratings = sum(len(t.whistle_ratings) for t in tickets)
    assert (
        sum(d.rating_count for d in card.departments) + sum(s.rating_count for s in card.streets)
        == ratings
    )


@settings(max_examples=60)
@given(histories(), st.data())
def test_adding_a_report_never_lowers_reported(
    drawn: tuple[list[Ticket], Expected], data: st.DataObject
) -> None:
    tickets, _ = drawn
    before = whistle_scorecard(tickets)
    for i, t in enumerate(tickets):
        owing = sorted({unit for _, unit, report in t.whistle_summons if report is None})
        if not owing or t.state not in {"signed", "handling"}:
            continue
        unit = data.draw(st.sampled_from(owing))
        later = t.apply(
            WhistleReport(t.events[-1].at.add(minutes=data.draw(st.integers(0, 60))), unit)
        )
        after = whistle_scorecard([*tickets[:i], later, *tickets[i + 1 :]])
        old = {d.unit: d for d in before.departments}
        for row in after.departments:
            assert row.reported == old[row.unit].reported + (row.unit == unit)
            assert row.summoned == old[row.unit].summoned
            assert row.reported_on_time >= old[row.unit].reported_on_time
            new_rate, old_rate = row.report_rate, old[row.unit].report_rate
            assert new_rate is not None
            assert old_rate is not None
            assert new_rate >= old_rate
        assert after.streets == before.streets


@settings(max_examples=30)
@given(
    histories(),
    st.sampled_from(["1m", "30m", "2h", "1d"]),
    st.sampled_from(["5m", "45m", "3h", "2d"]),
)
def test_a_longer_limit_never_lowers_on_time(
    drawn: tuple[list[Ticket], Expected], a: str, b: str
) -> None:
    tickets, _ = drawn
    short, long = sorted(
        (a, b), key=lambda text: whistle_scorecard([], report_within=text).report_within
    )
    narrow = whistle_scorecard(tickets, report_within=short)
    wide = whistle_scorecard(tickets, report_within=long)
    for n, w in zip(narrow.departments, wide.departments, strict=True):
        assert n.reported_on_time <= w.reported_on_time
        assert attrs.evolve(n, reported_on_time=0, on_time_rate=None) == attrs.evolve(
            w, reported_on_time=0, on_time_rate=None
        )
