from __future__ import annotations

import csv
import shutil
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pendulum
import pyarrow as pa
import pytest

from jiesu.errors import ValidationError, ValidationReport
from jiesu.month import (
    District,
    MonthJob,
    MonthResult,
    problems_table,
    scorecard_table,
    tickets_table,
    write_outputs,
)
from jiesu.sample import EXPORT_HEADERS, export_rows, simulate_month, units
from jiesu.scoring import ZH_HEADERS

if TYPE_CHECKING:
    from jiesu.model import Complaint, Ticket

NOW = "2025-04-10T00:00:00+08:00"


@cache
def _district() -> District:
    return District.sample()


@cache
def _month() -> tuple[tuple[Complaint, ...], tuple[Ticket, ...]]:
    return simulate_month(year=2025, month=3, n=240, seed=11)


def _names() -> dict[str, str]:
    return {u.code: u.name for u in units()}


def _rows(tickets: list[Ticket] | None = None) -> list[dict[str, str]]:
    return export_rows(list(_month()[1]) if tickets is None else tickets, _names())


def _write(rows: list[dict[str, str]], path: Path, encoding: str = "gb18030") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(EXPORT_HEADERS))
        writer.writeheader()
        writer.writerows(rows)
    return path


@cache
def _clean_result() -> MonthResult:
    table = pa.table(
        {h: pa.array([r[h] for r in _rows()], type=pa.string()) for h in EXPORT_HEADERS}
    )
    return MonthJob(_district()).run(table, period="2025-03", now=NOW)


def test_one_row_per_export_row_and_nothing_lost() -> None:
    result = _clean_result()
    rows = _rows()
    assert result.tickets.num_rows == len(rows)
    assert result.tickets.column("ticket_id").to_pylist() == [r["工单编号"] for r in rows]
    assert result.tickets.column("row").to_pylist() == list(range(len(rows)))
    assert result.tickets.column("line").to_pylist() == [i + 2 for i in range(len(rows))]
    assert not result.problems
    assert result.skipped == 0


def test_the_export_path_scores_like_the_ticket_path() -> None:
    """An export of the tickets scores exactly as the tickets do one by one (evaluate)."""
    tickets = [t for t in _month()[1] if t.reopen_count == 0]
    table = pa.table(
        {h: pa.array([r[h] for r in _rows(tickets)], type=pa.string()) for h in EXPORT_HEADERS}
    )
    from_export = MonthJob(_district()).run(table, period="2025-03", now=NOW)
    from_tickets = MonthJob(_district()).run(tickets, period="2025-03", now=NOW)
    key = lambda s: (str(s.unit), s.period)  # noqa: E731 - a short sort key
    a = sorted(from_export.scores(), key=key)
    b = sorted(from_tickets.scores(), key=key)
    assert [(s.unit, s.volume, s.valid, s.composite, s.rank) for s in a] == [
        (s.unit, s.volume, s.valid, s.composite, s.rank) for s in b
    ]
    assert from_export.summary.counts["received"] == from_tickets.summary.counts["received"]
    assert from_export.summary.audit == from_tickets.summary.audit


def test_counts_add_up() -> None:
    c = _clean_result().summary.counts
    assert (
        c["received"]
        == c["answered_at_intake"] + c["not_dispatched"] + c["awaiting_dispatch"] + c["dispatched"]
    )
    assert c["dispatched"] == c["direct"] + c["via_district"]
    assert c["tickets"] == len({r["工单编号"] for r in _rows()})


def test_the_dispatch_audit_finds_a_wrong_unit() -> None:
    rows = _rows()
    i = next(
        k
        for k, r in enumerate(rows)
        if r["主办/协办"] == "主办" and r["承办单位"] == "北辰街道" and r["经度"]
    )
    original = MonthJob(_district()).run(_table(rows), period="2025-03", now=NOW).tickets
    assert original.column("audit")[i].as_py() == "match"
    rows[i] = {**rows[i], "承办单位": "朝晖街道"}
    audited = MonthJob(_district()).run(_table(rows), period="2025-03", now=NOW)
    t = audited.tickets
    assert t.column("audit")[i].as_py() == "mismatch"
    assert t.column("expected_unit")[i].as_py() == "S01"
    assert t.column("unit")[i].as_py() == "S02"
    assert t.column("audit_reason")[i].as_py().startswith("应派 S01")
    assert audited.summary.mismatches.get("S02", 0) == original_mismatches(original, "S02") + 1


