"""The raw intake table: good rows parse into complaints, each spoiled row fails exactly where it says."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pendulum
import pytest

from jiesu.errors import JiesuError, ValidationError, ValidationReport
from jiesu.model import CRS, Caller, Channel, Complaint, Kind, Location, Urgency
from jiesu.sample import (
    RAW_HEADERS,
    SCORE_HEADERS,
    categories,
    raw_complaint_table,
    raw_score_table,
)
from jiesu.sample._raw import ERROR_KINDS, SCORE_ERROR_KINDS
from jiesu.scoring import ColumnMap, Rules, score_frame


def _read(row: dict[str, str], seen: set[str]) -> Complaint:
    """A strict reader written for this test: raises on the first problem of a row."""
    if not row["工单编号"] or row["工单编号"] in seen:
        raise ValidationError("empty or repeated id", field="工单编号", value=row["工单编号"])
    try:
        at = pendulum.from_format(row["受理时间"], "YYYY-MM-DD HH:mm:ssZ")
    except ValueError as exc:
        raise ValidationError("bad time", field="受理时间", value=row["受理时间"]) from exc
    category = row["诉求分类"]
    if category not in categories():
        raise ValidationError("unknown category", field="诉求分类", value=category)
    location = None
    if row["经度"] or row["纬度"]:
        try:
            lon, lat = float(row["经度"]), float(row["纬度"])
        except ValueError as exc:
            raise ValidationError("not a number", field="纬度", value=row["纬度"]) from exc
        assert math.isfinite(lon)
        location = Location(
            lon, lat, CRS.parse(row["坐标系"], field="坐标系"), address=row["诉求地址"]
        )
    return Complaint(
        id=row["工单编号"],
        received_at=at,
        channel=Channel.parse(row["受理渠道"]),
        kind=Kind.parse(row["诉求类型"]),
        urgency=Urgency.parse(row["紧急程度"]),
        category=category,
        text=row["诉求内容"],
        location=location,
        caller=Caller(row["诉求人"] or None, row["联系电话"] or None),
    )


def test_good_rows_parse_and_bad_rows_fail() -> None:
    table = raw_complaint_table(year=2025, month=3, n=500, seed=7)
    assert len(table.bad_rows) == 25
    described = set(table.bad_rows.values())
    assert described == {f"{header}: {what}" for header, what, _ in ERROR_KINDS}
    seen: set[str] = set()
    for i, row in enumerate(table.rows):
        assert tuple(row) == RAW_HEADERS
        if i in table.bad_rows:
            with pytest.raises(JiesuError):
                _read(row, seen)
        else:
            seen.add(_read(row, seen).id)
    assert len(seen) == 500 - 25


def test_duplicate_id_repeats_the_previous_rows_original_id() -> None:
    table = raw_complaint_table(year=2025, month=3, n=500, seed=7)
    for i, what in table.bad_rows.items():
        if what.endswith("duplicate id"):
            assert table.rows[i]["工单编号"] == f"SLQ202503{i:06d}"


def test_naive_time_is_the_same_wall_time() -> None:
    table = raw_complaint_table(year=2025, month=3, n=500, seed=7)
    good = {i: r for i, r in enumerate(table.rows) if i not in table.bad_rows}
    assert all(r["受理时间"].endswith("+08:00") for r in good.values())
    naive = [i for i, w in table.bad_rows.items() if "naive" in w]
    assert naive
    assert all(len(table.rows[i]["受理时间"]) == 19 for i in naive)


def test_csv_round_trip_with_bom() -> None:
    table = raw_complaint_table(year=2025, month=1, n=30, seed=2)
    text = table.to_csv(bom=True)
    assert text.startswith("\ufeff工单编号,受理时间")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == list(table.rows)
    assert not table.to_csv().startswith("\ufeff")
    text.encode("utf-8")
    table.to_csv().encode("gb18030")


def test_repr_hides_personal_data() -> None:
    table = raw_complaint_table(year=2025, month=1, n=30, seed=2)
    for row in table.rows:
        if row["联系电话"]:
            assert row["联系电话"] not in repr(table)


def test_shares_and_small_tables() -> None:
    assert raw_complaint_table(year=2025, month=1, n=50, seed=1, bad_share=0).bad_rows == {}
    assert raw_complaint_table(year=2025, month=1, n=1, seed=1).bad_rows == {}
    assert len(raw_complaint_table(year=2025, month=1, n=2, seed=1).bad_rows) == 1
    assert len(raw_complaint_table(year=2025, month=1, n=20, seed=1, bad_share=1).bad_rows) == 19
    same = raw_complaint_table(year=2025, month=1, n=40, seed=1)
    assert same == raw_complaint_table(year=2025, month=1, n=40, seed=1)


@pytest.mark.parametrize("share", [-0.1, 1.5, "0.1", True])
def test_bad_share(share: object) -> None:
    with pytest.raises(ValidationError, match=r"bad_share: must be a number in \[0, 1\]"):
        raw_complaint_table(year=2025, month=1, n=5, seed=1, bad_share=share)  # type: ignore[arg-type]  # deliberately wrong input


def test_bad_n() -> None:
    with pytest.raises(
        ValidationError, match=r"n: must be an integer in \[1, 10000000\] \(got 0\)"
    ):
        raw_complaint_table(year=2025, month=1, n=0, seed=1)


def test_score_table_shape_and_values() -> None:
    table = raw_score_table(n=400, seed=5, bad_share=0)
    assert table.headers == SCORE_HEADERS
    assert table.bad_rows == {}
    rows = table.rows
    leads = [r for r in rows if r["主办/协办"] == "主办"]
    co = [r for r in rows if r["主办/协办"] == "协办"]
    assert len(leads) == 400
    assert 10 < len(co) < 50
    lead_by_id = {r["工单编号"]: r for r in leads}
    for r in co:
        assert r["承办单位"] != lead_by_id[r["工单编号"]]["承办单位"]
    for r in rows:
        assert tuple(r) == SCORE_HEADERS
        answered = r["回访结果"] == "已回访"
        assert (r["是否满意"] != "") is answered
        assert r["是否满意"] in ("", "满意", "基本满意", "不满意")
        if r["是否即时办结"] == "是" or r["是否不予派单"] == "是":
            assert r["回访结果"] == "未回访"
    assert {r["回访结果"] for r in rows} == {"已回访", "无法联系", "拒绝回访", "未回访"}


def test_score_table_bad_rows() -> None:
    table = raw_score_table(n=600, seed=5)
    assert set(table.bad_rows.values()) == {f"{h}: {w}" for h, w, _ in SCORE_ERROR_KINDS}
    for i, what in table.bad_rows.items():
        header = what.split(":")[0]
        value = next(v for h, w, v in SCORE_ERROR_KINDS if f"{h}: {w}" == what)
        assert table.rows[i][header] == value
        assert table.rows[i]["主办/协办"] in ("主办", "主持")
    assert raw_score_table(n=1, seed=1).bad_rows == {}
    with pytest.raises(ValidationError, match=r"n: must be an integer in \[1, 1000000\]"):
        raw_score_table(n=0, seed=1)
    with pytest.raises(ValidationError, match="bad_share"):
        raw_score_table(n=5, seed=1, bad_share=2)


def test_score_table_feeds_the_scoring_frame_path() -> None:
    rules = Rules.preset("beijing-2021")
    clean = raw_score_table(n=300, seed=2, bad_share=0)
    card = score_frame(pd.DataFrame(list(clean.rows)), rules=rules, columns=ColumnMap.chinese())
    leads = {
        r["承办单位"]
        for r in clean.rows
        if r["主办/协办"] == "主办" and r["是否即时办结"] == r["是否不予派单"] == "否"
    }
    assert set(card["unit"]) == leads  # dispatched tickets count, and the lead carries the score
    assert len(leads) >= 5
    spoiled = raw_score_table(n=300, seed=2)
    with pytest.raises(ValidationReport) as caught:
        score_frame(pd.DataFrame(list(spoiled.rows)), rules=rules, columns=ColumnMap.chinese())
    flagged = set(caught.value.rows)  # 0-based row numbers of an eager table
    assert flagged == set(spoiled.bad_rows)  # every deliberate error is reported, and nothing else
    fields = {p.field for p in caught.value.problems}
    assert fields == {h for h, _, _ in SCORE_ERROR_KINDS}
