"""The bundled sample-district files: unchanged since their build, and every cross-reference valid.

These checks read the files directly (json, tomllib, csv, shapely) and depend on no loader of jiesu.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import pytest
import shapely

from jiesu.model import UnitKind
from jiesu.sample import _build

if TYPE_CHECKING:
    from pathlib import Path

TOLERANCE_DEG2 = 1e-10  # about 1 m² at this latitude
LEVELS = ("district", "street", "community")


def _text(name: str) -> str:
    return resources.files("jiesu").joinpath("data", "sample", name).read_text(encoding="utf-8")


@cache
def _units() -> dict[str, dict[str, Any]]:
    rows = tomllib.loads(_text("units.toml"))["unit"]
    return {r["code"]: r for r in rows}


@cache
def _areas() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_text("areas.geojson"))
    return doc


@cache
def _swaps() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_text("swaps.geojson"))
    return doc


@cache
def _catalogue() -> dict[str, Any]:
    return tomllib.loads(_text("catalogue.toml"))


def _props() -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f["properties"] for f in _areas()["features"]}


def _shapes() -> dict[str, shapely.Geometry]:
    return {
        f["properties"]["code"]: shapely.from_geojson(json.dumps(f["geometry"]))
        for f in _areas()["features"]
    }


# --- the files are what the build writes ----------------------------------------------------------


@cache
def _fresh() -> dict[str, str]:
    return _build.build()


@pytest.mark.parametrize("name", ["units.toml", "catalogue.toml", "population.csv"])
def test_text_files_equal_a_fresh_build(name: str) -> None:
    assert _fresh()[name] == _text(name)


@pytest.mark.parametrize("name", ["areas.geojson", "swaps.geojson"])
def test_geojson_files_equal_a_fresh_build(name: str) -> None:
    fresh = json.loads(_fresh()[name])
    committed = json.loads(_text(name))
    assert {k: v for k, v in fresh.items() if k != "features"} == {
        k: v for k, v in committed.items() if k != "features"
    }
    assert len(fresh["features"]) == len(committed["features"])
    for new, old in zip(fresh["features"], committed["features"], strict=True):
        assert new["properties"] == old["properties"]
        a = shapely.from_geojson(json.dumps(new["geometry"]))
        b = shapely.from_geojson(json.dumps(old["geometry"]))
        assert shapely.equals_exact(a, b, tolerance=2e-6), new["properties"]["code"]


def test_build_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _build.main([str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(_build.FILES)
    assert "wrote" in capsys.readouterr().out
    for name in ("units.toml", "catalogue.toml", "population.csv"):
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == _text(name)


def test_build_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert _build.main([]) == 2
    assert "usage" in capsys.readouterr().err


# --- units -----------------------------------------------------------------------------------------


def test_units_are_many_unique_and_typed() -> None:
    rows = tomllib.loads(_text("units.toml"))["unit"]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) >= 50
    kinds = {UnitKind.parse(r["kind"]) for r in rows}
    assert kinds == set(UnitKind)
    for r in rows:
        assert set(r) <= {"code", "name", "kind", "parent", "population"}
        assert r["name"].strip()
        if "population" in r:
            assert isinstance(r["population"], int)
            assert r["population"] > 0


def test_unit_parents_exist_and_have_no_cycle() -> None:
    units = _units()
    for code, row in units.items():
        seen = {code}
        parent = row.get("parent")
        while parent is not None:
            assert parent in units, f"{code}: unknown parent {parent}"
            assert parent not in seen, f"cycle through {parent}"
            seen.add(parent)
            parent = units[parent].get("parent")


def test_unit_mix_covers_the_departments() -> None:
    names = {u["name"] for u in _units().values()}
    for needle in ("住房和城乡建设", "城市管理委员会", "市场监督", "生态环境", "交通委员会", "水务", "园林绿化",
                   "卫生健康", "教育委员会", "人力资源", "民政", "公安", "自来水", "电力", "燃气", "热力",
                   "电信", "公共交通"):  # fmt: skip
        assert any(needle in n for n in names), needle
    by_kind: dict[str, int] = {}
    for u in _units().values():
        by_kind[u["kind"]] = by_kind.get(u["kind"], 0) + 1
    assert by_kind["street"] + by_kind["township"] >= 12
    assert by_kind["district_department"] >= 12
    assert by_kind["municipal_department"] >= 5
    assert by_kind["public_service"] >= 6


# --- areas -----------------------------------------------------------------------------------------


def test_collection_members() -> None:
    for doc in (_areas(), _swaps()):
        assert doc["type"] == "FeatureCollection"
        assert doc["crs_name"] == "WGS84"
        assert doc["name"]
        assert doc["version"] == "2025.1"
        assert "虚构" in doc["source"]


def test_area_properties_and_references() -> None:
    units = _units()
    props = _props()
    assert sum(p["level"] == "street" for p in props.values()) >= 12
    for code, p in props.items():
        assert set(p) == {"code", "name", "level", "parent", "population", "valid_from", "source"}
        assert p["level"] in LEVELS
        assert code in units, f"area {code} has no unit"
        assert units[code]["name"] == p["name"]
        assert units[code].get("population") == p["population"]
        dt.date.fromisoformat(p["valid_from"])
        if p["level"] == "district":
            assert p["parent"] is None
        else:
            parent = props[p["parent"]]
            assert LEVELS.index(parent["level"]) == LEVELS.index(p["level"]) - 1


def test_population_adds_up() -> None:
    props = _props()
    for code, p in props.items():
        children = [c["population"] for c in props.values() if c["parent"] == code]
        if children:
            assert sum(children) == p["population"], code
    rows = list(csv.DictReader(io.StringIO(_text("population.csv"))))
    assert {r["code"]: int(r["population"]) for r in rows} == {
        c: p["population"] for c, p in props.items()
    }
    assert all(r["name"] == props[r["code"]]["name"] for r in rows)


def test_geometries_are_valid_and_rfc7946_oriented() -> None:
    for code, shape in _shapes().items():
        assert shapely.is_valid(shape), code
        assert shape.geom_type in {"Polygon", "MultiPolygon"}
        parts = getattr(shape, "geoms", [shape])
        for part in parts:
            assert part.exterior.is_ccw, code
            assert not any(ring.is_ccw for ring in part.interiors), code


def _tiles(whole: shapely.Geometry, pieces: list[shapely.Geometry]) -> None:
    merged = shapely.union_all(pieces)
    assert shapely.area(shapely.symmetric_difference(merged, whole)) < TOLERANCE_DEG2
    assert abs(sum(shapely.area(p) for p in pieces) - shapely.area(whole)) < TOLERANCE_DEG2
    tree = shapely.STRtree(pieces)
    left, right = tree.query(pieces, predicate="intersects")
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a < b:
            assert shapely.area(shapely.intersection(pieces[a], pieces[b])) < TOLERANCE_DEG2


def test_streets_tile_the_district_and_communities_tile_their_street() -> None:
    props, shapes = _props(), _shapes()
    for code, p in props.items():
        children = [shapes[c] for c, q in props.items() if q["parent"] == code]
        if p["level"] != "community":
            assert children, code
            _tiles(shapes[code], children)


def test_hole_and_enclave() -> None:
    shapes, props = _shapes(), _props()
    district = shapes["SLQ"]
    assert district.geom_type == "Polygon"
    assert len(district.interiors) == 1  # the lake
    lake = shapely.Polygon(district.interiors[0])
    assert shapely.area(lake) > 0
    for code, shape in shapes.items():
        assert shapely.area(shapely.intersection(shape, lake)) < TOLERANCE_DEG2, code
    assert shapes["S12"].geom_type == "Polygon"
    assert len(shapes["S12"].interiors) == 1  # 镜湖街道 surrounds the lake
    township = shapes["S13"]
    assert township.geom_type == "MultiPolygon"
    assert len(township.geoms) == 2
    enclave = min(township.geoms, key=shapely.area)
    host = shapes["S10"]
    assert shapely.Polygon(host.exterior).contains(enclave)  # inside 新华街道's outline
    assert shapely.area(shapely.intersection(host, enclave)) < TOLERANCE_DEG2
    assert props["S13-C05"]["name"] == "飞地村"
    assert shapely.equals(shapes["S13-C05"], enclave)


def test_swap_zones() -> None:
    units, shapes = _units(), _shapes()
    features = _swaps()["features"]
    assert len(features) >= 2
    for f in features:
        p = f["properties"]
        assert p["kind"] == "swap"
        assert p["unit"] in units
        assert p["level"] in LEVELS
        assert p["reason"]
        dt.date.fromisoformat(p["valid_from"])
        zone = shapely.from_geojson(json.dumps(f["geometry"]))
        assert shapely.is_valid(zone)
        assert shapely.area(shapely.difference(zone, shapes["SLQ"])) < TOLERANCE_DEG2
        owner = shapes[p["unit"]]
        inside = shapely.area(shapely.intersection(zone, owner))
        assert 0 < inside < shapely.area(zone)  # the zone reaches across the owner's admin line


# --- catalogue -------------------------------------------------------------------------------------


def test_category_tree() -> None:
    cats = {c["code"]: c for c in _catalogue()["category"]}
    assert len(cats) == len(_catalogue()["category"])
    for code, c in cats.items():
        depth = code.count(".") + 1
        assert all(len(part) == 2 and part.isdigit() for part in code.split("."))
        assert c["name"].strip()
        if depth == 1:
            assert "parent" not in c
        else:
            assert c["parent"] == code.rsplit(".", 1)[0]
            assert c["parent"] in cats
    assert sum(code.count(".") == 2 for code in cats) >= 80


def _day(value: dt.date) -> int:
    return value.toordinal()


def test_every_leaf_has_exactly_one_rule_per_date() -> None:
    cat = _catalogue()
    start = cat["catalogue"]["effective_from"]
    leaves = {c["code"] for c in cat["category"] if c["code"].count(".") == 2}
    spans: dict[str, list[tuple[int, float]]] = {code: [] for code in leaves}
    for rule in cat["rule"]:
        assert rule["category"] in leaves
        end = _day(rule["effective_to"]) if "effective_to" in rule else float("inf")
        assert _day(rule["effective_from"]) <= end
        spans[rule["category"]].append((_day(rule["effective_from"]), end))
    for code, found in spans.items():
        found.sort()
        assert found, f"{code} has no rule"
        assert found[0][0] == _day(start), code
        for (_, end), (nxt, _) in itertools.pairwise(found):
            assert nxt == end + 1, f"{code}: gap or overlap"
        assert found[-1][1] == float("inf"), code


def test_rules_reference_known_units_and_levels() -> None:
    units = _units()
    kinds: dict[str, int] = {}
    for rule in _catalogue()["rule"]:
        kinds[rule["kind"]] = kinds.get(rule["kind"], 0) + 1
        assert rule["legal_basis"]
        assert rule["source"]
        allowed = {"category", "kind", "co_handlers", "legal_basis", "effective_from",
                   "effective_to", "source"}  # fmt: skip
        if rule["kind"] == "functional":
            assert rule["unit"] in units
            allowed.add("unit")
        elif rule["kind"] == "territorial":
            assert rule["level"] in LEVELS
            allowed.add("level")
        elif rule["kind"] == "owner":
            assert rule["owner_attribute"]
            allowed.add("owner_attribute")
        else:
            assert rule["kind"] == "backstop"
        assert set(rule) <= allowed
        for co in rule.get("co_handlers", []):
            assert co in units
    assert kinds["territorial"] >= 10
    assert kinds["owner"] >= 1
    assert kinds["backstop"] >= 1
    assert sum("co_handlers" in r for r in _catalogue()["rule"]) >= 10


def test_mid_year_change() -> None:
    rules = [r for r in _catalogue()["rule"] if r["category"] == "04.04.01"]
    assert [r["kind"] for r in rules] == ["functional", "territorial"]
    assert rules[0]["effective_to"] == dt.date(2025, 6, 30)
    assert rules[1]["effective_from"] == dt.date(2025, 7, 1)
