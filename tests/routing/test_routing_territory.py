"""Territory: loading, the location rules, vectorized = scalar, swap zones and every error path."""

from __future__ import annotations

import datetime as dt
import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import DataFormatError, ValidationError, ValidationReport
from jiesu.model import CRS
from jiesu.routing import (
    Area,
    LocateStatus,
    Placements,
    SwapZone,
    Territory,
    convert,
    load_swap_zones,
)

DATA = Path(__file__).parent / "data"
TERRITORY = DATA / "territory.geojson"
SWAPS = DATA / "swaps.geojson"


@pytest.fixture(scope="module")
def territory() -> Territory:
    return Territory.from_geojson(TERRITORY, swap_zones=SWAPS, border_tolerance_m=10.0)


def box_area(
    code: str, x0: float, y0: float, x1: float, y1: float, *, level: str = "street"
) -> Area:
    return Area(code, code, level, shapely.box(x0, y0, x1, y1))


def two_streets(**kwargs: Any) -> Territory:
    return Territory(
        areas=[
            box_area("W", 116.30, 39.90, 116.35, 39.95),
            box_area("E", 116.35, 39.90, 116.40, 39.95),
        ],
        **kwargs,
    )


def write(tmp_path: Path, doc: object, name: str = "t.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def feature(props: dict[str, Any], geometry: object = None) -> dict[str, Any]:
    geom = geometry or {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    }
    return {"type": "Feature", "properties": props, "geometry": geom}


def collection(*features: object, **top: object) -> dict[str, Any]:
    return {"type": "FeatureCollection", **top, "features": list(features)}


# -- loading -----------------------------------------------------------------------------------------


def test_loads_the_agreed_format(territory: Territory) -> None:
    assert territory.name == "示例区边界"
    assert territory.version == "2025.1"
    assert territory.crs is CRS.WGS84
    assert territory.source == "synthetic test data"
    assert str(territory.valid_from) == "2025-01-01"
    assert territory.levels == ("district", "street", "community")
    s01 = territory.area("S01")
    assert (s01.parent, s01.population, s01.level) == ("D01", 200000, "street")
    assert territory.area("S02", level="street").population is None
    assert [z.id for z in territory.swap_zones] == ["Z1"]
    assert territory.in_force(territory.valid_from)  # type: ignore[arg-type]  # deliberately wrong input


def test_unknown_area_lookup(territory: Territory) -> None:
    with pytest.raises(ValidationError, match="area_id: no such area in the territory"):
        territory.area("S09")
    with pytest.raises(ValidationError, match="no such area"):
        territory.area("S01", level="community")


def test_in_force_without_date() -> None:
    t = two_streets()
    assert t.valid_from is None
    assert t.in_force(dt.date(1990, 1, 1))


def test_arbitrary_property_names_and_int_ids(tmp_path: Path) -> None:
    doc = collection(
        feature({"adcode": 110101, "mc": "东城", "jb": "district"}),
        crs={"type": "name", "properties": {"name": "EPSG:4490"}},
        valid_from="2024-05-01",
    )
    t = Territory.from_geojson(
        write(tmp_path, doc), id_property="adcode", name_property="mc", level_property="jb"
    )
    assert t.areas[0].id == "110101"
    assert t.areas[0].name == "东城"
    assert t.crs is CRS.CGCS2000
    assert str(t.valid_from) == "2024-05-01"


def test_default_level_and_crs(tmp_path: Path) -> None:
    t = Territory.from_geojson(write(tmp_path, collection(feature({"code": "A"}))))
    assert t.crs is CRS.WGS84
    assert t.levels == ("area",)
    assert t.valid_from is None
    assert t.locate(0.5, 0.5).area_id == "A"


def test_crs_parameter_same_family_and_conflict(tmp_path: Path) -> None:
    path = write(tmp_path, collection(feature({"code": "A"}), crs_name="WGS84"))
    assert Territory.from_geojson(path, crs="CGCS2000").crs is CRS.CGCS2000
    with pytest.raises(DataFormatError, match=r"the file declares WGS84 but crs=GCJ02 was passed"):
        Territory.from_geojson(path, crs=CRS.GCJ02)
    gcj = write(tmp_path, collection(feature({"code": "A"}), crs_name="GCJ02"), "g.geojson")
    assert Territory.from_geojson(gcj, crs="GCJ02").crs is CRS.GCJ02


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ("not json", r"^t\.geojson:1: \(file\): invalid JSON: Expecting value, column 1$"),
        (
            '{"a": ' + "9" * 5000 + "}",
            r"^t\.geojson: \(file\): invalid JSON: an integer with too many digits$",
        ),
        ("[" * 100_000, r"^t\.geojson: \(file\): invalid JSON: nested too deeply$"),
        ('{"a": NaN}', r"^t\.geojson: \(file\): invalid JSON: NaN is not a JSON number$"),
        ([1, 2], "must be a GeoJSON FeatureCollection"),
        (
            {"type": "Feature"},
            r"^t\.geojson: \$\.type: must be a GeoJSON FeatureCollection \(got 'Feature'\)$",
        ),
        ({"type": "FeatureCollection", "features": 3}, "must have a list of features"),
        (collection(crs_name="UTM50"), r"^t\.geojson: \$\.crs_name: unknown CRS"),
        (collection(crs={"properties": {"name": "EPSG:3857"}}), "unknown crs declaration"),
    ],
)
def test_file_level_errors(tmp_path: Path, doc: object, match: str) -> None:
    path = tmp_path / "t.geojson"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataFormatError, match=match):
        Territory.from_geojson(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"^nope\.geojson: \(file\): cannot read file: "):
        Territory.from_geojson(tmp_path / "nope.geojson")
    bad = tmp_path / "latin.geojson"
    bad.write_bytes(b'{"type": "FeatureCollection", "name": "\xe9"}')
    with pytest.raises(
        DataFormatError,
        match=r"^latin\.geojson:1: \(file\): not UTF-8 text \(byte 39\) \(got b'\\xe9'\)$",
    ):
        Territory.from_geojson(bad)
    bad.write_bytes(b'\xef\xbb\xbf{"type": "FeatureCollection", "features": []}')
    with pytest.raises(ValidationReport, match="features: no area features"):
        Territory.from_geojson(bad)


