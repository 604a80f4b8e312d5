from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiesu.model import (
    AnsweredAtIntake,
    Callback,
    Complaint,
    Dispatch,
    Event,
    ExclusionDecision,
    ExclusionRequest,
    FirstContact,
    Intake,
    Merge,
    NotDispatched,
    Reply,
    Role,
    SignFor,
    Ticket,
)
from jiesu.scoring import (
    Rules,
    breakdown,
    evaluate,
    period_many,
    period_of,
    tally_evaluations,
    tally_many,
)

RULES = Rules.preset("beijing-2021")
T0 = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")


def complaint(cid: str = "C1", kind: str = "complaint", at: pendulum.DateTime = T0) -> Complaint:
    return Complaint(cid, at, "phone", kind, "normal", "01.02.03")


def handled(
    cid: str = "C1",
    *,
    lead: str = "S01",
    co: tuple[str, ...] = ("D07",),
    callback: Callback | None = None,
    extra: tuple[Event, ...] = (),
    at: pendulum.DateTime = T0,
    kind: str = "complaint",
) -> Ticket:
    events: list[Event] = [
        Intake(at),
        Dispatch(at.add(hours=1), lead, co),
        SignFor(at.add(hours=2), lead),
        FirstContact(at.add(hours=3), lead),
        Reply(at.add(days=2), lead, solved_claimed=True, text="已处理"),
    ]
    if callback is not None:
        events.append(callback)
    return Ticket(complaint(cid, kind, at), (*events, *extra))


def answered(
    contacted: bool | None = True, solved: bool | None = True, satisfaction: str | None = "满意"
) -> Callback:
    return Callback(T0.add(days=3), "answered", contacted, solved, satisfaction)


def test_answered_at_intake_never_counts() -> None:
    ticket = Ticket(
        complaint(kind="consultation"), (Intake(T0), AnsweredAtIntake(T0.add(minutes=5)))
    )
    ev = evaluate(ticket, RULES)
    assert (ev.eligible, ev.units, ev.period, ev.state) == (False, (), None, None)
    assert (
        ev.reason == "answered at intake (即时答复): never scored against a unit ([BJ-Reg] Art. 11)"
    )


def test_not_dispatched_never_counts() -> None:
    ticket = Ticket(complaint(), (Intake(T0), NotDispatched(T0.add(minutes=5), "repeat")))
    ev = evaluate(ticket, RULES)
    assert not ev.eligible
    assert (
        ev.reason
        == "not dispatched (不予派单: 重复诉求无新情况): never reaches a unit ([BJ-Reg] Art. 11)"
    )


def test_received_but_not_dispatched_yet() -> None:
    ev = evaluate(Ticket(complaint(), (Intake(T0),)), RULES)
    assert ev.reason == "not dispatched to any unit yet"


def test_open_ticket_has_no_period_by_closed_at_but_has_one_by_created_at() -> None:
    ticket = handled()
    ev = evaluate(ticket, RULES)
    assert ev.reason == "not closed yet: no period by closed_at"
    created = evaluate(ticket, attrs.evolve(RULES, period_timestamp="created_at"))
    assert created.eligible
    assert created.period == "2025-03"
    assert created.callback == "none"
    assert created.reasons[-1] == "no valid callback: no callback yet (未回访)"


def test_full_answer_and_reasons() -> None:
    ev = evaluate(handled(callback=answered(satisfaction="基本满意")), Rules.preset("beijing-2025"))
    assert ev.units == (("S01", Role.LEAD),)
    assert (ev.valid, ev.responded, ev.solved, ev.satisfaction) == (
        True,
        Decimal(1),
        Decimal(1),
        Decimal("0.9"),
    )
    assert ev.category == "01.02.03"


def test_missing_answers_count_as_no() -> None:
    ev = evaluate(handled(callback=answered(None, None, None)), RULES)
    assert (ev.responded, ev.solved, ev.satisfaction) == (Decimal(0), Decimal(0), Decimal(0))
    assert ev.reasons[-3:] == (
        "responded 0: 是否联系 = no answer recorded, counts as 否",
        "solved 0: 是否解决 = no answer recorded, counts as 否",
        "satisfaction 0: no answer recorded, counts as 不满意",
    )


@pytest.mark.parametrize("outcome", ["unreachable", "refused"])
def test_unreachable_and_refused_policies(outcome: str) -> None:
    ticket = handled(callback=Callback(T0.add(days=3), outcome))
    ev = evaluate(ticket, RULES)
    assert (ev.callback, ev.valid, ev.responded) == (outcome, False, None)
    assert ev.reasons[-1].startswith(f"no valid callback: {outcome}")
    failing = attrs.evolve(RULES, unreachable="failure", refused="failure")
    ev = evaluate(ticket, failing)
    assert (ev.valid, ev.responded, ev.solved, ev.satisfaction) == (True, *[Decimal(0)] * 3)
    assert ev.reasons[-1].endswith("counts as a failure under beijing-2021")


