from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import attrs
import pytest

from jiesu.errors import DataFormatError, JiesuError, ValidationReport
from jiesu.month import MANIFEST, MANIFEST_KEYS, District, init_folder
from jiesu.routing import convert_many

SAMPLE = Path(District.sample().folder or "")


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "district"
    shutil.copytree(SAMPLE, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    manifest = folder / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(folder: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationReport) as info:
        District.load(folder)
    return [(str(p.row), p.field, p.reason) for p in info.value.problems]


@cache
def _sample() -> District:
    return District.sample()


def test_the_sample_is_a_configured_district() -> None:
    district = _sample()
    assert district.name == "示例区"
    assert district.timezone == "Asia/Shanghai"
    assert district.rules.timezone == "Asia/Shanghai"
    assert district.calendar.tz == "Asia/Shanghai"
    assert district.router.units is district.units
    assert district.territory.levels == ("district", "street", "community")
    assert district.population["SLQ"] == 946182
    assert district.lifecycle.name == "beijing"
    assert district.deadlines.name == "sample"
    assert District.sample() is district  # cached, and a value


def test_the_district_is_immutable() -> None:
    district = _sample()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        district.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        district.population["SLQ"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        district.columns["a"] = "unit"  # type: ignore[index]


def test_a_folder_loads_like_the_sample(tmp_path: Path) -> None:
    written = init_folder(tmp_path / "mine")
    assert (tmp_path / "mine" / MANIFEST) in written
    mine = District.load(tmp_path / "mine")
    assert mine.name == _sample().name
    assert [u.code for u in mine.units] == [u.code for u in _sample().units]
    assert District.load(tmp_path / "mine" / MANIFEST).folder == tmp_path / "mine"
    with pytest.raises(DataFormatError, match="already holds a district.toml"):
        init_folder(tmp_path / "mine")


def test_init_folder_reports_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataFormatError, match="cannot be written"):
        init_folder(blocker / "inside")


def test_every_manifest_problem_is_listed_at_once(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghia"\ntimezon = "x"')
    _edit(folder, 'areas_crs = "WGS84"', 'areas_crs = "GCJ-02"')
    _edit(folder, 'swaps = "swaps.geojson"', 'swaps = "nothere.geojson"')
    _edit(folder, 'deadlines = "deadlines.toml"', 'deadlines = "no-such-preset"')
    _edit(folder, 'name = "示例区"', "name = 3")
    found = _problems(folder)
    fields = [f for _, f, _ in found]
    assert set(fields) >= {"timezone", "timezon", "areas_crs", "swaps", "deadlines", "name"}
    by_field = {f: (where, reason) for where, f, reason in found}
    assert "did you mean 'timezone'?" in by_field["timezon"][1]
    assert by_field["timezone"][1].startswith("unknown IANA time zone")
    assert by_field["name"][1] == "must be a non-empty string"
    assert by_field["areas_crs"][1].startswith("must be one of WGS84")
    assert by_field["swaps"][0] == "district.toml:12"
    assert "no such file" in by_field["swaps"][1]
    assert "unknown deadline preset" in by_field["deadlines"][1]


def test_required_keys_and_types(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'units = "units.toml"', "")
    _edit(folder, 'rules = "rules.toml"', "rules = true")
    _edit(folder, "# beyond_coverage", 'beyond_coverage = "never"\n#')
    _edit(folder, "# holidays", 'holidays = "2027.toml"\n#')
    _edit(folder, "# [columns]", 'border_tolerance_m = -1\n[columns]\n"办理单位" = 3\n#')
    found = {f: reason for _, f, reason in _problems(folder)}
    assert found["units"] == "missing key"
    assert found["rules"] == "must be a non-empty string"
    assert found["beyond_coverage"] == "must be raise, weekdays or statutory"
    assert found["holidays"] == "must be a list of strings"
    assert found["border_tolerance_m"] == "must be a number of metres >= 0"
    assert found["columns.办理单位"] == "must be a non-empty string"


def test_a_bad_file_is_named_with_its_problem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    units = folder / "units.toml"
    units.write_text(
        units.read_text(encoding="utf-8").replace('kind = "street"', 'kind = "streat"', 1),
        encoding="utf-8",
    )
    (folder / "population.csv").write_text(
        "code,population\nS01,abc\n,5\nS01,7\nS01,8\n", encoding="utf-8"
    )
    found = _problems(folder)
    assert any(where.startswith("units.toml") and "kind" in f for where, f, _ in found)
    population = [(where, f, reason) for where, f, reason in found if "population.csv" in where]
    assert population == [
        ("population.csv:2", "population", "must be a whole number > 0"),
        ("population.csv:3", "code", "must not be blank"),
        ("population.csv:5", "code", "appears twice"),
    ]


def test_population_file_shapes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "population.csv").write_text("id,people\n", encoding="utf-8")
    assert ("population.csv:1", "header", "needs the columns code and population") in _problems(
        folder
    )
    (folder / "population.csv").write_bytes(b"code,population\n\xff\xfe\n")
    found = _problems(folder)
    assert any(reason.startswith("is not UTF-8") for _, _, reason in found)


def test_manifest_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no district.toml here"):
        District.load(tmp_path)
    (tmp_path / MANIFEST).write_bytes(b'name = "\xff"\n')
    with pytest.raises(DataFormatError, match="not UTF-8 text"):
        District.load(tmp_path)
    (tmp_path / MANIFEST).write_text("name = = 1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="invalid TOML"):
        District.load(tmp_path)


def test_presets_and_files_are_both_accepted(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'rules = "rules.toml"', 'rules = "beijing-2021"')
    _edit(folder, 'deadlines = "deadlines.toml"', 'deadlines = "beijing"')
    _edit(folder, "# lifecycle", 'lifecycle = "beijing"\n#')
    _edit(folder, 'population = "population.csv"', "")
    district = District.load(folder)
    assert district.rules.name == "beijing-2021"
    assert district.rules.timezone == "Asia/Shanghai"
    assert district.deadlines.name == "beijing"
    assert district.population["SLQ"] == 946182  # from units.toml when there is no population file


def test_a_missing_rules_file_or_lifecycle(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'rules = "rules.toml"', 'rules = "mine.toml"')
    _edit(folder, "# lifecycle", 'lifecycle = "nope"\n#')
    _edit(folder, "# holidays", 'holidays = ["2027.toml"]\n#')
    found = {f: reason for _, f, reason in _problems(folder)}
    assert found["rules"].startswith("no such file beside the manifest")
    assert "lifecycle" in found
    assert found["holidays"] == "no such file beside the manifest"


def test_the_zone_is_the_districts(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, 'timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"')
    district = District.load(folder)
    assert district.timezone == district.rules.timezone == district.calendar.tz == "Asia/Urumqi"


def test_areas_in_gcj02_locate_the_same_points(tmp_path: Path) -> None:
    """Boundaries published in GCJ-02 (as map apps give them) locate points as the WGS-84 original does."""
    folder = _copy(tmp_path)
    doc = json.loads((folder / "areas.geojson").read_text(encoding="utf-8"))
    for feature in doc["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            for ring in polygon:
                xs, ys = convert_many(
                    [p[0] for p in ring], [p[1] for p in ring], source="WGS84", target="GCJ02"
                )
                ring[:] = [[float(x), float(y)] for x, y in zip(xs, ys, strict=True)]
    (folder / "areas.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _edit(folder, 'areas_crs = "WGS84"', 'areas_crs = "GCJ02"')
    _edit(folder, 'swaps = "swaps.geojson"', "")
    shifted = District.load(folder)
    lons = [115.40, 115.45, 115.50, 115.55]
    lats = [38.85, 38.88, 38.90, 38.93]
    original = _sample().territory.locate_many(lons, lats, crs="WGS84", level="street")
    moved = shifted.territory.locate_many(lons, lats, crs="WGS84", level="street")
    assert list(moved.area_id) == list(original.area_id)


def test_manifest_keys_document_every_key() -> None:
    keys = [k for k, *_ in MANIFEST_KEYS]
    assert keys[:3] == ["name", "timezone", "units"]
    text = (SAMPLE / MANIFEST).read_text(encoding="utf-8")
    for key in keys:
        assert key in text, key


def test_errors_are_jiesu_errors(tmp_path: Path) -> None:
    with pytest.raises(JiesuError):
        District.load(tmp_path / "nowhere")