def test_every_feature_problem_is_reported_at_once(tmp_path: Path) -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    doc = collection(
        "not a feature",
        {"type": "Feature", "properties": None, "geometry": None},
        feature({"code": "P"}, {"type": "Point", "coordinates": [0, 0]}),
        feature({"code": "B"}, bowtie),
        feature({"code": "X"}, {"type": "Polygon", "coordinates": "zz"}),
        feature(
            {
                "code": "",
                "name": 5,
                "level": "",
                "parent": 9,
                "population": -1,
                "valid_from": "2025-13-01",
                "source": 1,
            }
        ),
        feature({"code": "D"}),
        feature({"code": "D"}),
    )
    with pytest.raises(ValidationReport) as info:
        Territory.from_geojson(write(tmp_path, doc))
    lines = "\n".join(info.value.lines())
    for expected in [
        "t.geojson: $.features[0].type: must be a GeoJSON Feature",
        "t.geojson: $.features[1].properties: must be an object",
        "t.geojson: $.features[2].geometry: must be a Polygon or MultiPolygon (got 'Point')",
        "t.geojson: $.features[3].geometry: invalid: Self-intersection",
        "t.geojson: $.features[4].geometry: not a geometry",
        "t.geojson: $.features[5].properties.code: must be a non-empty string (the area id) (got '')",
        "t.geojson: $.features[5].properties.name: must be a string (got 5)",
        "t.geojson: $.features[5].properties.level: must be a non-empty string",
        "t.geojson: $.features[5].properties.parent: must be a string or null (got 9)",
        "t.geojson: $.features[5].properties.population: must be a positive integer or null (got -1)",
        "t.geojson: $.features[5].properties.valid_from: must be an ISO date (YYYY-MM-DD) (got '2025-13-01')",
        "t.geojson: $.features[5].properties.source: must be a string or null (got 1)",
        "t.geojson: code: duplicate area id at level 'area' (got 'D')",
    ]:
        assert expected in lines


