from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from jiesu.errors import ValidationError
from jiesu.report import MapArea, ReportData, ScoreRow, render_html, write_report

if TYPE_CHECKING:
    from pathlib import Path

SQUARE = ((116.0, 39.0), (116.1, 39.0), (116.1, 39.1), (116.0, 39.1), (116.0, 39.0))
HOLE = ((116.04, 39.04), (116.06, 39.04), (116.06, 39.06), (116.04, 39.06), (116.04, 39.04))
EAST = tuple((x + 0.1, y) for x, y in SQUARE)


def _data(**kw: object) -> ReportData:
    rows = (
        ScoreRow(
            "S01", "东街街道", "街道乡镇", 120, 100, 98.0, 60.0, 70.0, 71.6, rank=1, grade="先进"
        ),
        ScoreRow("S02", "西街街道", "街道乡镇", 80, 60, 90.0, 40.0, 50.0, 54.0, rank=2),
        ScoreRow("S03", "北镇", "街道乡镇", 3, 0, status="not rated: no valid callback"),
        ScoreRow("D01", "城管委", "区级部门", 300, 250, 99.0, 70.0, 75.0, 77.8, rank=1),
    )
    args: dict[str, object] = {
        "title": "示例区接诉即办月度报告",
        "district": "示例区",
        "period": "2025-03",
        "rules": "beijing-2021",
        "scorecard": rows,
        "averages": {"response": 95.0, "resolution": 55.0, "satisfaction": 62.0, "composite": 65.8},
        "trend_periods": ("2025-01", "2025-02", "2025-03"),
        "trend": {"S01": (60.0, None, 71.6), "S02": (50.0, 52.0, 54.0)},
        "areas": (MapArea("S01", "东街街道", (SQUARE, HOLE)), MapArea("S02", "西街街道", (EAST,))),
        "per_10k": {"S01": 12.5, "S02": 30.1},
        "composite_by_area": {"S01": 71.6, "S02": None},
        "sla_counts": {"按时办结": 300, "超期办结": 12, "超期未办结": 3},
        "top_categories": {"东街街道": (("餐饮油烟", 14), ("噪声扰民", 9))},
        "notes": ("基本满意 = 1.0 is an assumed value",),
    }
    args.update(kw)
    return ReportData(**args)  # type: ignore[arg-type]  # test data built loosely


def test_report_is_self_contained() -> None:
    html = render_html(_data())
    assert "<script" not in html
    # No fetch of any kind: the only URL is the SVG namespace.
    assert set(re.findall(r"https?://[^\"' >]+", html)) == {"http://www.w3.org/2000/svg"}
    for needle in (
        "东街街道",
        "城管委",
        "成绩排名",
        "万人诉求量",
        "超期办结",
        "餐饮油烟",
        "assumed value",
    ):
        assert needle in html
    assert html.count("<svg") == 6  # two group bars, trend, two maps, SLA


def test_groups_follow_the_given_order() -> None:
    default = render_html(_data())
    assert default.index("<h3>区级部门</h3>") < default.index("<h3>街道乡镇</h3>")  # by name
    ordered = render_html(_data(group_order=("街道乡镇",)))
    assert ordered.index("<h3>街道乡镇</h3>") < ordered.index("<h3>区级部门</h3>")


def test_not_rated_rows_are_shown_as_such() -> None:
    html = render_html(_data())
    assert "<tr class='nr'><td>—</td><td class='t'>北镇</td>" in html
    assert "未评价 not rated" in html
    assert "<td class='t'>未评价 no valid callback</td>" in html


def test_long_groups_fold_and_chart_only_rated_units() -> None:
    rows = tuple(
        ScoreRow(
            f"C{i:02d}",
            f"社区{i:02d}",
            "社区村",
            5,
            5,
            composite=float(i) if i < 5 else None,
            rank=i + 1 if i < 5 else None,
        )
        for i in range(25)
    )
    html = render_html(_data(scorecard=rows))
    assert "<details><summary>25 个单位 units, 5 个参评 rated" in html
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert chart.count("<rect") == 5
    assert "not rated" not in chart
    unrated = tuple(ScoreRow(f"C{i:02d}", f"社区{i:02d}", "社区村", 1, 0) for i in range(21))
    assert '<svg class="chart bar"' not in render_html(_data(scorecard=unrated, sla_counts={}))


