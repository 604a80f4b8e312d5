"""The sample's private forward conversions against published reference values."""

from __future__ import annotations

import numpy as np
import pytest

from jiesu.model import CRS
from jiesu.sample import _coords

# (wgs lon, wgs lat, gcj lon, gcj lat): the reference table of the eviltransform project.
WGS_GCJ = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),  # coordtransform's example
]


@pytest.mark.parametrize(("lon", "lat", "glon", "glat"), WGS_GCJ)
def test_wgs84_to_gcj02_reference(lon: float, lat: float, glon: float, glat: float) -> None:
    x, y = _coords.wgs84_to_gcj02(lon, lat)
    assert float(x) == pytest.approx(glon, abs=1e-9)
    assert float(y) == pytest.approx(glat, abs=1e-9)


def test_gcj02_to_bd09_reference() -> None:
    x, y = _coords.gcj02_to_bd09(116.404, 39.915)
    assert float(x) == pytest.approx(116.41036949371029, abs=1e-9)
    assert float(y) == pytest.approx(39.92133699351021, abs=1e-9)


def test_arrays_match_scalars() -> None:
    lons = np.array([row[0] for row in WGS_GCJ])
    lats = np.array([row[1] for row in WGS_GCJ])
    x, y = _coords.wgs84_to_gcj02(lons, lats)
    assert x.shape == (4,)
    for i, (lon, lat, *_) in enumerate(WGS_GCJ):
        sx, sy = _coords.wgs84_to_gcj02(lon, lat)
        assert (float(sx), float(sy)) == (x[i], y[i])


@pytest.mark.parametrize("crs", list(CRS))
def test_from_wgs84(crs: CRS) -> None:
    lon, lat = 115.48, 38.87
    x, y = _coords.from_wgs84(lon, lat, crs)
    if crs in (CRS.WGS84, CRS.CGCS2000):
        assert (float(x), float(y)) == (lon, lat)
        return
    gx, gy = _coords.wgs84_to_gcj02(lon, lat)
    expected = (gx, gy) if crs is CRS.GCJ02 else _coords.gcj02_to_bd09(gx, gy)
    assert (float(x), float(y)) == (float(expected[0]), float(expected[1]))
    # The offsets are a few hundred metres here, never zero.
    assert 1e-4 < abs(float(x) - lon) + abs(float(y) - lat) < 0.03