def test_empty_collection_and_bad_top_level_date(tmp_path: Path) -> None:
    with pytest.raises(ValidationReport, match="features: no area features"):
        Territory.from_geojson(write(tmp_path, collection()))
    with pytest.raises(
        DataFormatError,
        match=r"^t\.geojson: \$\.valid_from: must be an ISO date \(YYYY-MM-DD\) \(got 20250101\)$",
    ):
        Territory.from_geojson(
            write(tmp_path, collection(feature({"code": "A"}), valid_from=20250101))
        )


# -- model validation --------------------------------------------------------------------------------


def test_area_and_zone_validators() -> None:
    with pytest.raises(
        ValidationError, match="geometry: must be a shapely Polygon or MultiPolygon"
    ):
        Area("A", "a", "street", shapely.Point(0, 0))
    with pytest.raises(
        ValidationError, match=r"geometry: must be a valid polygon \(Self-intersection"
    ):
        Area("A", "a", "street", shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]))
    with pytest.raises(ValidationError, match="id: must be a non-empty string"):
        Area(" ", "a", "street", shapely.box(0, 0, 1, 1))
    with pytest.raises(ValidationError, match="unit: must be a non-empty string"):
        SwapZone("Z", "", "street", shapely.box(0, 0, 1, 1))


def test_territory_validators() -> None:
    a = box_area("A", 0, 0, 1, 1)
    with pytest.raises(ValidationError, match="areas: needs at least one area"):
        Territory(areas=[])
    with pytest.raises(ValidationError, match="areas: must hold Area objects"):
        Territory(areas=[a, "B"])  # type: ignore[list-item]  # deliberately wrong input
    with pytest.raises(ValidationError, match="areas.id: duplicate area id at level 'street'"):
        Territory(areas=[a, a])
    with pytest.raises(ValidationError, match="swap_zones: must hold SwapZone objects"):
        Territory(areas=[a], swap_zones=[a])  # type: ignore[list-item]  # deliberately wrong input
    with pytest.raises(
        ValidationError, match=r"border_tolerance_m: must be a number >= 0 \(metres\)"
    ):
        Territory(areas=[a], border_tolerance_m=-1.0)
    with pytest.raises(ValidationError, match="max_distance_m: must be a number >= 0"):
        Territory(areas=[a], max_distance_m=math.nan)
    with pytest.raises(ValidationError, match="border_tolerance_m"):
        Territory(areas=[a], border_tolerance_m=True)
    with pytest.raises(ValidationError, match="tie: must be 'ambiguous' or 'first'"):
        Territory(areas=[a], tie="random")


# -- the location rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("vectorized", [False, True])
@pytest.mark.parametrize(
    ("lon", "lat", "status", "area", "other"),
    [
        (116.31, 39.91, "inside", "S01", None),
        (116.325, 39.925, "inside", "S02", None),  # the enclave (飞地) of S02 in S01's hole
        (116.345, 39.945, "inside", "S02", None),  # swap zone Z1 gives S01's corner to S02
        (116.3501, 39.91, "ambiguous", "S02", "S01"),  # 8.5 m from the border, tolerance 10 m
        (116.35, 39.91, "ambiguous", "S01", "S02"),  # on the shared border: covered by both
        (116.30, 39.91, "inside", "S01", None),  # on the outer boundary: covered by one
        (116.29, 39.91, "refused", None, None),  # 855 m outside, beyond 500 m
        (116.2960, 39.91, "nearest", "S01", None),  # 342 m outside
        (116.35, 39.8990, "ambiguous", "S01", "S02"),  # equidistant from both below the junction
    ],
)
def test_location_rules(
    territory: Territory,
    *,
    vectorized: bool,
    lon: float,
    lat: float,
    status: str,
    area: str | None,
    other: str | None,
) -> None:
    if vectorized:
        p = territory.locate_many([lon], [lat], level="street")[0]
    else:
        p = territory.locate(lon, lat, level="street")
    assert (p.status.value, p.area_id, p.other_id) == (status, area, other)
    assert p.level == "street"


