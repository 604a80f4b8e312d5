"""Benchmark jiesu.routing point location and coordinate conversion against shapely 2.

Territory: 300 areas on a jittered 15 x 20 lattice whose shared edges are wiggled polylines (each edge drawn
once and used by both neighbours), with 48 or 500 vertices per polygon. Points: 1M, 15 % of them in a band
outside the territory (the nearest-area path).

Peers (one process, same data):
* shapely ``STRtree.query(points, predicate="within")``;
* prepared polygons with ``shapely.contains_xy`` per polygon over the points in its bounding box (the
  strongest plain-shapely way);
* nearest area for the outside points: ``STRtree.query_nearest`` over the polygons in the same local metric
  projection jiesu documents (distances in metres), ``all_matches=True``.

Labels are compared on every point: containment against shapely's, nearest against ``query_nearest`` (a tie
counts as right when jiesu names the same set of areas). Run with ``--quick`` for small sizes.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a calendar.py that would shadow the standard library's calendar module (imported
# on the way by jiesu): move the folder to the end of sys.path before importing anything else.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

import argparse  # noqa: E402 - after the sys.path fix above
import functools  # noqa: E402 - after the sys.path fix above
import math  # noqa: E402 - after the sys.path fix above
import time  # noqa: E402 - after the sys.path fix above
from typing import TYPE_CHECKING  # noqa: E402 - after the sys.path fix above

import numpy as np  # noqa: E402 - after the sys.path fix above
import shapely  # noqa: E402 - after the sys.path fix

from _common import measure, mib, print_table  # noqa: E402 - after the sys.path fix above
from jiesu.routing import Area, Territory, convert_many  # noqa: E402 - after the sys.path fix above

if TYPE_CHECKING:
    from numpy.typing import NDArray

LON0, LAT0, STEP = 116.20, 39.80, 0.02


def lattice(rows: int, cols: int, vertices: int, seed: int = 7) -> list[shapely.Polygon]:
    """Polygons of a jittered lattice with shared wiggled edges, ``vertices`` coordinates each."""
    rng = np.random.default_rng(seed)
    k = max((vertices - 4) // 4, 0)
    jit = rng.uniform(-0.15, 0.15, size=(rows + 1, cols + 1, 2)) * STEP
    gx = LON0 + np.arange(cols + 1)[None, :] * STEP + jit[:, :, 0]
    gy = LAT0 + np.arange(rows + 1)[:, None] * STEP + jit[:, :, 1]
    t = np.arange(1, k + 1) / (k + 1)
    env = np.sin(np.pi * t)

    def edge(p: tuple[float, float], q: tuple[float, float]) -> NDArray[np.float64]:
        d = np.array(q) - np.array(p)
        n = np.array([-d[1], d[0]])
        off = rng.uniform(-0.08, 0.08, size=k) * env
        out: NDArray[np.float64] = np.array(p) + t[:, None] * d + off[:, None] * n
        return out

    h = {
        (r, c): edge((gx[r, c], gy[r, c]), (gx[r, c + 1], gy[r, c + 1]))
        for r in range(rows + 1)
        for c in range(cols)
    }
    v = {
        (r, c): edge((gx[r, c], gy[r, c]), (gx[r + 1, c], gy[r + 1, c]))
        for r in range(rows)
        for c in range(cols + 1)
    }
    polys = []
    for r in range(rows):
        for c in range(cols):
            ring = [
                [(gx[r, c], gy[r, c])],
                h[r, c],
                [(gx[r, c + 1], gy[r, c + 1])],
                v[r, c + 1],
                [(gx[r + 1, c + 1], gy[r + 1, c + 1])],
                h[r + 1, c][::-1],
                [(gx[r + 1, c], gy[r + 1, c])],
                v[r, c][::-1],
            ]
            polys.append(shapely.Polygon(np.concatenate([np.asarray(p) for p in ring])))
    return polys


def points(
    n: int, rows: int, cols: int, outside: float = 0.15, seed: int = 11
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """``n`` points, a share ``outside`` of them in a band up to 0.5 steps outside the lattice."""
    rng = np.random.default_rng(seed)
    n_out = int(n * outside)
    x0, x1 = LON0 + 0.2 * STEP, LON0 + (cols - 0.2) * STEP
    y0, y1 = LAT0 + 0.2 * STEP, LAT0 + (rows - 0.2) * STEP
    xi = rng.uniform(x0, x1, n - n_out)
    yi = rng.uniform(y0, y1, n - n_out)
    side = rng.integers(0, 4, n_out)
    depth = rng.uniform(0.2, 0.5, n_out) * STEP
    along_x = rng.uniform(LON0 - 0.5 * STEP, LON0 + (cols + 0.5) * STEP, n_out)
    along_y = rng.uniform(LAT0 - 0.5 * STEP, LAT0 + (rows + 0.5) * STEP, n_out)
    xo = np.select(
        [side == 0, side == 1],
        [LON0 - 0.15 * STEP - depth, LON0 + (cols + 0.15) * STEP + depth],
        along_x,
    )
    yo = np.select(
        [side == 2, side == 3],
        [LAT0 - 0.15 * STEP - depth, LAT0 + (rows + 0.15) * STEP + depth],
        along_y,
    )
    is_out = np.r_[np.zeros(n - n_out, bool), np.ones(n_out, bool)]
    return np.r_[xi, xo], np.r_[yi, yo], is_out


def prepared_contains(
    polys: NDArray[np.object_], x: NDArray[np.float64], y: NDArray[np.float64]
) -> NDArray[np.int64]:
    """The strongest plain-shapely labelling: prepared polygons, contains_xy on bbox candidates."""
    out = np.full(len(x), -1, dtype=np.int64)
    bounds = shapely.bounds(polys)
    for i, geom in enumerate(polys):
        sel = np.flatnonzero(
            (x >= bounds[i, 0]) & (x <= bounds[i, 2]) & (y >= bounds[i, 1]) & (y <= bounds[i, 3])
        )
        out[sel[shapely.contains_xy(geom, x[sel], y[sel])]] = i
    return out


def strtree_within(
    tree: shapely.STRtree, x: NDArray[np.float64], y: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Label points with ``STRtree.query(points, predicate="within")``."""
    out = np.full(len(x), -1, dtype=np.int64)
    pi, ai = tree.query(shapely.points(x, y), predicate="within")
    out[pi] = ai
    return out


