from __future__ import annotations

import csv
from functools import cache
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from jiesu import cli
from jiesu.sample import EXPORT_HEADERS, export_rows, simulate_month, units

if TYPE_CHECKING:
    from pathlib import Path

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


@cache
def _rows() -> tuple[dict[str, str], ...]:
    _, tickets = simulate_month(year=2025, month=3, n=150, seed=21)
    return tuple(export_rows(list(tickets), {u.code: u.name for u in units()}))


def _export(path: Path, rows: list[dict[str, str]] | None = None) -> Path:
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(EXPORT_HEADERS))
        writer.writeheader()
        writer.writerows(rows if rows is not None else _rows())
    return path


def _folder(tmp_path: Path) -> Path:
    code, out, _ = _run("init", str(tmp_path / "d"))
    assert code == 0, out
    return tmp_path / "d"


def test_init_then_check(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    assert (folder / "district.toml").is_file()
    code, out, _ = _run("check", str(folder))
    assert code == 0, out
    assert "示例区: 145 units" in out
    code, _, err = _run("init", str(folder))
    assert code == 1
    assert "already holds a district.toml" in err


def test_check_lists_every_problem(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    manifest = folder / "district.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\ntimezon = 1')
    manifest.write_text(
        text.replace('rules = "rules.toml"', 'rules = "rulez.toml"'), encoding="utf-8"
    )
    code, _, err = _run("check", str(folder))
    assert code == 1
    assert "did you mean 'timezone'?" in err
    assert "rulez.toml" in err


def test_month_writes_every_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    export = _export(tmp_path / "export.csv")
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = _run(
        "month",
        str(folder),
        "--tickets",
        str(export),
        "--period",
        "2025-03",
        "--output-dir",
        str(out),
        "--now",
        "2025-04-05T00:00:00+08:00",
    )
    assert code == 0, err
    names = {p.name for p in out.iterdir()}
    assert names == {
        "scorecard.csv",
        "scorecard.xlsx",
        "tickets.csv",
        "problems.csv",
        "report.html",
    }
    lines = (out / "tickets.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == len(_rows()) + 1
    assert lines[0].startswith('"工单编号","行号","数据行","承办单位"')
    assert "月度概况 summary" in stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "派单核验" in html
    assert "<script" not in html


def test_month_with_bad_rows(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    rows = [dict(r) for r in _rows()]
    rows[0]["承办单位"] = "不存在的单位"
    rows.append(dict(rows[3]))
    export = _export(tmp_path / "export.csv", rows)
    out = tmp_path / "out"
    out.mkdir()
    args = (
        "month",
        str(folder),
        "-t",
        str(export),
        "--period",
        "2025-03",
        "-o",
        str(out),
        "--quiet",
    )
    code, _, err = _run(*args)
    assert code == 1
    assert "2 bad rows" in err
    assert [p.name for p in out.iterdir()] == ["problems.csv"]
    problems = (out / "problems.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(problems) == 3
    assert ',2,1,"unit"' in problems[1]
    code, stdout, _ = _run(*args, "--skip-bad")
    assert code == 0
    assert "skipped 2 bad rows" in stdout
    assert (out / "report.html").is_file()
    assert "skipped bad rows" in (out / "report.html").read_text(encoding="utf-8")


def test_month_usage_errors(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    code, _, _ = _run(
        "month",
        str(folder),
        "-t",
        str(tmp_path / "no.csv"),
        "--period",
        "2025-03",
        "-o",
        str(tmp_path),
    )
    assert code == 2
    export = _export(tmp_path / "export.csv")
    code, _, _ = _run(
        "month", str(folder), "-t", str(export), "--period", "2025-03", "-o", str(tmp_path / "x")
    )
    assert code == 0  # a missing output folder is made
    assert (tmp_path / "x" / "scorecard.csv").is_file()
    code, _, _ = _run(
        "month", str(folder), "-t", str(export), "--period", "2025-03", "-o", str(export)
    )
    assert code == 2  # a file where the folder should be
    code, _, err = _run(
        "month", str(folder), "-t", str(export), "--period", "2025年3月", "-o", str(tmp_path)
    )
    assert code == 1
    assert "period" in err
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    code, _, err = _run(
        "month",
        str(folder),
        "-t",
        str(tmp_path / "empty.csv"),
        "--period",
        "2025-03",
        "-o",
        str(tmp_path),
    )
    assert code == 1
    assert "empty.csv" in err


def test_report_and_route_take_a_district(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    export = _export(tmp_path / "export.csv")
    code, _, err = _run(
        "report",
        "-o",
        str(tmp_path / "r.html"),
        "--district",
        str(folder),
        "--tickets",
        str(export),
        "--year",
        "2025",
        "--month",
        "3",
    )
    assert code == 0, err
    assert "示例区接诉即办月度报告" in (tmp_path / "r.html").read_text(encoding="utf-8")
    code, _, _ = _run("report", "-o", str(tmp_path / "r.html"), "--district", str(folder))
    assert code == 2
    code, out, _ = _run(
        "route", "115.484", "38.930", "--crs", "WGS84", "--district", str(folder), "--lang", "en"
    )
    assert code == 0
    assert "S01" in out