def test_swap_zone_keeps_admin_answer(territory: Territory) -> None:
    p = territory.locate(116.345, 39.945, level="street")
    assert (p.zone_id, p.admin_id, p.distance_m) == ("Z1", "S01", 0.0)
    many = territory.locate_many([116.345, 116.31], [39.945, 39.91], level="street")
    assert many.zone_id.tolist() == ["Z1", None]
    assert many.admin_id.tolist() == ["S01", "S01"]


def test_tie_rule_first_and_refused_distance(territory: Territory) -> None:
    p = territory.locate(116.35, 39.8990, level="street", tie="first")
    assert (p.status, p.area_id, p.other_id) == (LocateStatus.NEAREST, "S01", None)
    q = territory.locate_many([116.35], [39.8990], level="street", tie="first")[0]
    assert (q.status, q.area_id) == (LocateStatus.NEAREST, "S01")
    assert q.distance_m == pytest.approx(111.2, abs=0.5)
    assert territory.locate(116.29, 39.91, level="street").distance_m == math.inf


def test_default_level_is_the_finest(territory: Territory) -> None:
    assert territory.locate(116.31, 39.91).level == "community"
    assert territory.locate(116.31, 39.91).area_id == "C01"
    assert territory.locate_many([116.31], [39.93]).area_id.tolist() == ["C02"]
    assert territory.locate(116.31, 39.91, level="district").area_id == "D01"


def test_level_errors() -> None:
    t = Territory(
        areas=[box_area("A", 0, 0, 1, 1, level="zone"), box_area("B", 0, 0, 1, 1, level="block")]
    )
    assert t.levels == ("zone", "block")
    with pytest.raises(
        ValidationError, match=r"several levels without a known order \(zone, block\)"
    ):
        t.locate(0.5, 0.5)
    assert t.locate(0.5, 0.5, level="block").area_id == "B"
    with pytest.raises(ValidationError, match="level: no areas at this level; levels: zone, block"):
        t.locate_many([0.5], [0.5], level="street")


def test_placements_object(territory: Territory) -> None:
    res = territory.locate_many([116.31, 116.29, np.nan], [39.91, 39.91, 39.91], level="street")
    assert isinstance(res, Placements)
    assert len(res) == 3
    assert res.area_id.tolist() == ["S01", None, None]
    assert np.asarray(res).tolist() == ["S01", None, None]
    assert res.status.tolist() == ["inside", "refused", "refused"]
    assert res.counts() == {"inside": 1, "ambiguous": 0, "nearest": 0, "refused": 2}
    assert [p.area_id for p in res] == ["S01", None, None]
    assert res[1].candidates == ()
    assert repr(res) == (
        "Placements(n=3, level='street', counts={'inside': 1, 'ambiguous': 0, 'nearest': 0, 'refused': 2})"
    )


def test_points_in_other_crs_are_converted(territory: Territory) -> None:
    gx, gy = convert(116.3495, 39.91, source="WGS84", target="GCJ02")
    assert territory.locate(gx, gy, crs="GCJ02", level="street").area_id == "S01"
    bx, by = convert(116.3505, 39.91, source="WGS84", target="BD09")
    res = territory.locate_many([bx], [by], crs=CRS.BD09, level="street", border_tolerance_m=0.0)
    assert res.area_id.tolist() == ["S02"]
    # read naively, the GCJ-02 point would land in the other street
    assert territory.locate(gx, gy, level="street", border_tolerance_m=0.0).area_id == "S02"


