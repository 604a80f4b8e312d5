"""Coordinate conversion: known values, round trips, scalar = vector, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiesu.errors import ValidationError
from jiesu.model import CRS
from jiesu.routing import convert, convert_many, haversine_m, in_china_box

ALL = [CRS.WGS84, CRS.CGCS2000, CRS.GCJ02, CRS.BD09]
lons = st.floats(73.0, 135.0)
lats = st.floats(18.0, 53.0)


def test_known_gcj_offset_at_tiananmen() -> None:
    x, y = convert(116.3975, 39.9087, source=CRS.WGS84, target=CRS.GCJ02)
    assert x == pytest.approx(116.403744, abs=1e-6)
    assert y == pytest.approx(39.910104, abs=1e-6)
    bx, by = convert(x, y, source="GCJ02", target="BD09")
    assert bx == pytest.approx(116.410, abs=2e-3)
    assert by == pytest.approx(39.916, abs=2e-3)


def test_cgcs2000_is_wgs84_and_identity_copies() -> None:
    xs = np.array([116.4, 121.5])
    x, y = convert_many(xs, [39.9, 31.2], source="CGCS2000", target=CRS.WGS84)
    assert x.tolist() == [116.4, 121.5]
    assert y.tolist() == [39.9, 31.2]
    x[0] = 0.0
    assert xs[0] == 116.4  # inputs are never modified


def test_outside_china_box_gcj_equals_wgs() -> None:
    x, y = convert_many([2.35, -74.0], [48.85, 40.7], source="WGS84", target="GCJ02")
    assert x.tolist() == [2.35, -74.0]
    assert y.tolist() == [48.85, 40.7]
    assert in_china_box([72.003, 72.005], [30.0, 30.0]).tolist() == [False, True]


def test_nan_passes_through() -> None:
    x, _y = convert_many([np.nan, 116.4], [39.9, 39.9], source="GCJ02", target="WGS84")
    assert math.isnan(x[0])
    assert math.isfinite(x[1])


@settings(max_examples=60)
@given(lon=lons, lat=lats, source=st.sampled_from(ALL), target=st.sampled_from(ALL))
def test_round_trip_under_1e7(lon: float, lat: float, source: CRS, target: CRS) -> None:
    x, y = convert(lon, lat, source=source, target=target)
    back = convert(x, y, source=target, target=source)
    assert abs(back[0] - lon) < 1e-7
    assert abs(back[1] - lat) < 1e-7


@settings(max_examples=30)
@given(
    pts=st.lists(st.tuples(lons, lats), min_size=1, max_size=20),
    source=st.sampled_from(ALL),
    target=st.sampled_from(ALL),
)
def test_vector_equals_scalar(pts: list[tuple[float, float]], source: CRS, target: CRS) -> None:
    xs = np.array([p[0] for p in pts])
    ys = np.array([p[1] for p in pts])
    vx, vy = convert_many(xs[::-1][::-1], ys, source=source, target=target)
    for i, (lon, lat) in enumerate(pts):
        sx, sy = convert(lon, lat, source=source, target=target)
        assert vx[i] == pytest.approx(sx, abs=1e-9)
        assert vy[i] == pytest.approx(sy, abs=1e-9)


def test_gcj_inverse_is_iterated_to_1e7() -> None:
    rng = np.random.default_rng(3)
    gx, gy = rng.uniform(73, 135, 2000), rng.uniform(18, 53, 2000)
    wx, wy = convert_many(gx, gy, source="GCJ02", target="WGS84")
    fx, fy = convert_many(wx, wy, source="WGS84", target="GCJ02")
    assert np.abs(fx - gx).max() < 1e-9
    assert np.abs(fy - gy).max() < 1e-9
    # the usual one-step approximation (subtract the offset at the GCJ point) is measurably off
    ox, _ = convert_many(gx, gy, source="WGS84", target="GCJ02")
    assert np.abs(wx - (2 * gx - ox)).max() > 1e-7


def test_haversine() -> None:
    assert float(haversine_m(116.0, 39.0, 116.0, 40.0)) == pytest.approx(111195.08, abs=0.1)
    assert float(haversine_m(116.0, 39.0, 116.0, 39.0)) == 0.0
    d = haversine_m([116.0, 116.0], [39.0, 39.0], [117.0, 116.0], [39.0, 39.0])
    assert d.shape == (2,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"lons": [1.0], "lats": [1.0], "source": "WGS-85", "target": "GCJ02"},
            "source: unknown CRS",
        ),
        ({"lons": [1.0], "lats": [1.0], "source": "WGS84", "target": "UTM"}, "target: unknown CRS"),
        ({"lons": [1.0, 2.0], "lats": [1.0], "source": "WGS84", "target": "GCJ02"}, "same length"),
        ({"lons": [[1.0]], "lats": [[1.0]], "source": "WGS84", "target": "GCJ02"}, "1-d arrays"),
        (
            {"lons": [181.0], "lats": [1.0], "source": "WGS84", "target": "GCJ02"},
            r"lons: must be a longitude in \[-180, 180\] \(got 181.0\)",
        ),
        (
            {"lons": [1.0], "lats": [-91.0], "source": "WGS84", "target": "GCJ02"},
            r"lats: must be a latitude in \[-90, 90\] \(got -91.0\)",
        ),
        (
            {"lons": ["x"], "lats": [1.0], "source": "WGS84", "target": "GCJ02"},
            "lons/lats: must be numbers",
        ),
    ],
)
def test_convert_many_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        convert_many(**kwargs)  # type: ignore[arg-type]  # deliberately wrong input


@pytest.mark.parametrize("bad", [math.nan, math.inf, True, "116"])
def test_convert_scalar_errors(bad: object) -> None:
    with pytest.raises(ValidationError, match="lon: must be a finite number"):
        convert(bad, 39.9, source="WGS84", target="GCJ02")  # type: ignore[arg-type]  # deliberately wrong input
