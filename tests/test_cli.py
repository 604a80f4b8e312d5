from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from jiesu import cli
from jiesu.errors import MissingDependencyError, Problem, ValidationReport
from jiesu.io import read_table, write_table
from jiesu.model import dumps, example_tickets
from jiesu.sample import generate_complaints, raw_score_table

if TYPE_CHECKING:
    from pathlib import Path

runner = CliRunner()
WIDE = {"COLUMNS": "200"}
# A point inside street S01 of the sample district (WGS-84).
S01 = ("115.484", "38.930")


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env=WIDE)
    return result.exit_code, result.stdout, result.stderr


# --- examples --------------------------------------------------------------------------------------


def test_examples_print_histories_and_states() -> None:
    code, out, _ = _run("examples", "--seed", "7")
    assert code == 0, out
    assert "jiesu examples (seed 7)" in out
    for ticket in example_tickets(7):
        assert ticket.id in out
        assert ticket.state_label in out
    assert "受理 → 派单 → 签收 → 退单申请 → 退单审核" in out
    assert "13800000" not in out  # callers stay out of the output


def test_examples_seed_moves_times() -> None:
    assert _run("examples", "--seed", "1")[1] != _run("examples", "--seed", "2")[1]


def test_history_table_rows() -> None:
    ticket = example_tickets()[2]
    assert cli.history_table(ticket).row_count == len(ticket.events)
    assert cli.summary_table([ticket], title="t").row_count == 1


# --- demo and report -------------------------------------------------------------------------------


def test_demo_routes_lives_scores_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    code, out, _ = _run(
        "demo", "--months", "1", "--per-month", "500", "--output", str(report), "--top", "2"
    )
    assert code == 0, out
    assert "受理诉求 complaints received" in out
    assert re.search(r"complaints received\s*│\s*500\s*│", out)
    assert "直派 direct dispatch" in out
    assert re.search(r"open at the month's end\s*│\s*[1-9]", out)
    assert "办理时限 reply" in out
    flat = re.sub(r"\s+", " ", out)
    assert "2025-03 街道乡镇 三率考评排名 top 2" in flat
    assert flat.index("街道乡镇 三率考评排名") < flat.index("区级部门 三率考评排名")
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_writes_the_sample_month(tmp_path: Path) -> None:
    target = tmp_path / "out" / "m.html"
    code, out, _ = _run(
        "report", "--output", str(target), "--months", "2", "--per-month", "80", "--month", "7"
    )
    assert code == 0, out
    html = target.read_text(encoding="utf-8")
    assert "2025-07" in html
    assert "<script" not in html


def test_demo_reports_library_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise ValidationReport([Problem(3, "kind", "x", "unknown kind")], total=9)

    monkeypatch.setattr("jiesu.report.run_sample_month", broken)
    code, _, err = _run("demo")
    assert code == cli.EXIT_DATA
    assert "row 3, kind: unknown kind (got 'x')" in err
    assert _run("report", "--output", "x.html")[0] == cli.EXIT_DATA


def test_bad_month_is_a_usage_error() -> None:
    assert _run("demo", "--month", "13")[0] == cli.EXIT_USAGE


# --- calendar and deadline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-09-28", "2025-09-28 周日: 工作日 workday (调休上班 adjusted working day)"),
        ("2025-10-01", "2025-10-01 周三: 休息日 day off (国庆节、中秋节)"),
        ("2025-10-10", "2025-10-10 周五: 工作日 workday"),
        ("2025-10-12", "2025-10-12 周日: 休息日 day off"),
    ],
)
def test_calendar_is_workday(day: str, expected: str) -> None:
    code, out, _ = _run("calendar", "is-workday", day)
    assert code == 0
    assert out.strip() == expected