def test_scalar_errors_and_overrides(territory: Territory) -> None:
    with pytest.raises(ValidationError, match="lat: must be a finite number"):
        territory.locate(116.3, math.nan)
    with pytest.raises(ValidationError, match="lon: must be a finite number"):
        territory.locate(True, 39.9)
    with pytest.raises(ValidationError, match="max_distance_m: must be a number >= 0"):
        territory.locate_many([116.3], [39.9], max_distance_m=-5)
    with pytest.raises(ValidationError, match="tie: must be"):
        territory.locate(116.3, 39.9, tie="coin")  # type: ignore[arg-type]  # deliberately wrong input
    far = territory.locate(116.29, 39.91, level="street", max_distance_m=2000.0)
    assert (far.status, far.area_id) == (LocateStatus.NEAREST, "S01")


def test_far_points_use_the_exact_search() -> None:
    t = two_streets(max_distance_m=math.inf)
    # beyond the grid; in the grid but many cells from any boundary; near the boundary
    xs = [100.0, 116.35, 116.2, 116.279, 116.297]
    ys = [39.925, 45.0, 39.925, 39.925, 39.925]
    res = t.locate_many(xs, ys)
    assert res.status.tolist() == ["nearest", "ambiguous", "nearest", "nearest", "nearest"]
    assert res.area_id.tolist() == ["W", "W", "W", "W", "W"]
    assert res.other_id.tolist() == [None, "E", None, None, None]
    index = t._index("street", 0.0, math.inf)
    cells = index._coarse_cell(*index.proj.forward(np.array(xs), np.array(ys)))
    assert index.seg_far[cells].tolist() == [True, True, True, True, False]
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        p = t.locate(x, y)
        assert (p.status.value, p.area_id, p.other_id) == (
            res.status[i],
            res.area_id[i],
            res.other_id[i],
        )
        assert p.distance_m == pytest.approx(res.distance_m[i])


def test_overlapping_areas_are_ambiguous() -> None:
    t = Territory(
        areas=[box_area("A", 0.0, 0.0, 0.02, 0.02), box_area("B", 0.001, 0.001, 0.019, 0.019)],
        cells=400,
    )
    res = t.locate_many([0.01, 0.0005], [0.01, 0.0005])
    assert res.status.tolist() == ["ambiguous", "inside"]
    assert res.area_id.tolist() == ["A", "A"]
    assert res.other_id.tolist() == ["B", None]
    assert t.locate(0.01, 0.01).candidates == ("A", "B")


def test_with_swap_zones_from_objects_and_other_crs(tmp_path: Path) -> None:
    t = two_streets()
    zone = SwapZone("Z", "E", "street", shapely.box(116.34, 39.90, 116.35, 39.91), reason="协议")
    assert t.with_swap_zones((zone,)).locate(116.345, 39.905).area_id == "E"
    # a zone file in GCJ-02 is converted to the territory's WGS-84
    ring = [convert(x, y, source="WGS84", target="GCJ02") for x, y in
            [(116.30, 39.94), (116.31, 39.94), (116.31, 39.95), (116.30, 39.95), (116.30, 39.94)]]  # fmt: skip
    doc = collection(
        feature(
            {
                "kind": "swap",
                "code": "Z2",
                "unit": "E",
                "level": "street",
                "valid_from": "2025-01-01",
            },
            {"type": "Polygon", "coordinates": [ring]},
        ),
        crs_name="GCJ02",
    )
    t2 = t.with_swap_zones(write(tmp_path, doc, "z.geojson"))
    assert t2.locate(116.305, 39.945).area_id == "E"
    assert t2.locate(116.3115, 39.945).area_id == "W"
    assert t2.swap_zones[0].valid_from is not None


def test_swap_zone_file_errors(tmp_path: Path) -> None:
    doc = collection(
        feature({"kind": "admin", "code": "Z", "unit": "E", "level": "street"}),
        feature({"kind": "swap", "code": "Z", "unit": "", "level": "street", "valid_from": "x"}),
        "junk",
    )
    with pytest.raises(ValidationReport) as info:
        load_swap_zones(write(tmp_path, doc, "z.geojson"))
    lines = "\n".join(info.value.lines())
    assert "z.geojson: $.features[0].properties.kind: must be 'swap' (got 'admin')" in lines
    assert "z.geojson: $.features[1].properties.unit: must be a non-empty string (got '')" in lines
    assert "z.geojson: $.features[1].properties.valid_from: must be an ISO date" in lines
    assert "z.geojson: $.features[2].type: must be a GeoJSON Feature" in lines
    assert load_swap_zones(SWAPS, target="WGS84")[0].reason == "小区跨界，协商由东街道管理"


