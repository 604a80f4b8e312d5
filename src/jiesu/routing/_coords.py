"""Coordinate conversion (坐标转换) between WGS-84/CGCS2000, GCJ-02 and BD-09, and distances in metres."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeAlias

import numpy as np

from jiesu.errors import ValidationError
from jiesu.model import CRS

if TYPE_CHECKING:
    from collections.abc import Callable
    from importlib.resources.abc import Traversable

    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]
    _Map = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]

__all__ = ["EARTH_RADIUS_M", "convert", "convert_many", "haversine_m", "in_china_box"]

EARTH_RADIUS_M: Final = 6_371_008.8
"""Mean Earth radius (IUGG) in metres used for haversine distances."""

# The Krasovsky 1940 ellipsoid parameters of the published GCJ-02 forward formula.
_A: Final = 6_378_245.0
_EE: Final = 0.006_693_421_622_965_943_23
_X_PI: Final = math.pi * 3000.0 / 180.0
# The standard out-of-China box: outside it, GCJ-02 is not applied (GCJ-02 == WGS-84).
_BOX_LON: Final = (72.004, 137.8347)
_BOX_LAT: Final = (0.8293, 55.8271)
# Each fixed-point step shrinks the error about 150-fold (the offset's slope is below 0.007), so a point
# whose residual is under 1e-8 degrees is within about 1e-10 degrees after its last correction.
_INVERSE_TOL: Final = 1e-8
_MAX_ITER: Final = 40
_GEOGRAPHIC: Final = frozenset({CRS.WGS84, CRS.CGCS2000})
_MAX_LON: Final = 180.0
_MAX_LAT: Final = 90.0


def in_china_box(lons: ArrayLike, lats: ArrayLike) -> NDArray[np.bool_]:
    """Whether points lie in the standard China box (中国范围矩形) where GCJ-02 applies.

    The box is longitude 72.004..137.8347 and latitude 0.8293..55.8271 (the rule used by the published
    GCJ-02 implementations). Outside it, GCJ-02 and BD-09's GCJ step leave coordinates unchanged.

    Args:
        lons: Longitudes in degrees.
        lats: Latitudes in degrees.

    Returns:
        A boolean array, ``True`` inside the box (NaN gives ``False``).

    Examples:
        >>> in_china_box([116.39, 2.35], [39.9, 48.85]).tolist()
        [True, False]
    """
    x = np.asarray(lons, dtype=np.float64)
    y = np.asarray(lats, dtype=np.float64)
    return (x >= _BOX_LON[0]) & (x <= _BOX_LON[1]) & (y >= _BOX_LAT[0]) & (y <= _BOX_LAT[1])


def _delta(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The GCJ-02 offset in degrees at WGS-84 point (x, y), zero outside the China box."""
    dx, dy = x - 105.0, y - 35.0
    t_lat = -100.0 + 2.0 * dx + 3.0 * dy + 0.2 * dy * dy + 0.1 * dx * dy + 0.2 * np.sqrt(np.abs(dx))
    t_lat += (20.0 * np.sin(6.0 * dx * np.pi) + 20.0 * np.sin(2.0 * dx * np.pi)) * 2.0 / 3.0
    t_lat += (20.0 * np.sin(dy * np.pi) + 40.0 * np.sin(dy / 3.0 * np.pi)) * 2.0 / 3.0
    t_lat += (160.0 * np.sin(dy / 12.0 * np.pi) + 320 * np.sin(dy * np.pi / 30.0)) * 2.0 / 3.0
    t_lon = 300.0 + dx + 2.0 * dy + 0.1 * dx * dx + 0.1 * dx * dy + 0.1 * np.sqrt(np.abs(dx))
    t_lon += (20.0 * np.sin(6.0 * dx * np.pi) + 20.0 * np.sin(2.0 * dx * np.pi)) * 2.0 / 3.0
    t_lon += (20.0 * np.sin(dx * np.pi) + 40.0 * np.sin(dx / 3.0 * np.pi)) * 2.0 / 3.0
    t_lon += (150.0 * np.sin(dx / 12.0 * np.pi) + 300.0 * np.sin(dx / 30.0 * np.pi)) * 2.0 / 3.0
    rad = y / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (t_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (t_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china_box(x, y)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def _wgs_to_gcj(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    d_lon, d_lat = _delta(x, y)
    return x + d_lon, y + d_lat


def _gcj_to_wgs(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Invert GCJ-02 by fixed-point iteration until every point is within about 1e-10 degrees."""
    return _invert(_wgs_to_gcj, x, y)


def _gcj_to_bd(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Invert BD-09 exactly (to 1e-10 degrees) by the same iteration as GCJ-02."""
    return _invert(_gcj_to_bd, x, y)


def _invert(forward: _Map, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(g) == (x, y)`` for g; ``forward`` is close to the identity, so g += residual."""
    gx, gy = x.copy(), y.copy()
    active = np.isfinite(x) & np.isfinite(y)
    rounds = 0
    while active.any() and rounds < _MAX_ITER:
        rounds += 1
        fx, fy = forward(gx[active], gy[active])
        ex, ey = x[active] - fx, y[active] - fy
        gx[active] += ex
        gy[active] += ey
        done = np.maximum(np.abs(ex), np.abs(ey)) < _INVERSE_TOL
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return gx, gy


def _as_crs(value: object, field: str) -> CRS:
    return CRS.parse(value, field=field)


def _check_ranges(x: FloatArray, y: FloatArray) -> None:
    finite = np.isfinite(x) & np.isfinite(y)
    bad_lon = finite & ((x < -_MAX_LON) | (x > _MAX_LON))
    if bad_lon.any():
        value = float(x[np.flatnonzero(bad_lon)[0]])
        raise ValidationError("must be a longitude in [-180, 180]", field="lons", value=value)
    bad_lat = finite & ((y < -_MAX_LAT) | (y > _MAX_LAT))
    if bad_lat.any():
        value = float(y[np.flatnonzero(bad_lat)[0]])
        raise ValidationError("must be a latitude in [-90, 90]", field="lats", value=value)


def as_arrays(lons: ArrayLike, lats: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Coerce lon/lat inputs to 1-d float64 arrays of equal length, checking ranges (NaN passes)."""
    try:
        x = np.array(lons, dtype=np.float64, ndmin=1)
        y = np.array(lats, dtype=np.float64, ndmin=1)
    except (TypeError, ValueError) as exc:
        raise ValidationError("must be numbers", field="lons/lats", value=str(exc)) from exc
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValidationError(
            "lons and lats must be 1-d arrays of the same length",
            field="lons/lats",
            value=(x.shape, y.shape),
        )
    _check_ranges(x, y)
    return x, y


def convert_many(
    lons: ArrayLike, lats: ArrayLike, *, source: CRS | str, target: CRS | str
) -> tuple[FloatArray, FloatArray]:
    """Convert arrays of points between coordinate systems (批量坐标转换), without a per-point loop.

    WGS-84 and CGCS2000 are treated as identical (they agree to centimetres). GCJ-02 is the published
    forward formula; outside the China box (see :func:`in_china_box`) GCJ-02 equals WGS-84. The inverse
    GCJ-02 → WGS-84 (and BD-09 → GCJ-02) is solved by vectorized fixed-point iteration until every point's
    error is about 1e-10 degrees, so round trips agree to far better than 1e-7 degrees. NaN in gives NaN out.

    Args:
        lons: Longitudes in degrees (any array-like).
        lats: Latitudes in degrees, same length.
        source: The coordinate system of the input (a :class:`jiesu.model.CRS` or its code).
        target: The coordinate system wanted.

    Returns:
        ``(lons, lats)`` as new float64 arrays; the inputs are never modified.

    Raises:
        ValidationError: Unknown CRS, arrays of different shapes, or coordinates out of range.

    Examples:
        >>> from jiesu.routing import convert_many
        >>> x, y = convert_many([116.3975, 2.35], [39.9087, 48.85], source="WGS84", target="GCJ02")
        >>> [round(v, 5) for v in x.tolist()], [round(v, 5) for v in y.tolist()]
        ([116.40374, 2.35], [39.9101, 48.85])
    """
    src = _as_crs(source, "source")
    dst = _as_crs(target, "target")
    x, y = as_arrays(lons, lats)
    return _convert(x, y, src, dst)


def _convert(x: FloatArray, y: FloatArray, src: CRS, dst: CRS) -> tuple[FloatArray, FloatArray]:
    if src in _GEOGRAPHIC:
        src = CRS.WGS84
    if dst in _GEOGRAPHIC:
        dst = CRS.WGS84
    if src is dst:
        return x.copy(), y.copy()
    # Bring everything to GCJ-02 first, then out to the target.
    if src is CRS.WGS84:
        x, y = _wgs_to_gcj(x, y)
    elif src is CRS.BD09:
        x, y = _bd_to_gcj(x, y)
    if dst is CRS.WGS84:
        return _gcj_to_wgs(x, y)
    if dst is CRS.BD09:
        return _gcj_to_bd(x, y)
    return x, y


def convert(lon: float, lat: float, *, source: CRS | str, target: CRS | str) -> tuple[float, float]:
    """Convert one point between coordinate systems (坐标转换), the scalar twin of :func:`convert_many`.

    Args:
        lon: Longitude in degrees.
        lat: Latitude in degrees.
        source: The coordinate system of the input.
        target: The coordinate system wanted.

    Returns:
        ``(lon, lat)`` in the target system.

    Raises:
        ValidationError: Unknown CRS, or a coordinate that is not a finite number in range.

    Examples:
        >>> from jiesu.routing import convert
        >>> lon, lat = convert(116.403741, 39.910102, source="GCJ02", target="WGS84")
        >>> round(lon, 4), round(lat, 4)
        (116.3975, 39.9087)
        >>> convert(116.4, 39.9, source="CGCS2000", target="WGS84")
        (116.4, 39.9)
    """
    checks: tuple[tuple[str, object], ...] = (("lon", lon), ("lat", lat))
    for name, value in checks:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValidationError("must be a finite number", field=name, value=value)
    x, y = convert_many([lon], [lat], source=source, target=target)
    return float(x[0]), float(y[0])


def haversine_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Great-circle distance in metres (球面距离) on a sphere of radius :data:`EARTH_RADIUS_M`.

    Inputs broadcast like numpy arrays; both points must be in the same geographic system (WGS-84 or
    CGCS2000 — convert GCJ-02/BD-09 first). The spherical model errs by at most about 0.5 % against the
    ellipsoid, far below a hotline's location accuracy.

    Args:
        lon1: Longitudes of the first points, degrees.
        lat1: Latitudes of the first points, degrees.
        lon2: Longitudes of the second points, degrees.
        lat2: Latitudes of the second points, degrees.

    Returns:
        The distances in metres (a float64 array; 0-d for scalar input).

    Examples:
        >>> from jiesu.routing import haversine_m
        >>> round(float(haversine_m(116.0, 39.0, 116.0, 40.0)))
        111195
    """
    p1, p2 = np.radians(np.asarray(lat1, dtype=np.float64)), np.radians(np.asarray(lat2, float))
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin((p2 - p1) / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    out: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return out


PathLike: TypeAlias = "str | os.PathLike[str] | Traversable"
"""A file given as a string, a path, or a package resource (``importlib.resources.files(...)``)."""

File: TypeAlias = "Path | Traversable"
"""A file ready to read: a path or a package resource."""


def as_path(path: PathLike) -> File:
    """A readable file object: strings and path-likes become :class:`pathlib.Path`, resources stay."""
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    return path