def original_mismatches(table: pa.Table, unit: str) -> int:
    units_ = table.column("unit").to_pylist()
    audit = table.column("audit").to_pylist()
    return sum(1 for u, a in zip(units_, audit, strict=True) if u == unit and a == "mismatch")


def _table(rows: list[dict[str, str]]) -> pa.Table:
    return pa.table({h: pa.array([r[h] for r in rows], type=pa.string()) for h in EXPORT_HEADERS})


def _bad_rows() -> list[dict[str, str]]:
    rows = _rows()
    leads = [k for k, r in enumerate(rows) if r["主办/协办"] == "主办"]
    rows[leads[0]] = {**rows[leads[0]], "承办单位": "北辰街 道x"}
    rows[leads[1]] = {**rows[leads[1]], "诉求分类": "99.99.99"}
    rows[leads[2]] = {**rows[leads[2]], "受理时间": "2025-02-30 10:00:00"}
    done = next(k for k in leads[3:] if rows[k]["办结时间"])
    rows[done] = {**rows[done], "办结时间": "2025-01-01 00:00:00"}
    rows[leads[4]] = {**rows[leads[4]], "工单编号": ""}
    rows.append(dict(rows[leads[5]]))  # a re-exported row
    second = {**rows[leads[6]], "承办单位": "朝晖街道", "诉求内容": "x"}
    rows.append(second)  # two 主办 rows for one ticket
    rows[leads[7]] = {**rows[leads[7]], "是否满意": "很好"}
    return rows


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    rows = _bad_rows()
    path = _write(rows, tmp_path / "export.csv")
    with pytest.raises(ValidationReport) as info:
        MonthJob(_district()).run(path, period="2025-03", now=NOW)
    problems = {(p.field, p.reason.split(";")[0].split(" (")[0]) for p in info.value.problems}
    assert ("unit", "unknown unit") in problems
    assert ("category", "unknown category") in problems
    assert any(f == "received_at" for f, _ in problems)
    assert ("replied_at", "办结 before 受理") in problems
    assert ("ticket_id", "required field is blank") in problems
    assert any(f == "ticket_id" and r.startswith("duplicate of row") for f, r in problems)
    assert any(f == "role" and "second 主办" in r for f, r in problems)
    assert any(f == "satisfaction" for f, _ in problems)
    assert len(info.value.rows) == 8
    duplicate = next(p for p in info.value.problems if p.reason.startswith("duplicate"))
    assert ", line " in duplicate.reason


def test_skip_bad_scores_the_good_rows(tmp_path: Path) -> None:
    rows = _bad_rows()
    path = _write(rows, tmp_path / "export.csv")
    result = MonthJob(_district()).run(path, period="2025-03", now=NOW, skip_bad=True)
    assert result.skipped == 8
    assert result.tickets.num_rows == len(rows)
    bad = result.tickets.column("bad").to_pylist()
    assert sum(bad) == 8
    assert all(
        not s for s, b in zip(result.tickets.column("scored").to_pylist(), bad, strict=True) if b
    )
    lines = result.tickets.column("line").to_pylist()
    assert lines[:3] == [2, 3, 4]  # header = line 1
    problems = problems_table(result)
    assert problems.num_rows == len(result.problems)
    assert problems.column_names == ["工单编号", "行号", "数据行", "字段", "值", "说明"]