def test_calendar_refuses_uncovered_dates_unless_asked() -> None:
    code, _, err = _run("calendar", "is-workday", "2030-01-02")
    assert code == cli.EXIT_DATA
    assert "outside the calendar's covered range 2010-01-01..2026-12-31" in err
    assert "hint: --beyond-coverage statutory" in err
    code, out, err = _run("calendar", "is-workday", "2030-01-02", "--beyond-coverage", "weekdays")
    assert code == 0
    assert (
        out.strip()
        == "2030-01-02 周三: 工作日 workday [provisional: by weekday only, no notice 待定]"
    )
    assert "statutory holidays such as 元旦 and 春节 count as working days" in err
    assert _run("calendar", "add", "2031-01-01", "1")[0] == cli.EXIT_DATA
    assert _run("calendar", "count", "2009-12-01", "2010-01-05")[0] == cli.EXIT_DATA
    code, _, err = _run("calendar", "add", "2031-01-01", "1", "--beyond-coverage", "yes")
    assert code == cli.EXIT_USAGE
    assert "'yes' is not one of 'none', 'weekdays', 'statutory'" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("is-workday", "2027-02-05"),
            "2027-02-05 周五: 休息日 day off (春节) [provisional: statutory holidays only, no notice yet 待定]",
        ),
        (
            ("is-workday", "2027-10-04"),
            "2027-10-04 周一: 工作日 workday [provisional: statutory holidays only, no notice yet 待定]",
        ),
        (("is-workday", "2026-10-01"), "2026-10-01 周四: 休息日 day off (国庆节)"),
        (("add", "2026-12-28", "5"), "2027-01-05"),  # 元旦 2027 is off
        (("count", "2026-12-31", "2027-01-04"), "1"),
    ],
)
def test_calendar_beyond_coverage_statutory(args: tuple[str, ...], expected: str) -> None:
    code, out, _ = _run("calendar", *args, "--beyond-coverage", "statutory")
    assert code == 0, out
    assert out.strip() == expected


def test_calendar_weekdays_count_new_year_as_a_working_day_and_say_so() -> None:
    code, out, err = _run("calendar", "add", "2026-12-28", "5", "--beyond-coverage", "weekdays")
    assert code == 0
    assert out.strip() == "2027-01-04"
    assert "note 注意: the 2027 holiday notice is not in this calendar" in err
    assert "count as working days" in err
    code, out, err = _run(
        "calendar", "count", "2026-12-01", "2026-12-04", "--beyond-coverage", "none"
    )
    assert (code, out.strip()) == (0, "3")
    assert "note 注意: the 2027 holiday notice is not in this calendar" in err
    code, out, err = _run("calendar", "count", "2026-03-02", "2026-03-06")
    assert (code, out.strip(), err) == (0, "4", "")


def test_calendar_add_and_count() -> None:
    assert _run("calendar", "add", "2025-09-30", "1")[1].strip() == "2025-10-09"
    assert _run("calendar", "add", "2025-10-09", "--", "-1")[1].strip() == "2025-09-30"
    assert _run("calendar", "count", "2025-09-26", "2025-10-10")[1].strip() == "5"


def test_calendar_bad_date_is_a_usage_error() -> None:
    code, _, err = _run("calendar", "is-workday", "2025-02-30")
    assert code == cli.EXIT_USAGE
    assert "day: not an ISO date" in err


def test_deadline_counts_working_days() -> None:
    code, out, _ = _run(
        "deadline", "2025-09-30T09:00:00+08:00", "2wd", "--now", "2025-10-09T12:00:00+08:00"
    )
    assert code == 0, out
    assert "2025-10-11T00:00:00+08:00" in out
    assert "pending" in out
    code, out, _ = _run(
        "deadline",
        "2025-09-30T09:00:00+08:00",
        "24h",
        "--now",
        "2025-10-09T12:00:00+08:00",
        "--stop",
        "2025-09-30T20:00:00+08:00",
    )
    assert "met_on_time" in out


def test_deadline_flags_provisional_dates() -> None:
    code, out, err = _run(
        "deadline", "2026-12-28T09:00:00+08:00", "1wd", "--now", "2026-12-28T10:00:00+08:00"
    )
    assert code == 0, out
    assert "provisional" in out
    assert "note 注意: the 2027 holiday notice is not in this calendar" in err


def test_deadline_beyond_coverage() -> None:
    args = ("deadline", "2026-12-24T10:00:00+08:00", "5wd", "--now", "2026-12-24T11:00:00+08:00")
    code, _, err = _run(*args)
    assert code == cli.EXIT_DATA
    assert "hint: --beyond-coverage statutory" in err
    code, out, err = _run(*args, "--beyond-coverage", "statutory")
    assert code == 0, out
    assert "2027-01-01T00:00:00+08:00" in out  # the close of 2026-12-31, the 5th working day
    assert "provisional" in out
    assert "dates in 2027 follow the statutory holidays without 调休" in err
    code, out, _ = _run(
        "deadline",
        "2026-12-28T09:00:00+08:00",
        "5wd",
        "--now",
        "2026-12-28T10:00:00+08:00",
        "--beyond-coverage",
        "statutory",
    )
    assert "2027-01-06T00:00:00+08:00" in out  # 元旦 is not counted
    code, out, _ = _run(
        "deadline",
        "2026-12-28T09:00:00+08:00",
        "5wd",
        "--now",
        "2026-12-28T10:00:00+08:00",
        "--beyond-coverage",
        "weekdays",
    )
    assert "2027-01-05T00:00:00+08:00" in out  # by weekday only, 元旦 counted as worked


