"""The month job and the district folder on thin, odd or broken input: every edge is named, nothing lost."""

from __future__ import annotations

import itertools
import json
import shutil
from functools import cache
from pathlib import Path

import attrs
import pyarrow as pa
import pytest

from jiesu.errors import ValidationError, ValidationReport
from jiesu.month import MANIFEST, District, MonthJob, init_folder, tickets_table
from jiesu.report import month_report_data

SAMPLE = Path(District.sample().folder or "")


@cache
def _district() -> District:
    return District.sample()


def _street() -> str:
    return next(u.name for u in _district().units if u.kind.value == "street")


def _category() -> str:
    return next(c.code for c in _district().catalogue.categories if c.level == 3)


def _thin(n: int = 3, **extra: list[object]) -> pa.Table:
    """The fewest columns an export can have: id, received, category, unit."""
    columns: dict[str, list[object]] = {
        "工单编号": [f"T{i}" for i in range(n)],
        "受理时间": ["2025-03-02 10:00:00"] * n,
        "诉求分类": [_category()] * n,
        "承办单位": [_street()] * n,
    }
    columns.update(extra)
    return pa.table(columns)


def _problems(error: ValidationReport) -> list[tuple[object, str, str]]:
    return [(p.row, p.field, p.reason) for p in error.problems]


# ------------------------------------------------------------------------------------------- the job


def test_a_thin_export_is_counted_without_clocks_or_scores() -> None:
    result = MonthJob(_district()).run(_thin(), period="2025-03")
    counts = result.summary.counts
    assert counts["received"] == counts["dispatched"] == counts["open"] == 3
    assert counts["scored"] == 0  # nothing closed, so no period to score in
    assert result.summary.sla == {}  # no milestone times: no clock to read
    assert result.summary.overdue == {}
    assert not [c for c in result.tickets.column_names if c.endswith("_due")]
    headers = tickets_table(result).column_names
    assert not [h for h in headers if h.endswith("时限")]
    assert len(result.scorecard) == 0


def test_an_empty_export_is_an_empty_month() -> None:
    result = MonthJob(_district()).run(_thin().slice(0, 0), period="2025-03")
    assert result.summary.counts["rows"] == 0
    assert result.summary.counts["received"] == 0
    assert result.tickets.num_rows == 0
    assert result.skipped == 0


def test_a_blank_like_unit_on_a_dispatched_row_is_a_bad_row() -> None:
    table = _thin(承办单位=["—", _street(), "/"])  # blank spellings of the reader (BLANK_LIKE)
    with pytest.raises(ValidationReport) as info:
        MonthJob(_district()).run(table, period="2025-03")
    found = _problems(info.value)
    assert [(f, r) for _, f, r in found] == [("unit", "required field is blank")] * 2
    assert sorted(int(row) for row, _, _ in found) == [0, 2]  # type: ignore[call-overload]


def test_a_blank_received_time_is_a_bad_row() -> None:
    table = _thin(受理时间=["2025-03-02 10:00:00", None, ""])
    result = MonthJob(_district()).run(table, period="2025-03", skip_bad=True)
    assert result.skipped == 2
    fields = {p.field for p in result.problems.problems}
    assert fields == {"received_at"}
    assert result.summary.counts["received"] == 1


def test_coordinates_out_of_range_are_bad_rows_not_silently_unlocated() -> None:
    table = _thin(经度=["116.4", "500", "116.4"], 纬度=["39.9", "39.9", "-91"])
    with pytest.raises(ValidationReport) as info:
        MonthJob(_district()).run(table, period="2025-03")
    found = {(row, field) for row, field, _ in _problems(info.value)}
    assert found == {(1, "lon"), (2, "lat")}
    values = sorted(float(str(p.value)) for p in info.value.problems)
    assert values == [-91.0, 500.0]


def test_co_handler_rows_only_are_not_duplicate_leads() -> None:
    roles: dict[str, list[object]] = {"主办/协办": ["协办单位", "协办单位"]}
    table = _thin(2, 工单编号=["T1", "T1"], **roles)
    table = table.set_column(3, "承办单位", pa.array([_street(), "示例区"]))
    result = MonthJob(_district()).run(table, period="2025-03")
    assert result.problems.problems == ()
    assert result.summary.counts["received"] == 0  # co-handler rows are not received tickets
    assert set(result.tickets.column("audit").to_pylist()) == {"unverifiable"}


def test_the_period_can_be_the_received_month() -> None:
    district = _district()
    by_receipt = attrs.evolve(
        district, rules=attrs.evolve(district.rules, period_timestamp="created_at")
    )
    table = _thin(受理时间=["2025-03-02 10:00:00", "2025-03-31 23:59:59", "2025-04-01 00:00:00"])
    result = MonthJob(by_receipt).run(table, period="2025-03")
    assert result.tickets.column("period").to_pylist() == ["2025-03", "2025-03", "2025-04"]
    assert result.summary.counts["scored"] == 2
    # the default rules score at the close: an open ticket has no period yet
    plain = MonthJob(district).run(table, period="2025-03")
    assert plain.tickets.column("period").to_pylist() == [None, None, None]