# -- properties over generated territories ------------------------------------------------------------


@st.composite
def territories(draw: st.DrawFn) -> tuple[Territory, np.ndarray, np.ndarray]:
    rows = draw(st.integers(1, 3))
    cols = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    step = 0.01
    gx = (
        116.0
        + np.arange(cols + 1)[None, :] * step
        + rng.uniform(-0.2, 0.2, (rows + 1, cols + 1)) * step
    )
    gy = (
        39.0
        + np.arange(rows + 1)[:, None] * step
        + rng.uniform(-0.2, 0.2, (rows + 1, cols + 1)) * step
    )
    areas = []
    for r in range(rows):
        for c in range(cols):
            ring = [(gx[r, c], gy[r, c]), (gx[r, c + 1], gy[r, c + 1]),
                    (gx[r + 1, c + 1], gy[r + 1, c + 1]), (gx[r + 1, c], gy[r + 1, c])]  # fmt: skip
            areas.append(Area(f"A{r}{c}", "a", "street", shapely.Polygon(ring)))
    t = Territory(
        areas=areas,
        border_tolerance_m=draw(st.sampled_from([0.0, 5.0, 60.0])),
        max_distance_m=draw(st.sampled_from([0.0, 200.0, 800.0, math.inf])),
        tie=draw(st.sampled_from(["ambiguous", "first"])),
        cells=draw(st.sampled_from([64, 2000, None])),
    )
    n = 40
    x = rng.uniform(116.0 - 1.5 * step, 116.0 + (cols + 1.5) * step, n)
    y = rng.uniform(39.0 - 1.5 * step, 39.0 + (rows + 1.5) * step, n)
    # and points exactly on vertices and on the shared junctions
    x = np.r_[x, gx.ravel()[:6], gx[0, 0] - 0.003]
    y = np.r_[y, gy.ravel()[:6], gy[0, 0]]
    return t, x, y


@settings(max_examples=25, deadline=None)
@given(case=territories())
def test_vectorized_equals_scalar_and_one_status_each(
    case: tuple[Territory, np.ndarray, np.ndarray],
) -> None:
    t, x, y = case
    res = t.locate_many(x, y)
    counts = res.counts()
    assert sum(counts.values()) == len(x)
    for i in range(len(x)):
        p = t.locate(float(x[i]), float(y[i]))
        q = res[i]
        assert (p.status, p.area_id, p.other_id) == (q.status, q.area_id, q.other_id)
        assert p.distance_m == pytest.approx(q.distance_m, abs=1e-6)
        if q.status is LocateStatus.INSIDE:
            assert q.distance_m == 0.0
            assert q.other_id is None
        elif q.status is LocateStatus.AMBIGUOUS:
            assert q.area_id is not None
            assert q.other_id is not None
            assert q.other_id != q.area_id
        elif q.status is LocateStatus.NEAREST:
            assert 0.0 < q.distance_m <= t.max_distance_m
        else:
            assert q.area_id is None
            assert q.distance_m == math.inf


