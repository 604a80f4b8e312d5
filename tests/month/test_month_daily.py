"""The daily brief (日梳理): the library call and ``jiesu daily`` on an export with planted repeats."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
from typer.testing import CliRunner

from jiesu import cli
from jiesu.analytics import cadence_table, detect_spikes
from jiesu.errors import ValidationError
from jiesu.month import DailyBrief, District, daily_brief
from jiesu.sample import generate_export

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "a district secret of some length"  # noqa: S105 - a test key, not a credential
DAY = dt.date(2025, 3, 12)
_LATER = (
    "派单时间",
    "签收时间",
    "首次联系时间",
    "办结时间",
    "回访时间",
    "回访结果",
    "是否联系",
    "是否解决",
    "是否满意",
)


@cache
def _district() -> District:
    return District.sample()


@cache
def _export() -> pa.Table:
    """Two months of the sample, and one caller of March 1 calling again on the 12th (twice)."""
    table = pa.concat_tables([generate_export(n=400, month=m, seed=m) for m in (2, 3)])
    rows = table.to_pylist()
    first = next(
        r for r in rows if r["受理时间"].startswith("2025-03-01") and r["主办/协办"] == "主办"
    )
    again = [
        {
            **first,
            **dict.fromkeys(_LATER, ""),
            "工单编号": f"{first['工单编号']}-{n}",
            "受理时间": f"2025-03-12 {h}:00:00",
        }
        for n, h in ((2, 10), (3, 15))
    ]
    return pa.Table.from_pylist([*rows, *again], schema=table.schema)


@cache
def _brief() -> DailyBrief:
    return daily_brief(_district(), _export(), date=DAY, caller_secret=SECRET)


def test_the_week_ends_on_the_day_and_matches_the_cadence_of_the_good_rows() -> None:
    brief = _brief()
    assert brief.now.isoformat() == "2025-03-13T00:00:00+08:00"
    days = brief.days.column("period").to_pylist()
    assert days == [(DAY - dt.timedelta(days=6 - i)).isoformat() for i in range(7)]
    t = brief.result.tickets
    good = t.filter(pc.invert(t.column("bad")))
    every = cadence_table(good, freq="day", rules=_district().rules)
    want = {r["period"]: r["received"] for r in every.to_pylist()}
    assert [r["received"] for r in brief.days.to_pylist()] == [want.get(d, 0) for d in days]
    assert brief.days.column("repeats").to_pylist()[-1] >= 2


def test_the_planted_repeats_are_the_days_repeats() -> None:
    ids = set(_brief().repeats.column("ticket_id").to_pylist())
    planted = {r["工单编号"] for r in _export().to_pylist() if "-" in r["工单编号"]}
    assert planted <= ids
    assert all(i >= 2 for i in _brief().repeats.column("repeat_index").to_pylist())


def test_cards_and_alerts_are_those_of_the_end_of_the_day() -> None:
    brief = _brief()
    assert set(brief.cards.column("card").to_pylist()) <= {"red", "yellow"}
    per_unit = {r["unit"]: r for r in brief.cards_by_unit.to_pylist()}
    for unit, row in per_unit.items():
        mine = [c for c in brief.cards.to_pylist() if c["unit"] == unit]
        assert row["red"] + row["yellow"] == len({c["ticket_id"] for c in mine})
    t = brief.result.tickets
    spikes = detect_spikes(t.filter(pc.invert(t.column("bad"))))
    flagged = {
        (r["area"], r["category"]) for r in spikes.to_pylist() if r["alert"] and r["date"] == DAY
    }
    assert {(r["area"], r["category"]) for r in brief.alerts.to_pylist()} == flagged


def test_without_a_secret_there_are_no_caller_keys_and_no_repeats() -> None:
    brief = daily_brief(_district(), generate_export(n=80, seed=9), date="2025-03-05")
    assert "caller_key" not in brief.result.tickets.column_names
    assert brief.repeats.num_rows == 0


@pytest.mark.parametrize("value", ["2025-3-5", "yesterday", dt.datetime(2025, 3, 5, tzinfo=dt.UTC)])
def test_a_bad_date_is_refused(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        daily_brief(_district(), generate_export(n=5, seed=1), date=value)  # type: ignore[arg-type]  # wrong on purpose
    assert caught.value.field == "date"


def test_the_command_prints_the_brief_and_writes_its_files(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    pacsv.write_csv(_export(), export)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app,
        [
            "daily",
            "src/jiesu/data/sample",
            "-t",
            str(export),
            "--date",
            "2025-03-12",
            "--caller-secret-env",
            "TEST_SECRET",
            "-o",
            str(out),
        ],
        env={"COLUMNS": "200", "TEST_SECRET": SECRET},
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "日梳理" in result.stdout
    assert "屡办不成" in result.stdout
    assert {p.name for p in out.iterdir()} == {"daily.csv", "cards.csv"}
    cards = (out / "cards.csv").read_text(encoding="utf-8-sig").splitlines()
    assert cards[0] == '"工单编号","承办单位","督办","办结时限"'
    assert len(cards) == _brief().cards.num_rows + 1
    phones = {r["联系电话"] for r in _export().to_pylist() if r["联系电话"]}
    written = (out / "daily.csv").read_text(encoding="utf-8-sig") + "".join(cards)
    assert not any(p in written or p in result.stdout for p in phones)


def test_the_command_refuses_a_missing_secret_a_missing_file_and_a_bad_date(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    pacsv.write_csv(generate_export(n=20, seed=2), export)
    runner = CliRunner()
    base = ["daily", "src/jiesu/data/sample", "-t", str(export), "--date"]
    unset = runner.invoke(cli.app, [*base, "2025-03-05", "--caller-secret-env", "NOPE_X"], env={})
    assert unset.exit_code == 2
    assert "NOPE_X is not set" in unset.stderr
    missing = runner.invoke(
        cli.app, ["daily", "src/jiesu/data/sample", "-t", "nope.csv", "--date", "2025-03-05"]
    )
    assert missing.exit_code == 2
    bad = runner.invoke(cli.app, [*base, "2025-13-01"])
    assert bad.exit_code == 1
    assert "date" in bad.stderr
    clash = tmp_path / "file"
    clash.write_text("x")
    blocked = runner.invoke(cli.app, [*base, "2025-03-05", "-o", str(clash / "sub")])
    assert blocked.exit_code == 2


def test_a_planted_spike_is_an_alert_and_bad_rows_are_counted(tmp_path: Path) -> None:
    rows = _export().to_pylist()
    site = next(
        r for r in rows if r["受理时间"].startswith("2025-03-02") and r["主办/协办"] == "主办"
    )
    spike = [
        {
            **site,
            **dict.fromkeys(_LATER, ""),
            "工单编号": f"SPIKE{n:03d}",
            "联系电话": f"1390000{n:04d}",
            "受理时间": f"2025-03-12 {8 + n % 10:02d}:{n:02d}:00",
        }
        for n in range(20)
    ]
    bad = {**rows[5], "工单编号": "BAD001", "承办单位": "不存在的单位"}
    export = tmp_path / "export.csv"
    pacsv.write_csv(pa.Table.from_pylist([*rows, *spike, bad], schema=_export().schema), export)
    brief = daily_brief(_district(), export, date=DAY)
    assert brief.alerts.num_rows >= 1
    assert brief.result.skipped == 1
    result = CliRunner().invoke(
        cli.app,
        ["daily", "src/jiesu/data/sample", "-t", str(export), "--date", "2025-03-12"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "跳过坏行 skipped 1 bad rows" in result.stderr
    category = brief.alerts.column("category").to_pylist()[0]
    table = result.stdout[result.stdout.index("预警") :]
    assert category in table
    assert "屡办不成" not in result.stdout  # no secret, no repeats table