# ------------------------------------------------------------------------------------ the folder


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "district"
    shutil.copytree(SAMPLE, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    manifest = folder / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")


def _load_problems(folder: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationReport) as info:
        District.load(folder)
    return [(str(p.row), p.field, p.reason) for p in info.value.problems]


_NOTICE = """
year = 2027
workdays = [2027-02-20]
holidays = [{ name = "春节", en = "Spring Festival", start = 2027-02-05, end = 2027-02-11 }]
[notice]
title = "a user's own notice"
number = "X〔2026〕1号"
issued = 2026-11-01
urls = ["https://example.org/notice"]
"""


def test_a_new_years_notice_beside_the_manifest_extends_the_calendar(tmp_path: Path) -> None:
    import datetime as dt  # noqa: PLC0415 - only here

    folder = _copy(tmp_path)
    (folder / "2027.toml").write_text(_NOTICE, encoding="utf-8")
    _edit(folder, "# holidays", 'holidays = ["2027.toml"]\n#')
    district = District.load(folder)
    assert district.calendar.is_workday(dt.date(2027, 2, 20))  # 调休 Saturday
    assert not district.calendar.is_workday(dt.date(2027, 2, 8))  # 春节 Monday
    with pytest.raises(Exception, match="2027"):
        _district().calendar.is_workday(dt.date(2027, 2, 8))  # the sample stops at 2026


def test_the_areas_key_is_required(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'areas = "areas.geojson"', "# areas")
    assert _load_problems(folder) == [("district.toml", "areas", "missing key")]


def test_areas_that_are_not_json_are_named_with_the_declared_crs(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "areas.geojson").write_text("{not json", encoding="utf-8")
    [(row, field, reason)] = _load_problems(folder)
    assert (row, field) == ("areas.geojson:1", "(file)")
    assert reason.startswith("invalid JSON")


def test_a_population_file_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(tmp_path)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "population.csv":
            raise PermissionError(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    [(row, field, reason)] = _load_problems(folder)
    assert (row, field) == ("population.csv", "population")
    assert reason == "cannot be read (PermissionError)"


def test_an_error_from_a_files_builder_is_named_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jiesu.month._district as district_module  # noqa: PLC0415 - the builder is swapped here

    def refuse(_path: object) -> None:
        raise ValidationError("must name a known kind", field="unit[0].kind", value="bureau")

    monkeypatch.setattr(district_module, "load_units", refuse)
    problems = _load_problems(_copy(tmp_path))
    assert ("units.toml", "unit[0].kind", "must name a known kind") in problems


def test_init_copies_only_the_sample_files(tmp_path: Path) -> None:
    written = init_folder(tmp_path / "new")
    names = sorted(p.name for p in written)
    assert names == sorted(p.name for p in SAMPLE.iterdir() if p.is_file())
    assert all(p.is_file() for p in written)
    assert District.load(tmp_path / "new").name == _district().name


# ------------------------------------------------------------------------------------ the report


def _densify(ring: list[list[float]], k: int) -> list[list[float]]:
    out: list[list[float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        out.extend([x0 + (x1 - x0) * i / k, y0 + (y1 - y0) * i / k] for i in range(k))
    out.append(ring[-1])
    return out


def test_a_detailed_boundary_is_simplified_for_the_map(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "areas.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    street = next(f for f in doc["features"] if f["properties"]["level"] == "street")
    rings = street["geometry"]["coordinates"]
    rings[0] = _densify(rings[0], 20)
    assert len(rings[0]) > 1000
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    district = District.load(folder)
    result = MonthJob(district).run(_thin(), period="2025-03")
    data = month_report_data(result, district)
    drawn = next(a for a in data.areas if a.code == street["properties"]["code"])
    assert sum(len(r) for r in drawn.rings) < 400
    plain = month_report_data(result, _district())
    others = {a.code: a.rings for a in plain.areas if a.code != drawn.code}
    assert {a.code: a.rings for a in data.areas if a.code != drawn.code} == others


@pytest.mark.parametrize("zone", ["5", '" "'])
def test_a_zone_that_is_not_text_is_one_problem(tmp_path: Path, zone: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'timezone = "Asia/Shanghai"', f"timezone = {zone}")
    assert _load_problems(folder) == [("district.toml:6", "timezone", "must be a non-empty string")]


@pytest.mark.parametrize("basically", ["1.0", "0.8"])
def test_lost_points_follow_the_rules_values(basically: str) -> None:
    from decimal import Decimal  # noqa: PLC0415 - only here

    district = _district()
    rules = attrs.evolve(
        district.rules,
        satisfaction_values={
            **district.rules.satisfaction_values,
            "basically_satisfied": Decimal(basically),
        },
    )
    answers = {
        "回访时间": ["2025-03-05 10:00:00"] * 3,
        "办结时间": ["2025-03-04 10:00:00"] * 3,
        "回访结果": ["已回访", "已回访", "无法联系"],
        "是否联系": ["是", "否", "是"],
        "是否解决": ["是", "是", "否"],
        "是否满意": ["基本满意", "不满意", "不满意"],
    }
    job = MonthJob(attrs.evolve(district, rules=rules))
    result = job.run(_thin(**answers), period="2025-03")  # type: ignore[arg-type] # lists of text
    lost = result.tickets.column("lost_points").to_pylist()
    first = "基本满意" if basically == "0.8" else None
    assert lost == [first, "未联系、不满意", None]  # an unanswered callback costs nothing here