@settings(max_examples=15, deadline=None)
@given(case=territories(), data=st.data())
def test_swap_zones_win(
    case: tuple[Territory, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    t, x, y = case
    i = data.draw(st.integers(0, len(t.areas) - 1))
    cx, cy = t.areas[i].geometry.centroid.coords[0]
    zone = SwapZone(
        "Z", "OTHER", "street", shapely.box(cx - 0.002, cy - 0.002, cx + 0.002, cy + 0.002)
    )
    tz = t.with_swap_zones((zone,))
    res = tz.locate_many(np.r_[x, cx], np.r_[y, cy])
    inside = shapely.intersects_xy(zone.geometry, np.r_[x, cx], np.r_[y, cy])
    assert inside[-1]
    assert (res.area_id[inside] == "OTHER").all()
    assert (res.status[inside] == "inside").all()
    assert (res.zone_id[inside] == "Z").all()
    assert (res.area_id[~inside] != "OTHER").all()
    assert tz.locate(cx, cy).area_id == "OTHER"


@settings(max_examples=15, deadline=None)
@given(case=territories())
def test_inside_labels_match_shapely(case: tuple[Territory, np.ndarray, np.ndarray]) -> None:
    t, x, y = case
    res = t.locate_many(x, y, border_tolerance_m=0.0, max_distance_m=0.0)
    geoms = np.array([a.geometry for a in t.areas], dtype=object)
    for i in range(len(x)):
        covering = [
            a.id
            for a, hit in zip(t.areas, shapely.intersects_xy(geoms, x[i], y[i]), strict=True)
            if hit
        ]
        if len(covering) == 1:
            assert res.area_id[i] == covering[0]
            assert res.status[i] == "inside"
        elif not covering:
            assert res.status[i] == "refused"
        else:
            assert res.status[i] == "ambiguous"


def test_outside_point_near_two_areas_is_ambiguous() -> None:
    t = two_streets(border_tolerance_m=60.0)
    for p in (t.locate(116.3499, 39.8995), t.locate_many([116.3499], [39.8995])[0]):
        assert (p.status, p.area_id, p.other_id) == (LocateStatus.AMBIGUOUS, "W", "E")
        assert p.distance_m == pytest.approx(55.6, abs=0.1)


def test_points_in_cells_without_segments_are_refused() -> None:
    t = Territory(areas=[box_area("A", 116.0, 39.0, 116.5, 39.5)], max_distance_m=2000.0)
    res = t.locate_many([115.9778, 115.9779], [38.9828, 38.9829])
    assert res.status.tolist() == ["refused", "refused"]
    assert t.locate(115.9778, 38.9828).status is LocateStatus.REFUSED


def test_files_inside_a_zip_archive_load(tmp_path: Path) -> None:
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(TERRITORY, "territory.geojson")
    t = Territory.from_geojson(zipfile.Path(archive, "territory.geojson"))
    assert t.version == "2025.1"


def test_a_hole_belongs_to_no_area() -> None:
    ring = shapely.Polygon(
        [(116.30, 39.90), (116.40, 39.90), (116.40, 39.95), (116.30, 39.95)],
        holes=[[(116.34, 39.92), (116.36, 39.92), (116.36, 39.93), (116.34, 39.93)]],
    )
    t = Territory(areas=[Area("L", "环湖街道", "street", ring)], max_distance_m=1000.0)
    p = t.locate(116.35, 39.925)
    q = t.locate_many([116.35], [39.925])[0]
    assert (p.status, p.area_id) == (q.status, q.area_id) == (LocateStatus.NEAREST, "L")
    assert p.distance_m == pytest.approx(q.distance_m) == pytest.approx(556.0, abs=1.0)


def test_lone_point_in_a_cell_beyond_the_limit() -> None:
    t = two_streets(max_distance_m=500.0)
    res = t.locate_many([116.294921875], [39.896484375])
    assert res.status.tolist() == ["refused"]
    assert t.locate(116.294921875, 39.896484375).status is LocateStatus.REFUSED


def test_an_unknown_geometry_type_is_a_feature_problem(tmp_path: Path) -> None:
    doc = collection(feature({"code": "A"}, {"type": "x", "coordinates": []}))
    with pytest.raises(ValidationReport) as info:
        Territory.from_geojson(write(tmp_path, doc))
    assert info.value.lines() == [
        (
            "t.geojson: $.features[0].geometry: not a geometry (Unknown geometry type: 'x') "
            "(got \"{'type': 'x', 'coordinates': []}\")"
        )
    ]