def test_co_handler_attribution() -> None:
    ticket = handled(callback=answered())
    both = attrs.evolve(RULES, attribution="lead_and_co_handlers")
    ev = evaluate(ticket, both)
    assert ev.units == (("S01", Role.LEAD), ("D07", Role.CO_HANDLER))
    assert ev.reason == "eligible: dispatched, lead S01 and co-handlers D07"
    solo = evaluate(handled(co=(), callback=answered()), both)
    assert solo.reason == "eligible: dispatched, lead S01 and co-handlers none"


def exclusion(
    category: str = "malicious",
    approver: str = "HOTLINE",
    *,
    at: pendulum.DateTime = T0,
    actor: str = "S01",
) -> tuple[Event, ...]:
    return (
        ExclusionRequest(at.add(days=4), actor, category, "恶意诉求"),
        ExclusionDecision(at.add(days=5), approved=True, approver=approver, category=category),
    )


def test_approved_exclusion_removes_the_ticket() -> None:
    ticket = handled(callback=answered(), extra=exclusion())
    ev = evaluate(ticket, RULES)
    assert ev.excluded_by == ticket.exclusion
    assert ev.state == 0
    assert "excluded: malicious approved by HOTLINE" in ev.reasons
    other = evaluate(handled(callback=answered(), extra=exclusion("weather")), RULES)
    assert other.excluded_by is None
    assert (
        "not excluded: category 'weather' is not an exclusion category of beijing-2021"
        in other.reasons
    )


def test_merged_and_excluded_kinds() -> None:
    merged = Ticket(
        complaint(), (Intake(T0), Dispatch(T0.add(hours=1), "S01"), Merge(T0.add(hours=2), "C0"))
    )
    assert evaluate(merged, RULES).reason == "merged into C0 (并单): counts with the original"
    counting = evaluate(merged, attrs.evolve(RULES, count_merged=True))
    assert counting.eligible
    praise = handled(kind="praise", callback=answered())
    ev = evaluate(praise, attrs.evolve(RULES, exclude_kinds=("praise",)))
    assert ev.reason == "kind praise (表扬) is not scored under beijing-2021"


def test_breakdown_lists_the_tickets_behind_each_number() -> None:
    tickets = [
        handled("C1", callback=answered()),
        handled("C2", callback=answered(solved=False, satisfaction="不满意")),
        handled("C3", callback=Callback(T0.add(days=3), "unreachable")),
        handled("C4", callback=answered(), extra=exclusion()),
        handled("C5", lead="S02", callback=answered()),
        Ticket(complaint("C6"), (Intake(T0), AnsweredAtIntake(T0.add(minutes=1)))),
    ]
    evaluations = [evaluate(t, RULES) for t in tickets]
    b = breakdown(evaluations, "S01", "2025-03")
    assert b.counted == ("C1", "C2", "C3")
    assert b.excluded == {"C4": "malicious approved by HOTLINE"}
    assert b.valid == ("C1", "C2")
    assert b.no_valid_callback == {
        "C3": "no valid callback: unreachable (无法联系) leaves the denominator under beijing-2021"
    }
    assert b.solved == {"C1": 1, "C2": 0}
    assert b.responded == {"C1": 1, "C2": 1}
    assert b.satisfaction == {"C1": 1, "C2": 0}
    tally = tally_evaluations(evaluations)
    row = tally.row("S01", "2025-03")
    assert (row["tickets"], row["excluded"], row["answered"], row["solved"]) == (3, 1, 2, 1)
    score = tally.scores(RULES).get("S01", "2025-03")
    assert score.resolution == 50
    assert tally_evaluations(evaluations, by_category=True).row("S01", "2025-03", "01.02.03") == row


ticket_rows = st.fixed_dictionaries(
    {
        "lead": st.sampled_from(["S01", "S02"]),
        "co": st.sampled_from([(), ("D07",)]),
        "day": st.integers(0, 40),
        "outcome": st.sampled_from(["none", "answered", "unreachable", "refused"]),
        "contacted": st.booleans(),
        "solved": st.booleans(),
        "satisfaction": st.integers(0, 2),
        "excluded": st.booleans(),
    }
)
SATISFACTION = ("不满意", "基本满意", "满意")


def build(i: int, r: dict[str, Any]) -> Ticket:
    at = T0.add(days=r["day"])
    callback = None
    if r["outcome"] == "answered":
        callback = Callback(
            at.add(days=3), "answered", r["contacted"], r["solved"], SATISFACTION[r["satisfaction"]]
        )
    elif r["outcome"] != "none":
        callback = Callback(at.add(days=3), r["outcome"])
    extra = exclusion(at=at, actor=r["lead"]) if r["excluded"] else ()
    return handled(f"C{i}", lead=r["lead"], co=r["co"], callback=callback, extra=extra, at=at)


