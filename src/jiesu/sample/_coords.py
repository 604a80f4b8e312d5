"""Forward coordinate conversion for the generator (坐标加偏): WGS-84 → GCJ-02 → BD-09, numpy arrays.

A private helper so the sample can place points the way map apps report them; the public conversions
(with the iterative inverses) live in :mod:`jiesu.routing`. The formulas are the widely published GCJ-02
obfuscation (Krasovsky 1940 ellipsoid, ``a = 6378245``, ``ee = 0.00669342162296594323``) and Baidu's
BD-09 offset on top of GCJ-02; they are applied everywhere (the generator's points are all in China).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from jiesu.model import CRS

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

Pair = tuple["NDArray[np.float64]", "NDArray[np.float64]"]


def _delta_lat(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    out += (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return out


def _delta_lon(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    out += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return out


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """WGS-84 → GCJ-02 (火星坐标), element-wise over arrays of degrees."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    d_lat = _delta_lat(x - 105.0, y - 35.0)
    d_lon = _delta_lon(x - 105.0, y - 35.0)
    rad = y / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * math.pi)
    return x + d_lon, y + d_lat


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """GCJ-02 → BD-09 (百度坐标), element-wise over arrays of degrees."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def from_wgs84(lon: ArrayLike, lat: ArrayLike, crs: CRS) -> Pair:
    """Express WGS-84 points in ``crs`` (CGCS2000 is taken as identical to WGS-84)."""
    if crs in (CRS.GCJ02, CRS.BD09):
        gx, gy = wgs84_to_gcj02(lon, lat)
        return gcj02_to_bd09(gx, gy) if crs is CRS.BD09 else (gx, gy)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
