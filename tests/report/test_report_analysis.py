"""The monthly report's analysis section (分析研判): the tables follow the analytics, no phone reaches them."""

from __future__ import annotations

from functools import cache

import pyarrow.compute as pc
import pytest

from jiesu.analytics import monthly_topics
from jiesu.errors import ValidationError
from jiesu.month import District, MonthJob, MonthResult
from jiesu.report import AnalyticsTable, month_report_data, render_html
from jiesu.sample import generate_export

SECRET = "a district secret of some length"  # noqa: S105 - a test key, not a credential


@cache
def _district() -> District:
    return District.sample()


@cache
def _result(*, secret: bool) -> MonthResult:
    return MonthJob(_district()).run(
        generate_export(n=400, seed=8),
        period="2025-03",
        now="2025-03-25T09:00:00+08:00",
        caller_secret=SECRET if secret else None,
    )


def test_every_table_is_there_with_a_secret_and_repeats_only_with_one() -> None:
    keyed = month_report_data(_result(secret=True), _district()).analytics
    assert [t.key for t in keyed] == [
        "topics",
        "cards",
        "rehandling",
        "duplicates",
        "alerts",
        "repeats",
    ]
    plain = month_report_data(_result(secret=False), _district()).analytics
    assert [t.key for t in plain] == ["topics", "cards", "rehandling", "duplicates", "alerts"]


def test_the_topics_are_the_districts_top_five_by_name() -> None:
    result = _result(secret=False)
    table = next(t for t in month_report_data(result, _district()).analytics if t.key == "topics")
    good = result.tickets.filter(pc.invert(result.tickets.column("bad")))
    want = monthly_topics(good, period="2025-03", by="district", top=5).to_pylist()
    names = {c.code: c.name for c in _district().catalogue.categories}
    assert [(r[1], int(r[2])) for r in table.rows] == [
        (names[w["category"]], w["count"]) for w in want
    ]
    assert [int(r[0]) for r in table.rows] == [w["rank"] for w in want]


def test_cards_count_the_overdue_lead_rows() -> None:
    result = _result(secret=False)
    table = next(t for t in month_report_data(result, _district()).analytics if t.key == "cards")
    red = sum(int(r[1]) for r in table.rows)
    rows = result.tickets.to_pylist()
    overdue = {
        r["ticket_id"]
        for r in rows
        if r["role"] == "lead" and r["reply_status"] == "overdue" and not r["bad"]
    }
    assert red <= len(overdue)
    assert len(table.rows) <= 10


def test_the_html_shows_the_section_and_no_phone() -> None:
    data = month_report_data(_result(secret=True), _district())
    html = render_html(data)
    assert "分析研判" in html
    assert "每月一题" in html
    phones = {p for p in generate_export(n=400, seed=8).column("联系电话").to_pylist() if p}
    assert not any(p in html for p in phones)


def test_an_export_without_kinds_is_timed_as_complaints_and_without_places_has_no_duplicates() -> (
    None
):
    export = generate_export(n=120, seed=3).drop_columns(
        ["诉求类型", "紧急程度", "经度", "纬度", "坐标系"]
    )
    result = MonthJob(_district()).run(export, period="2025-03", skip_bad=True)
    tables = {t.key: t for t in month_report_data(result, _district()).analytics}
    assert set(tables) == {"topics", "cards", "rehandling", "duplicates", "alerts"}
    assert tables["duplicates"].rows == ()
    assert "无 none" in render_html(month_report_data(result, _district()))
    unanswered = generate_export(n=60, seed=3).drop_columns(
        ["回访结果", "是否联系", "是否解决", "是否满意"]
    )
    result = MonthJob(_district()).run(unanswered, period="2025-03", skip_bad=True)
    keys = [t.key for t in month_report_data(result, _district()).analytics]
    assert keys == ["topics", "cards", "duplicates", "alerts"]


def test_a_row_must_have_a_cell_per_header() -> None:
    with pytest.raises(ValidationError) as caught:
        AnalyticsTable("x", "X", ("a", "b"), (("1",),))
    assert caught.value.field == "rows"