@given(st.lists(ticket_rows, max_size=12), st.sampled_from(["lead", "lead_and_co_handlers"]))
def test_scalar_path_equals_array_path(rows: list[dict[str, Any]], attribution: Any) -> None:
    rules = attrs.evolve(RULES, attribution=attribution, period_timestamp="created_at")
    tickets = [build(i, r) for i, r in enumerate(rows)]
    scalar = tally_evaluations(evaluate(t, rules) for t in tickets)
    units, periods, lead, cb, con, sol, sat, excl = [], [], [], [], [], [], [], []
    codes = {"none": 0, "answered": 1, "unreachable": 2, "refused": 3}
    for t, r in zip(tickets, rows, strict=True):
        for unit, is_lead in ((r["lead"], True), *((c, False) for c in r["co"])):
            units.append(unit)
            periods.append(period_of(t.complaint.received_at, rules))
            lead.append(is_lead)
            cb.append(codes[r["outcome"]])
            con.append(r["contacted"])
            sol.append(r["solved"])
            sat.append(r["satisfaction"])
            excl.append(r["excluded"])
    arrays = tally_many(
        np.array(units, dtype=str),
        np.array(periods, dtype=str),
        callback=np.array(cb, dtype=np.int8),
        contacted=np.array(con, dtype=bool),
        solved=np.array(sol, dtype=bool),
        satisfaction=np.array(sat, dtype=np.int8),
        lead=np.array(lead, dtype=bool),
        excluded=np.array(excl, dtype=bool),
        rules=rules,
    )
    assert scalar == arrays


# ------------------------------------------------------------------------------------------ periods
def test_period_of_in_beijing_wall_time() -> None:
    assert period_of(pendulum.datetime(2025, 3, 31, 15, 59, tz="UTC"), RULES) == "2025-03"
    assert period_of(pendulum.datetime(2025, 3, 31, 16, 0, tz="UTC"), RULES) == "2025-04"
    nineteen = attrs.evolve(RULES, period_start_day=19)
    assert period_of(pendulum.datetime(2025, 3, 18, 23, tz="Asia/Shanghai"), nineteen) == "2025-03"
    assert period_of(pendulum.datetime(2025, 12, 19, tz="Asia/Shanghai"), nineteen) == "2026-01"


moments = st.datetimes(
    min_value=dt.datetime(1995, 1, 1),
    max_value=dt.datetime(2035, 12, 31),
    timezones=st.just(dt.UTC),
)


@given(st.lists(moments, min_size=1, max_size=20), st.sampled_from([1, 19, 28]))
def test_period_many_equals_period_of(values: list[dt.datetime], start_day: int) -> None:
    rules = attrs.evolve(RULES, period_start_day=start_day)
    arr = np.array([v.replace(tzinfo=None) for v in values], dtype="datetime64[us]")
    got = period_many(arr, rules).tolist()
    assert got == [period_of(pendulum.instance(v), rules) for v in values]


def test_period_many_edges() -> None:
    assert period_many(np.array(["NaT"], dtype="datetime64[s]"), RULES).tolist() == [""]
    # Shanghai kept daylight saving 1986-1991: 15:30 UTC on 30 June 1988 was 00:30 on 1 July there
    moments = np.array(["1988-01-01T00:00", "1988-06-30T15:30", "NaT"], dtype="datetime64[m]")
    assert period_many(moments, RULES).tolist() == ["1988-01", "1988-07", ""]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Shanghai"])
@pytest.mark.parametrize("start_day", [1, 19])
def test_period_many_is_exact_in_zones_with_daylight_saving(zone: str, start_day: int) -> None:
    rules = attrs.evolve(Rules(), timezone=zone, period_start_day=start_day)
    rng = np.random.default_rng(14)
    lo = int(np.datetime64("1985-01-01T00:00", "s").astype(np.int64))
    hi = int(np.datetime64("2027-01-01T00:00", "s").astype(np.int64))
    random = rng.integers(lo, hi, 3_000)
    # and every instant within an hour of each month's start in the zone, where a wrong offset shows
    edges = [
        int(pendulum.datetime(y, m, d, tz=zone).int_timestamp) + k
        for y in (1991, 2024, 2025)
        for m in range(1, 13)
        for d in {1, start_day}
        for k in (-3_601, -3_600, -1, 0, 1, 3_599, 3_600)
    ]
    seconds = np.concatenate([random, np.array(edges, dtype=np.int64)])
    got = period_many(seconds.astype("datetime64[s]"), rules)
    expected = [
        period_of(pendulum.from_timestamp(int(s), tz="UTC"), rules) for s in seconds.tolist()
    ]
    assert got.tolist() == expected