def test_deadline_refuses_naive_and_bad_input() -> None:
    code, _, err = _run("deadline", "2025-09-30T09:00:00", "2wd")
    assert code == cli.EXIT_DATA
    assert "start: must be an aware datetime (a naive time is never guessed)" in err
    code, _, err = _run("deadline", "2025-09-30T09:00:00+08:00", "2 weeks")
    assert code == cli.EXIT_DATA
    assert "unit: unknown TimeUnit" in err
    code, _, err = _run("deadline", "yesterday", "2wd")
    assert code == cli.EXIT_USAGE
    assert "start: not an ISO 8601 time" in err


def test_deadline_defaults_to_now() -> None:
    code, out, _ = _run("deadline", "2025-09-30T09:00:00+08:00", "1wd")
    assert code == 0
    assert "overdue" in out  # read today, long after the due date


# --- route -----------------------------------------------------------------------------------------


def test_route_a_point_explains_the_decision() -> None:
    code, out, _ = _run("route", *S01, "--crs", "WGS84", "--lang", "zh")
    assert code == 0, out
    assert "直派至 S01（主办）" in out
    code, out, _ = _run("route", *S01, "--crs", "WGS84", "--lang", "en")
    assert "direct dispatch to S01 (lead)" in out


def test_route_refuses_far_points_and_bad_arguments() -> None:
    code, _, err = _run("route", "10", "10", "--crs", "WGS84")
    assert code == cli.EXIT_DATA
    assert "farther than the maximum distance" in err
    assert _run("route")[0] == cli.EXIT_USAGE
    assert _run("route", *S01, "--lang", "fr")[0] == cli.EXIT_USAGE


def test_route_a_file_lists_every_row(tmp_path: Path) -> None:
    complaints = generate_complaints(year=2025, month=3, n=4, seed=1)
    lines = [dumps(c) for c in complaints]
    lines.insert(2, json.dumps({"schema_version": 1, "type": "Complaint", "id": ""}))
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run("route", "--file", str(path))
    assert code == cli.EXIT_DATA
    for complaint in complaints:
        assert complaint.id in out
    assert "1 of 5 rows failed validation" in err
    assert "row 2, $.received_at: missing field" in err


def test_route_file_shows_refused_rows(tmp_path: Path) -> None:
    far = generate_complaints(year=2025, month=3, n=1, seed=1)[0]
    doc = json.loads(dumps(far))
    doc["location"] = {
        "lon": 10.0,
        "lat": 10.0,
        "crs": "WGS84",
        "address": None,
        "admin_code": None,
    }
    doc["category"] = "03.01.01"
    path = tmp_path / "far.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    code, out, _ = _run("route", "--file", str(path))
    assert code == 0, out
    assert "refused" in out


# --- score -----------------------------------------------------------------------------------------


@pytest.fixture
def clean_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ok.csv"
    path.write_text(raw_score_table(n=60, seed=2, bad_share=0).to_csv(bom=True), encoding="utf-8")
    return path


def test_score_prints_the_scorecard(clean_csv: Path) -> None:
    code, out, _ = _run("score", str(clean_csv))
    assert code == 0, out
    assert "成绩 scorecard" in out
    assert "综合成绩" in out
    assert "S01" in out


def test_score_reports_every_bad_row_with_its_line(tmp_path: Path) -> None:
    table = raw_score_table(n=50, seed=1)
    path = tmp_path / "bad.csv"
    path.write_text(table.to_csv(bom=True), encoding="utf-8")
    code, _, err = _run("score", str(path))
    assert code == cli.EXIT_DATA
    assert f"{len(table.bad_rows)} of " in err
    for index in table.bad_rows:
        assert f"row {index + 1} (line {index + 2}, 工单编号 " in err


