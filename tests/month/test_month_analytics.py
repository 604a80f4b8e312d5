"""The month job's ticket table feeds the analytics directly: areas, answers, clocks and caller keys."""

from __future__ import annotations

from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jiesu.analytics import (
    caller_key,
    find_duplicates,
    find_repeats,
    monthly_topics,
    rehandling_list,
    supervision_list,
)
from jiesu.month import PASSED_ON, District, MonthJob, MonthResult
from jiesu.sample import generate_export

SECRET = "a district secret of some length"  # noqa: S105 - a test key, not a credential
NOW = "2025-03-20T09:00:00+08:00"


@cache
def _district() -> District:
    return District.sample()


@cache
def _export() -> pa.Table:
    return generate_export(n=300, seed=4)


@cache
def _result() -> MonthResult:
    return MonthJob(_district()).run(_export(), period="2025-03", now=NOW, caller_secret=SECRET)


def test_the_table_carries_the_fields_the_analytics_read_and_no_personal_data() -> None:
    t = _result().tickets
    read = set(_export().column_names)
    assert {"callback", "satisfaction", "replied_at", "lon", "lat", "crs"} <= set(t.column_names)
    assert set(PASSED_ON) & set(t.column_names)
    for name in ("caller_name", "caller_phone", "content", "address", "诉求人", "联系电话"):
        assert name not in t.column_names
    phones = {p for p in _export().column("联系电话").to_pylist() if p}
    assert phones
    assert "联系电话" in read
    text = " ".join(str(v) for c in t.columns for v in c.to_pylist())
    assert not any(p in text for p in phones)


def test_caller_keys_are_the_keys_of_the_phones() -> None:
    t = _result().tickets
    want = caller_key(_export().column("联系电话").to_pylist(), SECRET).tolist()
    assert t.column("caller_key").to_pylist() == want
    plain = MonthJob(_district()).run(_export(), period="2025-03", now=NOW)
    assert "caller_key" not in plain.tickets.column_names


def test_a_value_that_is_not_a_phone_gives_no_key_and_the_row_is_still_scored() -> None:
    export = _export()
    phones = export.column("联系电话").to_pylist()
    phones[0] = "not a phone"
    bad = export.set_column(export.column_names.index("联系电话"), "联系电话", pa.array(phones))
    result = MonthJob(_district()).run(bad, period="2025-03", now=NOW, caller_secret=SECRET)
    keys = result.tickets.column("caller_key").to_pylist()
    assert keys[0] is None
    assert keys[1:] == _result().tickets.column("caller_key").to_pylist()[1:]
    assert not result.problems
    assert (
        result.tickets.column("scored").to_pylist()
        == _result().tickets.column("scored").to_pylist()
    )


def test_the_analytics_run_on_the_result() -> None:
    t = _result().tickets
    district = _district()
    topics = monthly_topics(t, period="2025-03", by="area", top=None)
    assert sum(topics.column("count").to_pylist()) == len(set(t.column("ticket_id").to_pylist()))
    lead = t.filter(pc.equal(t.column("role"), "lead"))
    placed = pc.sum(pc.invert(pc.is_null(lead.column("area")))).as_py()
    located = [a for a in topics.column("area").to_pylist() if a is not None]
    assert (
        sum(
            c
            for a, c in zip(
                topics.column("area").to_pylist(), topics.column("count").to_pylist(), strict=True
            )
            if a
        )
        == placed
    )
    assert located
    repeats = find_repeats(t)
    assert repeats.num_rows == t.num_rows
    duplicates = find_duplicates(t, radius_m=200, window_days=3)
    assert duplicates.num_rows == t.num_rows
    waiting = rehandling_list(t)
    both: Any = waiting.column("both_yes").to_pylist()
    assert not any(both)
    cards = supervision_list(t, district.deadlines, district.calendar, now=_result().now)
    assert set(cards.column("card").to_pylist()) <= {"red", "yellow"}
    ids = set(cards.column("ticket_id").to_pylist())
    late = {
        r["ticket_id"]
        for r in t.to_pylist()
        if r["role"] == "lead" and r["reply_status"] == "overdue" and not r["bad"]
    }
    assert late <= ids