def _territory(polys: NDArray[np.object_], max_distance_m: float) -> Territory:
    areas = [Area(f"A{i:03d}", f"A{i:03d}", "street", g) for i, g in enumerate(polys)]
    return Territory(areas=areas, max_distance_m=max_distance_m)


def _index_of(ids: NDArray[np.object_]) -> NDArray[np.int64]:
    """Area ids ``A012`` back to polygon indices (-1 for None)."""
    return np.array([-1 if a is None else int(a[1:]) for a in ids], dtype=np.int64)


def contains_rows(
    polys: NDArray[np.object_], x: NDArray[np.float64], y: NDArray[np.float64], vertices: int
) -> list[list[str]]:
    """Containment: shapely peers against jiesu (no nearest search: max distance 0)."""
    territory = _territory(polys, 0.0)
    start = time.perf_counter()
    territory.locate_many(x[:10], y[:10])
    build = time.perf_counter() - start
    shapely.prepare(polys)
    tree = shapely.STRtree(polys)
    truth, t_prep, m_prep = measure(lambda: prepared_contains(polys, x, y))
    within, t_within, m_within = measure(lambda: strtree_within(tree, x, y))
    res, t_jiesu, m_jiesu = measure(lambda: territory.locate_many(x, y))
    got = _index_of(res.area_id)
    wrong = int((got != truth).sum()) + int(((res.status_code != 3) != (truth >= 0)).sum())
    limit = 1 / 3 if vertices <= 48 else 1.0
    v = str(vertices)
    return [
        [v, "locate (contains)", "shapely STRtree.query(within)", f"{t_within:.3f}",
         f"{t_within / t_prep:.2f}", str(int((within != truth).sum())), mib(m_within)],
        [v, "locate (contains)", "shapely prepared contains_xy", f"{t_prep:.3f}", "1.00",
         "0 (reference)", mib(m_prep)],
        [v, "locate (contains)", f"jiesu locate_many (index build {build:.2f} s)",
         f"{t_jiesu:.3f}", f"{t_jiesu / t_prep:.2f} (limit {limit:.2f})", str(wrong), mib(m_jiesu)],
    ]  # fmt: skip


