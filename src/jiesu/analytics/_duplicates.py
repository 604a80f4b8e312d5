"""Repeated complaints about one place (重复件): merge suggestions, whoever called."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING, Any, Final

import narwhals as nw
import numpy as np

from jiesu._native import like
from jiesu.analytics._common import (
    collect,
    column,
    is_lazy,
    names,
    one_per_ticket,
    open_frame,
    require,
)
from jiesu.analytics._repeats import EARTH_RADIUS_M, _codes
from jiesu.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

__all__ = ["DUPLICATE_COLUMNS", "find_duplicates"]

DUPLICATE_COLUMNS: Final = ("duplicate_of", "duplicate_distance_m", "duplicate_count")
"""The columns :func:`find_duplicates` adds."""

_RAD: Final = np.pi / 180
_MIX: Final = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0x27D4EB2F165667C5),
)


def find_duplicates(
    frame: Any,  # noqa: ANN401 - any dataframe narwhals reads
    *,
    radius_m: float = 100,
    window_days: float = 7,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """Suggest merges of tickets about one problem at one place (重复件 / 并单建议), any caller.

    [GB-66] merges repeats into the original. A ticket is suggested as a duplicate of an **original**:
    an earlier ticket of the same ``category`` whose point lies within ``radius_m`` metres of its own
    and which was received at most ``window_days`` before it. Tickets are taken in order of
    ``received_at`` (ties by ``ticket_id``); each ticket joins the earliest original it is near, and a
    ticket near no original is an original itself. So every duplicate lies within ``radius_m`` of one
    point — its original's — and within ``window_days`` after it; the result does not depend on row
    order.

    Three columns are added to every row (no row is dropped):

    - ``duplicate_of``: the original's ``ticket_id`` (null for an original and a ticket near none);
    - ``duplicate_distance_m``: the distance to the original in metres (null likewise);
    - ``duplicate_count``: on an original, how many tickets are suggested into it (null elsewhere).

    A row without a ticket id, category, received time or both coordinates is in no suggestion.
    With a ``crs`` column, points in GCJ-02 or BD-09 are converted to WGS-84 first
    (:func:`jiesu.routing.convert_many`; a blank system is WGS-84), so a table mixing systems compares
    like with like; an unknown system is refused. Distances use the equirectangular formula of
    :func:`find_repeats`.

    The work is over whole numpy arrays: points are put in grid cells of ``radius_m`` and windows of
    ``window_days``, candidate pairs come from the neighbouring cells, and originals are settled in a
    few passes over the pairs (one pass per link of the longest chain of overlapping neighbourhoods).

    Args:
        frame: The tickets: pandas, polars (eager or lazy), pyarrow, DuckDB or PySpark.
        radius_m: The largest distance from the original, in metres.
        window_days: The longest time after the original, in natural days (inclusive).
        columns: Role → column name (``ticket_id``, ``received_at``, ``category``, ``lon``, ``lat``,
            ``crs``) where the table's names are not the canonical ones.

    Returns:
        The same kind of frame with the three columns added, in the input's row order when eager.

    Raises:
        ValidationError: A column is missing, ``received_at`` is naive, a parameter is out of range, or
            a coordinate system is unknown.

    Examples:
        >>> import datetime as dt, polars as pl
        >>> at = [dt.datetime(2025, 3, 1, h, tzinfo=dt.UTC) for h in (8, 9, 10, 11)]
        >>> df = pl.DataFrame({"ticket_id": ["T1", "T2", "T3", "T4"], "received_at": at,
        ...                    "category": ["占道"] * 3 + ["噪音"],
        ...                    "lon": [116.4, 116.4005, 116.43, 116.4], "lat": [39.9] * 4})
        >>> find_duplicates(df, radius_m=100).select("ticket_id", "duplicate_of", "duplicate_count").rows()
        [('T1', None, 1), ('T2', 'T1', None), ('T3', None, None), ('T4', None, None)]
    """
    if not radius_m > 0 or radius_m == float("inf"):
        raise ValidationError("must be a distance above 0", field="radius_m", value=radius_m)
    if not 0 <= window_days < float("inf"):
        raise ValidationError("must be at least 0", field="window_days", value=window_days)
    cols = names(columns)
    source = open_frame(frame)
    roles = ["ticket_id", "received_at", "category", "lon", "lat"]
    require(source, cols, roles)
    schema = source.collect_schema()
    if cols["crs"] in schema:
        roles.append("crs")
    tid = cols["ticket_id"]
    base = collect(one_per_ticket(source, cols, [cols[r] for r in roles], anonymous=False))
    lon = _series(base, cols["lon"]).cast(nw.Float64).to_numpy().astype(float)
    lat = _series(base, cols["lat"]).cast(nw.Float64).to_numpy().astype(float)
    if "crs" in roles:
        lon, lat = _to_wgs84(
            lon, lat, column(base.with_columns(_series(base, cols["crs"])), cols["crs"])
        )
    ids = np.asarray(_series(base, tid).cast(nw.String).to_list(), dtype=object)
    at = base[cols["received_at"]].dt.replace_time_zone(None).to_numpy().astype("datetime64[us]")
    found = _suggest(
        ids,
        category=_codes(
            column(base.with_columns(_series(base, cols["category"])), cols["category"])
        ),
        at=at,
        lon=lon,
        lat=lat,
        radius_m=float(radius_m),
        window_us=int(dt.timedelta(days=window_days) / dt.timedelta(microseconds=1)),
    )
    return _attach(frame, source, tid, schema[tid], found)


def _to_wgs84(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], crs: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Points of every system as WGS-84 (a blank system is WGS-84, as in the ticket reader)."""
    from jiesu.routing import convert_many  # noqa: PLC0415 - only for a table with a crs column

    systems = np.asarray([str(c) if c is not None else "WGS84" for c in crs.tolist()], dtype=object)
    lon, lat = lon.copy(), lat.copy()
    for system in sorted(set(systems.tolist()) - {"WGS84", "CGCS2000"}):
        rows = np.flatnonzero(systems == system)
        lon[rows], lat[rows] = convert_many(lon[rows], lat[rows], source=system, target="WGS84")
    return lon, lat