def test_deltas_against_average() -> None:
    html = render_html(_data())
    assert '71.60 <span class="up">(+5.80)</span>' in html
    assert '54.00 <span class="down">(-11.80)</span>' in html


def test_optional_sections_are_left_out() -> None:
    html = render_html(
        _data(trend={}, areas=(), sla_counts={}, top_categories={}, averages={}, notes=())
    )
    for section in ("id='trend'", "id='map'", "id='sla'", "id='topics'"):
        assert section not in html
    assert "(+" not in html


def test_text_is_escaped() -> None:
    row = ScoreRow("X", "<b>坏</b>", "g&h", 1, 1, 1.0, 1.0, 1.0, 1.0, rank=1)
    html = render_html(_data(scorecard=(row,)))
    assert "<b>坏</b>" not in html
    assert "&lt;b&gt;坏&lt;/b&gt;" in html
    assert "g&amp;h" in html


def test_flat_trend_gets_a_visible_range() -> None:
    html = render_html(_data(trend={"S01": (70.0, 70.0, 70.0)}))
    assert ">71</text>" in html  # the axis spans 69..71 around a flat line
    assert ">69</text>" in html


def test_map_legend_has_no_duplicate_classes() -> None:
    html = render_html(_data(per_10k={"S01": 5.0, "S02": 5.0}, composite_by_area={}))
    assert html.count("≥5<") == 1


def test_flat_trend_and_equal_values() -> None:
    flat = {"S01": (70.0, 70.0, 70.0), "S02": (None, 52.0, None)}
    html = render_html(_data(trend=flat, per_10k={"S01": 5.0, "S02": 5.0}))
    assert "polyline" in html


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "90", True])
def test_rates_must_be_finite_numbers(bad: object) -> None:
    with pytest.raises(ValidationError, match="^composite: must be a finite number or None"):
        ScoreRow("S", "s", "g", 1, 1, composite=bad)  # type: ignore[arg-type]  # deliberately wrong


@given(st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=1, max_size=12))
def test_any_scores_render(values: list[float | None]) -> None:
    rows = tuple(
        ScoreRow(f"U{i}", f"单位{i}", "g", 1, 1, composite=v, rank=None if v is None else i + 1)
        for i, v in enumerate(values)
    )
    html = render_html(_data(scorecard=rows, composite_by_area={"S01": values[0]}))
    assert html.count("<tr") == len(values) + 1 + 3  # scorecard rows + header + topics table


def test_write_report_creates_folders(tmp_path: Path) -> None:
    path = write_report(_data(), tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8") == render_html(_data())


# --- In a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--hide-scrollbars",
]


def _chromium(tmp_path: Path, html_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:  # pragma: no cover - make test installs Debian's chromium before the suite
        pytest.fail("chromium is not installed; `make test` installs it (apt-get install chromium)")
    return subprocess.run(  # noqa: S603 - a fixed local binary on our own file
        [CHROMIUM, *_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, html_file.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.mark.slow
def test_console_error_detection_works(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        "<html><body><script>console.error('boom'); undefinedFn();</script></body></html>"
    )
    result = _chromium(tmp_path, page, "--dump-dom")
    assert _console_errors(result.stderr), result.stderr[-2000:]


@pytest.mark.slow
def test_report_renders_in_chromium_without_console_errors(tmp_path: Path) -> None:
    page = write_report(_data(), tmp_path / "report.html")
    result = _chromium(tmp_path, page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_errors(result.stderr) == []
    assert result.stdout.count("<svg") == 6
    assert "东街街道" in result.stdout


@pytest.mark.slow
def test_screenshot_shows_the_charts(tmp_path: Path) -> None:
    page = write_report(_data(), tmp_path / "report.html")
    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2400")
    assert result.returncode == 0, result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    counts = {rgb: n for n, rgb in colours}
    bar_blue = (0x1F, 0x77, 0xB4)
    header_blue = (0x0B, 0x3D, 0x91)
    darkest_map = (0x08, 0x51, 0x9C)
    assert counts.get(header_blue, 0) > 10_000  # the header band
    assert counts.get(bar_blue, 0) > 2_000  # bars and trend line drawn
    assert counts.get(darkest_map, 0) > 500  # the map's top class is filled