def nearest_rows(
    polys: NDArray[np.object_], x: NDArray[np.float64], y: NDArray[np.float64], vertices: int
) -> list[list[str]]:
    """Nearest area for outside points, distances in metres in jiesu's documented projection."""
    near = _territory(polys, math.inf)
    near.locate_many(x[:10], y[:10])
    proj = near._index("street", 0.0, math.inf).proj  # noqa: SLF001 - same projection for the peer
    tree_m = shapely.STRtree(shapely.transform(polys, proj.coords))
    pts_m = shapely.points(*proj.forward(x, y))
    (pi, ai), t_near, m_near = measure(lambda: tree_m.query_nearest(pts_m, all_matches=True))
    res, t_jn, m_jn = measure(lambda: near.locate_many(x, y))
    counts = np.bincount(pi, minlength=len(x))
    first = np.r_[True, pi[1:] != pi[:-1]]
    peer = np.full(len(x), -1)
    peer[pi[first]] = ai[first]
    got, other = _index_of(res.area_id), _index_of(res.other_id)
    single = counts == 1
    wrong = int((got[single] != peer[single]).sum()) + int((res.status_code[single] != 2).sum())
    tie = counts == 2
    wrong += int((res.status_code[tie] != 1).sum()) + int((counts > 2).sum())
    pairs = {(int(p), int(a)) for p, a in zip(pi, ai, strict=True) if counts[p] == 2}
    wrong += sum(
        (int(p), int(got[p])) not in pairs or (int(p), int(other[p])) not in pairs
        for p in np.flatnonzero(tie)
    )
    v, task = str(vertices), f"nearest ({len(x)} outside)"
    return [
        [v, task, "shapely STRtree.query_nearest", f"{t_near:.3f}", "1.00", "0 (reference)",
         mib(m_near)],
        [v, task, "jiesu locate_many", f"{t_jn:.3f}", f"{t_jn / t_near:.2f} (limit 1.00)",
         str(wrong), mib(m_jn)],
    ]  # fmt: skip


def all_paths_row(
    polys: NDArray[np.object_], x: NDArray[np.float64], y: NDArray[np.float64], vertices: int
) -> list[str]:
    """Every path at once: containment plus nearest search for the outside points."""
    near = _territory(polys, math.inf)
    near.locate_many(x[:10], y[:10])
    _, t_all, m_all = measure(lambda: near.locate_many(x, y), repeat=1)
    return [str(vertices), "locate, all paths", "jiesu locate_many (max distance inf)",
            f"{t_all:.3f}", "", "", mib(m_all)]  # fmt: skip


def convert_rows(x: NDArray[np.float64], y: NDArray[np.float64]) -> list[list[str]]:
    """Coordinate conversion of every point, forward and iterative inverse."""
    rows = []
    for source, target, label in [
        ("WGS84", "GCJ02", "WGS84 -> GCJ02"),
        ("GCJ02", "WGS84", "GCJ02 -> WGS84 (iterative)"),
        ("BD09", "WGS84", "BD09 -> WGS84 (iterative)"),
    ]:
        job = functools.partial(convert_many, x, y, source=source, target=target)
        _, secs, mem = measure(job)
        rows.append(
            ["-", f"convert_many ({len(x)} points)", label, f"{secs:.3f}", "", "", mib(mem)]
        )
    return rows


def run(rows: int, cols: int, n: int, vertex_counts: list[int]) -> None:
    """Run every case and print the table."""
    table: list[list[str]] = []
    x, y, is_out = points(n, rows, cols)
    for vertices in vertex_counts:
        polys = np.array(lattice(rows, cols, vertices), dtype=object)
        if not shapely.is_valid(polys).all():
            msg = "the generated lattice has invalid polygons"
            raise SystemExit(msg)
        table += contains_rows(polys, x, y, vertices)
        table += nearest_rows(polys, x[is_out], y[is_out], vertices)
        table.append(all_paths_row(polys, x, y, vertices))
    table += convert_rows(x, y)
    print_table(
        f"jiesu.routing: {n} points over {rows * cols} areas (best of 3, seconds)",
        [
            "vertices",
            "task",
            "implementation",
            "seconds",
            "ratio to peer (limit)",
            "wrong",
            "peak MiB",
        ],
        table,
    )


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    args = parser.parse_args()
    if args.quick:
        run(4, 5, 20_000, [12, 48])
    else:
        run(15, 20, 1_000_000, [48, 500])


if __name__ == "__main__":
    main()