def _series(frame: Any, name: str) -> Any:  # noqa: ANN401 - narwhals frame and series
    """A column, typed as text where it holds only nulls (an all-null column has no type)."""
    series = frame[name]
    return series.cast(nw.String) if series.dtype == nw.Unknown else series


def _hash(*parts: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """One 64-bit key per row from integer parts (a collision only adds a pair the exact test drops)."""
    out = np.zeros(len(parts[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for part, mix in zip(parts, _MIX, strict=False):
            out = (out ^ part.astype(np.uint64)) * mix
            out ^= out >> np.uint64(29)
    return out


def _suggest(
    ids: npt.NDArray[Any],
    *,
    category: npt.NDArray[np.int64],
    at: npt.NDArray[Any],
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    radius_m: float,
    window_us: int,
) -> dict[str, npt.NDArray[Any]]:
    """Each ticket's original, distance and duplicate count, over whole arrays."""
    n = len(ids)
    valid = (ids != None) & (category >= 0) & ~np.isnat(at) & np.isfinite(lon) & np.isfinite(lat)  # noqa: E711 - elementwise
    rows = np.flatnonzero(valid)
    t = at[rows].astype(np.int64)
    text = ids[rows].astype(str)
    rank = np.empty(len(rows), dtype=np.int64)
    rank[np.lexsort((text, t))] = np.arange(len(rows))
    x, y, k = lon[rows], lat[rows], category[rows]
    cell_lat = radius_m / (EARTH_RADIUS_M * _RAD)
    widest = float(np.cos(np.max(np.abs(y)) * _RAD)) if len(rows) else 1.0
    cell_lon = cell_lat / max(widest, 1e-6)
    cx = np.floor(x / cell_lon).astype(np.int64)
    cy = np.floor(y / cell_lat).astype(np.int64)
    ct = t // max(window_us, 1)
    a, b = _pairs(k, cx, cy, ct)
    gap = t[b] - t[a]
    dlat = (y[b] - y[a]) * _RAD
    dlon = (x[b] - x[a]) * _RAD * np.cos((y[a] + y[b]) * (_RAD / 2))
    dist = np.sqrt(dlat * dlat + dlon * dlon) * EARTH_RADIUS_M
    keep = (rank[a] < rank[b]) & (k[a] == k[b]) & (gap <= window_us) & (dist <= radius_m)
    a, b, dist = a[keep], b[keep], dist[keep]
    original = _settle(len(rows), a, b, rank)
    duplicate_of = np.full(n, None, dtype=object)
    distance = np.full(n, np.nan)
    count = np.zeros(n, dtype=np.int64)
    member = original >= 0
    # a member's original is its earliest anchor neighbour: the pair (original, member) is among a, b
    best = np.full(len(rows), np.inf)
    chosen = member[b] & (a == original[b])
    np.minimum.at(best, b[chosen], dist[chosen])
    duplicate_of[rows[member]] = ids[rows[original[member]]]
    distance[rows[member]] = best[member]
    count[rows] = np.bincount(original[member], minlength=len(rows))
    return {"ids": ids, "duplicate_of": duplicate_of, "distance": distance, "count": count}


def _pairs(
    k: npt.NDArray[np.int64],
    cx: npt.NDArray[np.int64],
    cy: npt.NDArray[np.int64],
    ct: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Candidate pairs ``(a, b)``: ``a`` in one of the 3 × 3 cells around ``b``, this window or the one before."""
    keys = _hash(k, cx, cy, ct)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    later: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    earlier: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    owners = np.arange(len(k))
    for dx, dy, dt_ in itertools.product((-1, 0, 1), (-1, 0, 1), (-1, 0)):
        probe = _hash(k, cx + dx, cy + dy, ct + dt_)
        lo = np.searchsorted(sorted_keys, probe, side="left")
        counts = np.searchsorted(sorted_keys, probe, side="right") - lo
        total = int(counts.sum())
        starts = np.repeat(lo, counts)
        step = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        later.append(np.repeat(owners, counts))
        earlier.append(order[starts + step])
    return np.concatenate(earlier), np.concatenate(later)


def _settle(
    n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], rank: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Each ticket's original (``-1`` for an original), as the pass in time order would choose.

    In time order a ticket joins the earliest earlier original among its neighbours, else it is an
    original. Whole-array passes settle a ticket once its earliest original neighbour precedes every
    earlier neighbour still unsettled (which might yet become an earlier original), or once all are
    settled; each pass settles at least the earliest unsettled ticket, so the passes end.
    """
    unknown, anchor, member = 0, 1, 2
    state = np.full(n, unknown, dtype=np.int8)
    original = np.full(n, -1, dtype=np.int64)
    state[np.bincount(b, minlength=n) == 0] = anchor
    big = np.iinfo(np.int64).max
    by_rank = np.argsort(rank)
    while (state == unknown).any():
        pending = state[b] == unknown
        # the earliest anchor among each ticket's earlier neighbours
        first = np.full(n, big, dtype=np.int64)
        hit = pending & (state[a] == anchor)
        np.minimum.at(first, b[hit], rank[a[hit]])
        # the earliest still-unsettled earlier neighbour: it might yet become an earlier original
        waiting = np.full(n, big, dtype=np.int64)
        open_ = pending & (state[a] == unknown)
        np.minimum.at(waiting, b[open_], rank[a[open_]])
        joined = (state == unknown) & (first < waiting)
        alone = (state == unknown) & (first == big) & (waiting == big)
        state[joined] = member
        state[alone] = anchor
        original[joined] = by_rank[first[joined]]
    return original


def _attach(
    frame: Any,  # noqa: ANN401 - the caller's frame
    source: Any,  # noqa: ANN401 - its narwhals frame
    tid: str,
    dtype: Any,  # noqa: ANN401 - a narwhals dtype
    found: Mapping[str, npt.NDArray[Any]],
) -> Any:  # noqa: ANN401 - the caller's kind of frame
    """The suggestion columns of each source row, joined on the ticket id."""
    import pyarrow as pa  # noqa: PLC0415 - the way back goes through Arrow

    ids = found["ids"]
    named = ids != None  # noqa: E711 - an elementwise test for None
    count = found["count"]
    table = pa.table(
        {
            tid: pa.array(ids[named].tolist(), pa.string()),
            "duplicate_of": pa.array(found["duplicate_of"][named].tolist(), pa.string()),
            "duplicate_distance_m": pa.array(
                found["distance"][named], pa.float64(), mask=np.isnan(found["distance"][named])
            ),
            "duplicate_count": pa.array(count[named], pa.int64(), mask=count[named] == 0),
        }
    )
    eager = not is_lazy(source)
    if dtype == nw.Unknown:  # a column of nulls names no ticket: nothing to join
        out = source.with_columns(
            nw.lit(None, nw.String).alias("duplicate_of"),
            nw.lit(None, nw.Float64).alias("duplicate_distance_m"),
            nw.lit(None, nw.Int64).alias("duplicate_count"),
        )
    else:
        right = nw.from_native(like(frame, table)).with_columns(nw.col(tid).cast(dtype))
        left = source.with_row_index("_order") if eager else source
        out = left.join(right, on=tid, how="left")
        if eager:  # the caller's row order, whatever the join did
            out = out.sort("_order").drop("_order")
    native = out.to_native()
    if source.implementation.is_pandas():
        native = native.reset_index(drop=True).astype(
            {
                "duplicate_of": "string",
                "duplicate_distance_m": "Float64",
                "duplicate_count": "Int64",
            }
        )
    return native
