"""Clocks of many tickets: ``DeadlinePolicy.clocks_many`` and ``sla_frame`` agree with ``clocks``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pendulum
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jiesu.calendar import PRESETS, SLA_COLUMNS, DeadlinePolicy, TimeUnit, WorkCalendar, sla_frame
from jiesu.errors import ValidationError, ValidationReport
from jiesu.model import (
    Callback,
    Complaint,
    Dispatch,
    Duration,
    Event,
    ExtensionDecision,
    ExtensionRequest,
    FirstContact,
    Intake,
    Reopen,
    Reply,
    ReturnDecision,
    ReturnRequest,
    SignFor,
    Ticket,
    TrackingStart,
    TrackingStop,
    example_tickets,
)
from jiesu.sample import generate_complaints, simulate
from jiesu.testing import complaints, tickets, zoned_datetimes

if TYPE_CHECKING:
    from jiesu.calendar import SlaTable

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

CAL = WorkCalendar.china()
TZ = "Asia/Shanghai"
NOW = pendulum.datetime(2025, 3, 25, 12, tz=TZ)
_NATURAL = (TimeUnit.NATURAL_HOURS, TimeUnit.NATURAL_DAYS)


def _sample() -> list[Ticket]:
    leads = ("S01", "S05", "D-ZJW", "P-HEAT")
    found = generate_complaints(year=2025, month=3, n=300, seed=5)
    until = pendulum.datetime(2025, 3, 20, tz=TZ)
    made = [
        Ticket.from_events(c, simulate(c, lead=leads[i % 4], seed=5, until=until))
        for i, c in enumerate(found)
    ]
    return made + list(example_tickets())


SAMPLE = _sample()


def _utc(value: pendulum.DateTime) -> np.datetime64:
    return np.datetime64(value.in_timezone("UTC").naive(), "us")


def assert_agrees(policy: DeadlinePolicy, items: list[Ticket], now: dt.datetime) -> None:
    """Every row of every table equals ``clocks()`` of its ticket."""
    tables = policy.clocks_many(items, CAL, now=now)
    assert set(tables) == {x.milestone for x in policy.limits}
    for i, ticket in enumerate(items):
        one = policy.clocks(ticket, CAL, now=now)
        assert set(one) <= set(tables)
        for milestone, table in tables.items():
            assert len(table) == len(items)
            found = one.get(milestone)
            if found is None:
                assert table.status[i] == ""
                assert np.isnat(table.due[i])
                assert np.isnan(table.remaining[i])
                continue
            assert str(table.status[i]) == found.status.value, (i, milestone)
            assert table.due[i] == _utc(found.due)
            assert table.remaining[i] == pytest.approx(found.remaining, abs=1e-8)
            assert table.elapsed[i] == pytest.approx(found.elapsed, abs=1e-8)
            assert table.excluded[i] == pytest.approx(found.paused, abs=1e-8)
            assert bool(table.paused[i]) is found.is_paused
            assert bool(table.provisional[i]) is found.provisional


@pytest.mark.parametrize("name", PRESETS)
def test_clocks_many_equals_clocks_on_the_sample_tickets(name: str) -> None:
    assert_agrees(DeadlinePolicy.preset(name), SAMPLE, NOW)


_RECENT = complaints(
    received_at=zoned_datetimes(
        min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2025, 6, 1)
    )
)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(tickets(complaint=_RECENT, max_events=14), min_size=1, max_size=6),
    st.sampled_from(PRESETS),
    st.integers(0, 400),
)
def test_clocks_many_equals_clocks_on_any_tickets(
    items: list[Ticket], name: str, days: int
) -> None:
    assert_agrees(DeadlinePolicy.preset(name), items, NOW.add(days=days - 200))


def test_clocks_many_takes_any_iterable_and_refuses_non_tickets() -> None:
    policy = DeadlinePolicy.preset("beijing")
    tables = policy.clocks_many(iter(SAMPLE[:5]), CAL, now=NOW)
    assert all(len(t) == 5 for t in tables.values())
    assert all(len(t) == 0 for t in policy.clocks_many([], CAL, now=NOW).values())
    with pytest.raises(ValidationReport) as info:
        policy.clocks_many([SAMPLE[0], "x", 3], CAL, now=NOW)  # type: ignore[list-item]  # bad on purpose
    assert [(p.row, p.field) for p in info.value.problems] == [(1, "ticket"), (2, "ticket")]
    with pytest.raises(ValidationError, match="now"):
        policy.clocks_many(SAMPLE[:1], CAL, now=dt.datetime(2025, 3, 1))


# --------------------------------------------------------------------------------------------- frames


def _pending_handling(policy: DeadlinePolicy, ticket: Ticket) -> bool:
    """Whether a ticket fits one table row: one pause, at most one return, days of one family."""
    limit = policy.limit("reply", ticket.complaint.kind, ticket.complaint.urgency)
    family = None if limit is None else limit.duration.unit in _NATURAL
    days = (TimeUnit.NATURAL_DAYS, TimeUnit.WORKING_DAYS)
    return (
        len(ticket.pauses) <= 1
        and len(ticket.returns) <= 1
        and all(e.unit in days and (e.unit in _NATURAL) == family for e in ticket.extensions)
    )


def _row(ticket: Ticket) -> dict[str, Any]:
    def utc(value: pendulum.DateTime | None) -> dt.datetime | None:
        return None if value is None else value.in_timezone("UTC")

    reopens = [e.at for e in ticket.events if type(e).__name__ == "Reopen"]
    pause = ticket.pauses[0] if ticket.pauses else (None, None)
    return {
        "received_at": utc(ticket.complaint.received_at),
        "kind": ticket.complaint.kind.value,
        "urgency": ticket.complaint.urgency.value,
        "dispatched_at": utc(ticket.dispatched_at),
        "first_dispatched_at": utc(ticket.first_dispatched_at),
        "signed_at": utc(ticket.signed_at),
        "contacted_at": utc(ticket.first_contact_at),
        "replied_at": utc(ticket.replied_at),
        "returned_at": utc(ticket.returns[0].at) if ticket.returns else None,
        "callback_at": utc(ticket.callback.at) if ticket.callback else None,
        "reopened_at": utc(reopens[-1]) if reopens else None,
        "extension_days": float(sum(e.amount for e in ticket.extensions)),
        "paused_from": utc(pause[0]),
        "paused_until": utc(pause[1]),
    }


def _arrow(items: list[Ticket]) -> Any:
    rows = [_row(t) for t in items]
    stamp = pa.timestamp("us", tz="UTC")
    fields = [
        pa.field(name, pa.string() if name in ("kind", "urgency") else stamp)
        for name in SLA_COLUMNS
        if name != "extension_days"
    ]
    fields.append(pa.field("extension_days", pa.float64()))
    schema = pa.schema(fields)
    return pa.Table.from_pylist(rows, schema=schema)


def assert_frame_agrees(policy: DeadlinePolicy, items: list[Ticket], out: Any) -> None:
    tables: dict[str, SlaTable] = policy.clocks_many(items, CAL, now=NOW)
    for milestone, table in tables.items():
        due = out[f"{milestone}_due"].dt.replace_time_zone(None).to_numpy()
        np.testing.assert_array_equal(due.astype("datetime64[us]"), table.due)
        status = out[f"{milestone}_status"].to_list()
        assert status == [s or None for s in table.status.tolist()]
        remaining = out[f"{milestone}_remaining"].to_numpy()
        np.testing.assert_array_equal(remaining, table.remaining)


@pytest.mark.parametrize("name", PRESETS)
def test_sla_frame_equals_the_array_path_on_arrow_and_polars(name: str) -> None:
    policy = DeadlinePolicy.preset(name)
    items = [t for t in SAMPLE if _pending_handling(policy, t)]
    assert len(items) > len(SAMPLE) / 2
    table = _arrow(items)
    on_arrow = sla_frame(table, policy, CAL, now=NOW)
    assert isinstance(on_arrow, pa.Table)
    assert on_arrow.num_rows == len(items)
    assert_frame_agrees(policy, items, pl.from_arrow(on_arrow))
    on_polars = sla_frame(pl.from_arrow(table).lazy(), policy, CAL, now=NOW)
    assert isinstance(on_polars, pl.DataFrame)
    assert_frame_agrees(policy, items, on_polars)


@settings(max_examples=25, deadline=None)
@given(st.lists(tickets(complaint=_RECENT, max_events=14), min_size=1, max_size=5))
def test_sla_frame_equals_clocks_many_on_any_tickets(items: list[Ticket]) -> None:
    policy = DeadlinePolicy.preset("beijing")
    assume(all(_pending_handling(policy, t) for t in items))
    assert_frame_agrees(
        policy, items, sla_frame(pl.from_arrow(_arrow(items)), policy, CAL, now=NOW)
    )


def test_sla_frame_on_pandas_and_duckdb() -> None:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pandas")
    policy = DeadlinePolicy.preset("shandong")
    items = [t for t in SAMPLE[:60] if _pending_handling(policy, t)]
    table = _arrow(items)
    expected = pl.from_arrow(sla_frame(table, policy, CAL, now=NOW))
    on_pandas = pl.from_pandas(sla_frame(table.to_pandas(), policy, CAL, now=NOW))
    assert on_pandas["reply_status"].to_list() == expected["reply_status"].to_list()
    assert (
        on_pandas["reply_due"].dt.replace_time_zone(None).to_list()
        == expected["reply_due"].dt.replace_time_zone(None).to_list()
    )
    relation = duckdb.from_arrow(table)
    on_duckdb = pl.DataFrame(sla_frame(relation, policy, CAL, now=NOW))
    assert on_duckdb["reply_status"].to_list() == expected["reply_status"].to_list()


def test_sla_frame_minimal_table_and_renamed_columns() -> None:
    policy = DeadlinePolicy.preset("lvliang")
    t0 = pendulum.datetime(2025, 3, 3, 9, tz=TZ)
    frame = pl.DataFrame(
        {
            "收到": [t0.in_timezone("UTC"), t0.add(days=30).in_timezone("UTC")],
            "kind": ["complaint", "help"],
            "urgency": ["normal", "urgent"],
        }
    ).with_columns(pl.col("收到").dt.cast_time_unit("us"))
    out = sla_frame(frame, policy, CAL, now=NOW, columns={"received_at": "收到"})
    expected = policy.clocks_many(
        [Ticket(Complaint("a", t0, "phone", "complaint", "normal", "01.01.01"))], CAL, now=NOW
    )
    assert out["dispatch_status"].to_list()[0] == expected["dispatch"].status[0] == "overdue"
    assert out["reply_status"].to_list() == [None, None]
    assert out["reply_remaining"].null_count() + out["reply_remaining"].is_nan().sum() == 2


def test_sla_frame_refuses_bad_tables() -> None:
    policy = DeadlinePolicy.preset("beijing")
    t0 = dt.datetime(2025, 3, 3, 1, tzinfo=dt.UTC)
    good = {"received_at": [t0, None], "kind": ["complaint", "nope"], "urgency": ["normal", "x"]}
    with pytest.raises(ValidationReport) as info:
        sla_frame(pl.DataFrame(good), policy, CAL, now=NOW)
    assert [(p.row, p.field) for p in info.value.problems] == [
        (1, "received_at"),
        (1, "kind"),
        (1, "urgency"),
    ]
    with pytest.raises(ValidationError, match="required column"):
        sla_frame(pl.DataFrame({"kind": ["complaint"]}), policy, CAL, now=NOW)
    naive = {"received_at": [dt.datetime(2025, 3, 3)], "kind": ["complaint"], "urgency": ["normal"]}
    with pytest.raises(ValidationError, match="aware instants"):
        sla_frame(pl.DataFrame(naive), policy, CAL, now=NOW)
    with pytest.raises(ValidationError, match="not a role"):
        sla_frame(pl.DataFrame(naive), policy, CAL, now=NOW, columns={"nope": "x"})


# ----------------------------------------------------------------------------------- chosen histories

T0 = pendulum.datetime(2025, 3, 3, 9, tz=TZ)


def _ticket(*events: Event) -> Ticket:
    complaint = Complaint("C1", T0, "phone", "complaint", "normal", "01.02.03")
    return Ticket.from_events(complaint, [Intake(T0), *events])


def _chosen() -> list[Ticket]:
    handled = (Dispatch(T0.add(hours=1), "S01"), SignFor(T0.add(hours=2), "S01"))
    ask = ExtensionRequest(T0.add(days=2), "S01", Duration(2, "working_days"), "需协调")
    return [
        _ticket(*handled),
        _ticket(  # extensions of both families: the scalar rule for the other family
            *handled,
            FirstContact(T0.add(hours=3), "S01"),
            ask,
            ExtensionDecision(
                T0.add(days=2, hours=1), approved=True, duration=Duration(48, "natural_hours")
            ),
            ExtensionRequest(T0.add(days=3), "S01", Duration(2, "working_days"), "需协调"),
            ExtensionDecision(
                T0.add(days=3, hours=1), approved=True, duration=Duration(2, "working_days")
            ),
            TrackingStart(T0.add(days=4), "S01", "暂时无法解决"),
            TrackingStop(T0.add(days=5)),
            TrackingStart(T0.add(days=6), "S01", "暂时无法解决"),
        ),
        _ticket(
            *handled,
            FirstContact(T0.add(hours=3), "S01"),
            Reply(T0.add(days=1), "S01"),
            Callback(
                T0.add(days=2),
                "answered",
                contacted=True,
                solved=False,
                satisfaction="dissatisfied",
            ),
            Reopen(T0.add(days=2, hours=1), "不满意"),
        ),
        _ticket(
            Dispatch(T0.add(hours=1), "S01", ("S05",)),
            ReturnRequest(T0.add(hours=2), "S01", "非本单位职责"),
            ReturnDecision(T0.add(hours=3), upheld=True, new_lead="S05"),
            SignFor(T0.add(hours=4), "S05"),
            FirstContact(T0.add(hours=5), "S05"),
            Reply(T0.add(days=6), "S05"),
        ),
    ]


CALLBACK_POLICY = DeadlinePolicy.from_text(
    'name = "x"\nsource = "s"\nrestart_on_redispatch = false\n'
    '[[limits]]\nmilestone = "callback"\nstarts_at = "reply"\nduration = "1wd"\n'
    '[[limits]]\nmilestone = "sign_for"\nstarts_at = "dispatch"\nduration = "2h"\n'
    '[[limits]]\nmilestone = "reply"\nstarts_at = "dispatch"\nduration = "7d"\nwarn_before = "1d"\n'
    '[[limits]]\nmilestone = "return_window"\nstarts_at = "sign_for"\nduration = "1wh"\n'
)


@pytest.mark.parametrize("policy", [*map(DeadlinePolicy.preset, PRESETS), CALLBACK_POLICY])
def test_clocks_many_on_chosen_histories(policy: DeadlinePolicy) -> None:
    for days in (0, 3, 10, 40):
        assert_agrees(policy, _chosen(), T0.add(days=days))