def test_score_reads_gb18030_and_writes_every_format(tmp_path: Path, clean_csv: Path) -> None:
    gb = tmp_path / "gb.csv"
    gb.write_bytes(clean_csv.read_text(encoding="utf-8-sig").encode("gb18030"))
    outputs = {}
    for suffix in (".csv", ".parquet", ".json"):
        target = tmp_path / f"card{suffix}"
        code, out, _ = _run("score", str(gb), "--output", str(target))
        assert code == 0, out
        outputs[suffix] = target
    assert outputs[".csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    rows = json.loads(outputs[".json"].read_text(encoding="utf-8"))
    assert pq.read_table(outputs[".parquet"]).num_rows == len(rows) > 0
    assert {"承办单位", "综合成绩", "排名"} <= set(rows[0])
    assert _run("score", str(gb), "--encoding", "utf-8")[0] != 0


def test_score_reads_parquet_and_jsonl(tmp_path: Path, clean_csv: Path) -> None:
    parquet = tmp_path / "card.parquet"
    code, _, _ = _run("score", str(clean_csv), "--output", str(tmp_path / "x.json"))
    assert code == 0
    table = read_table(clean_csv)
    pq.write_table(table, parquet)
    assert _run("score", str(parquet))[0] == 0
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in table.to_pylist()), encoding="utf-8"
    )
    assert _run("score", str(jsonl))[0] == 0
    sheet = write_table(table, tmp_path / "t.xlsx", include_personal_data=True)
    code, out, _ = _run("score", str(sheet))
    assert code == 0
    assert out == _run("score", str(clean_csv))[1]


def test_score_names_bad_rows_by_row_in_parquet(tmp_path: Path) -> None:
    table = raw_score_table(n=50, seed=1)
    csv = tmp_path / "bad.csv"
    csv.write_text(table.to_csv(), encoding="utf-8")
    parquet = tmp_path / "bad.parquet"
    pq.write_table(read_table(csv), parquet)
    code, _, err = _run("score", str(parquet))
    assert code == cli.EXIT_DATA
    first = min(table.bad_rows)
    assert f"row {first + 1} (工单编号 " in err
    assert "line" not in err


def test_score_rules_from_a_preset_or_a_file(tmp_path: Path, clean_csv: Path) -> None:
    assert _run("score", str(clean_csv), "--rules", "beijing-2025")[0] == 0
    code, _, err = _run("score", str(clean_csv), "--rules", "nowhere-2099")
    assert code == cli.EXIT_DATA
    assert "nowhere-2099" in err
    bad = tmp_path / "r.toml"
    bad.write_text('name = "x"\n[weights]\nresponse = "a"\n', encoding="utf-8")
    assert _run("score", str(clean_csv), "--rules", str(bad))[0] == cli.EXIT_DATA


def test_score_usage_errors(tmp_path: Path, clean_csv: Path) -> None:
    assert _run("score", str(tmp_path / "missing.csv"))[0] == cli.EXIT_USAGE
    assert _run("score", str(clean_csv), "--headers", "fr")[0] == cli.EXIT_USAGE
    assert _run("score", str(clean_csv), "--output", str(tmp_path / "x.xlsx"))[0] == cli.EXIT_USAGE


def test_english_headers(tmp_path: Path) -> None:
    path = tmp_path / "en.csv"
    path.write_text(
        "unit,period,callback,contacted,solved,satisfaction\nS01,2025-03,answered,yes,yes,satisfied\n",
        encoding="utf-8",
    )
    code, out, _ = _run("score", str(path), "--headers", "en")
    assert code == 0, out
    assert "100.00" in out


def test_report_without_ticket_ids_keeps_the_row() -> None:
    report = ValidationReport([Problem(4, "unit", "", "empty")], total=5)
    frame = pa.table({"unit": ["a", "b"]})
    renamed = cli._where(report, frame, csv=True)
    assert renamed.problems[0].row == "5 (line 6)"
    renamed = cli._where(
        ValidationReport([Problem("k", "unit", "", "empty")], total=1), frame, csv=False
    )
    assert renamed.problems[0].row == "k"


# --- errors and entry point ------------------------------------------------------------------------


def test_missing_dependency_exit_code() -> None:
    with pytest.raises(typer.Exit) as info:
        raise cli._fail(MissingDependencyError("pyarrow", extra="io"))
    assert info.value.exit_code == cli.EXIT_DEPENDENCY


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli._progress() == (None, None)
    monkeypatch.setattr(cli, "console", Console(force_terminal=True, width=80))
    bar, advance = cli._progress()
    assert bar is not None
    assert advance is not None
    with bar:
        advance("route", 1, 4)
        advance("route", 4, 4)
        advance("score", 2, 2)
    assert [(t.description, t.completed, t.total) for t in bar.tasks] == [
        ("route", 4, 4),
        ("score", 2, 2),
    ]


def test_console_width_off_terminal() -> None:
    assert cli._make_console().width == 120


def test_main_runs_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["jiesu", "--help"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 0