def test_wall_times_are_read_in_the_districts_zone(tmp_path: Path) -> None:
    rows = _rows()[:30]
    shanghai = MonthJob(_district()).run(_table(rows), period="2025-03", now=NOW)
    folder = tmp_path / "d"
    shutil.copytree(Path(_district().folder or ""), folder)
    manifest = folder / "district.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("Asia/Shanghai", "Asia/Tokyo", 1),
        encoding="utf-8",
    )
    tokyo = MonthJob(District.load(folder)).run(_table(rows), period="2025-03", now=NOW)
    a = np.asarray(shanghai.tickets.column("received_at").cast(pa.int64()).to_pylist())
    b = np.asarray(tokyo.tickets.column("received_at").cast(pa.int64()).to_pylist())
    assert set(((a - b) // 3_600_000_000).tolist()) == {1}


def test_clocks_agree_with_the_ticket_clocks() -> None:
    tickets = [
        t
        for t in _month()[1]
        if not t.returns and not t.extensions and not t.pauses and t.reopen_count == 0
    ]
    result = MonthJob(_district()).run(tickets, period="2025-03", now=NOW)
    policy, calendar = _district().deadlines, _district().calendar
    now = pendulum.parse(NOW)
    statuses = result.tickets.column("reply_status").to_pylist()
    checked = 0
    for ticket, status in zip(tickets, statuses, strict=True):
        clocks = policy.clocks(ticket, calendar, now=now)  # type: ignore[arg-type] # parse gives a DateTime
        expected = clocks.get("reply")
        assert (None if expected is None else expected.status.value) == status
        checked += expected is not None
    assert checked > 100


def test_outputs_are_written(tmp_path: Path) -> None:
    result = _clean_result()
    written = write_outputs(result, tmp_path, names=_names())
    assert {p.name for p in written} == {
        "problems.csv",
        "scorecard.csv",
        "tickets.csv",
        "scorecard.xlsx",
    }
    raw = (tmp_path / "scorecard.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw.decode("utf-8-sig").splitlines()[0].replace('"', "").split(",")
    assert set(ZH_HEADERS.values()) - {"诉求类别", "三率得分"} <= set(header)
    card = scorecard_table(result, names=_names())
    shown = card.column("承办单位").to_pylist()
    assert shown
    assert set(shown) <= set(_names().values())
    ticket_table = tickets_table(result)
    assert ticket_table.num_rows == result.tickets.num_rows
    assert set(ticket_table.column("派单核验").to_pylist()) <= {"一致", "不一致", "无法核验"}
    assert "13" not in "".join(str(v) for v in ticket_table.column("问题").to_pylist() if v)
    with pytest.raises(Exception, match="no such folder"):
        write_outputs(result, tmp_path / "missing")
    only = write_outputs(result, tmp_path, problems_only=True)
    assert [p.name for p in only] == ["problems.csv"]


def test_no_personal_data_in_the_outputs(tmp_path: Path) -> None:
    rows = _rows()
    write_outputs(_clean_result(), tmp_path, names=_names())
    text = "".join(p.read_text(encoding="utf-8-sig") for p in tmp_path.glob("*.csv"))
    phones = {r["联系电话"] for r in rows if r["联系电话"]}
    callers = {r["诉求人"] for r in rows if r["诉求人"]}
    assert phones
    assert not any(p in text for p in phones)
    assert callers
    assert not any(f",{c}," in text for c in callers)


def test_arguments_are_checked() -> None:
    job = MonthJob(_district())
    with pytest.raises(ValidationError, match="period"):
        job.run(_table(_rows()[:3]), period="2025-13")
    with pytest.raises(ValidationError, match="now"):
        job.run(_table(_rows()[:3]), period="2025-03", now="2025-04-01 00:00")
    with pytest.raises(ValidationError, match="now"):
        job.run(_table(_rows()[:3]), period="2025-03", now="yesterday")


def test_progress_and_default_now() -> None:
    seen: list[tuple[str, int, int]] = []
    result = MonthJob(_district()).run(
        _table(_rows()[:20]), period="2025-03", progress=lambda *a: seen.append(a)
    )
    assert [s for s, _, _ in seen] == ["read", "validate", "audit", "clocks", "score", "summary"]
    assert result.now == pendulum.datetime(2025, 4, 1, tz="Asia/Shanghai")
