"""The fast point index behind :meth:`jiesu.routing.Territory.locate_many` (private).

Two grids over the territory's bounding box (expanded by a margin):

* a fine *containment raster* in the territory's own coordinates. Every cell is *interior* (one area covers
  it wholly and no boundary lies within the border tolerance), *exterior* (no area covers it and no boundary
  is within the tolerance) or *edge*. Edge cells keep the short list of areas that may cover their points;
  only points in edge cells get an exact shapely ``intersects_xy`` test, against those areas only.
* a coarse *segment grid* in a local metric projection. Each cell keeps every boundary segment that can be
  the nearest one to a point in the cell (or lie within the tolerance of it); distances from points to
  segments are then computed in numpy with the same formula GEOS uses.

Interior/exterior cells are found without testing each cell: cells near a boundary are marked from the
boundary segments themselves, and every horizontal run of unmarked cells lies wholly in one set of areas, so
one exact test per run labels it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import numpy as np
import shapely

if TYPE_CHECKING:
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]
    IntArray = NDArray[np.int64]

EARTH_M_PER_DEG: Final = 6_371_008.8 * math.pi / 180.0

INSIDE: Final = 0
AMBIGUOUS: Final = 1
NEAREST: Final = 2
REFUSED: Final = 3

_INTERIOR: Final = 0
_EDGE: Final = 1
_EXTERIOR: Final = 2
_CHUNK_PAIRS: Final = 1_000_000
_FAR_CELLS: Final = 8
# The segment grid has about one cell per boundary segment, within these bounds (tuned on the benchmark).
_MIN_COARSE: Final = 4096
_MAX_COARSE: Final = 40_000


class Projection:
    """A local equirectangular projection to metres centred on the territory.

    ``x = (lon - lon0) * k * cos(lat0)``, ``y = (lat - lat0) * k`` with ``k`` metres per degree on the
    mean sphere. Within 50 km of the centre it errs by less than 0.5 % at Chinese latitudes.
    """

    def __init__(self, lon0: float, lat0: float) -> None:
        """Centre the projection at ``(lon0, lat0)``."""
        self.lon0 = lon0
        self.lat0 = lat0
        self.kx = EARTH_M_PER_DEG * math.cos(math.radians(lat0))
        self.ky = EARTH_M_PER_DEG

    def forward(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Project degrees to metres."""
        return (x - self.lon0) * self.kx, (y - self.lat0) * self.ky

    def coords(self, xy: FloatArray) -> FloatArray:
        """Project an ``(n, 2)`` coordinate array (for :func:`shapely.transform`)."""
        out = np.empty_like(xy)
        out[:, 0], out[:, 1] = self.forward(xy[:, 0], xy[:, 1])
        return out


def _segments(geoms: NDArray[np.object_]) -> tuple[FloatArray, FloatArray, IntArray]:
    """Every ring segment of the polygons: start ``(n, 2)``, end ``(n, 2)`` and the polygon index."""
    parts, part_idx = shapely.get_parts(geoms, return_index=True)
    rings, ring_idx = shapely.get_rings(parts, return_index=True)
    coords, c_idx = shapely.get_coordinates(rings, return_index=True)
    same = c_idx[1:] == c_idx[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    area = part_idx[ring_idx[c_idx[:-1][same]]].astype(np.int64)
    keep = (a[:, 0] != b[:, 0]) | (a[:, 1] != b[:, 1])
    return a[keep], b[keep], area[keep]


def _ranges(start: IntArray, count: IntArray) -> tuple[IntArray, IntArray]:
    """For rows with ``count`` items from ``start``: the row of each item and the item's position."""
    total = int(count.sum())
    row = np.repeat(np.arange(len(count)), count)
    offsets = np.cumsum(count) - count
    pos = np.arange(total) - np.repeat(offsets, count) + np.repeat(start, count)
    return row, pos


def _csr(keys: IntArray, values: IntArray, n: int) -> tuple[IntArray, IntArray, IntArray]:
    """Group unique ``(key, value)`` pairs into CSR arrays: start, count per key and the values."""
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
    keys, values = keys[first], values[first]
    count = np.bincount(keys, minlength=n).astype(np.int64)
    start = np.cumsum(count) - count
    return start, count, values


def point_segment_distance(
    px: FloatArray, py: FloatArray, a: FloatArray, b: FloatArray
) -> FloatArray:
    """Distance from points to segments, with GEOS's formula (so equal vertices give equal distances)."""
    ax, ay, bx, by = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    r = ((px - ax) * dx + (py - ay) * dy) / len2
    s = ((ay - py) * dx - (ax - px) * dy) / len2
    perp = np.abs(s) * np.sqrt(len2)
    ex = np.where(r <= 0.0, px - ax, px - bx)
    ey = np.where(r <= 0.0, py - ay, py - by)
    end = np.sqrt(ex * ex + ey * ey)
    out: FloatArray = np.where((r <= 0.0) | (r >= 1.0), end, perp)
    return out


class LevelIndex:
    """Containment raster plus segment grid for the areas of one level."""

    def __init__(
        self,
        geoms: NDArray[np.object_],
        proj: Projection,
        *,
        tolerance_m: float,
        max_distance_m: float,
        cells: int,
    ) -> None:
        """Build the index for ``geoms`` (polygons in the territory's coordinates)."""
        self.geoms = geoms
        self.n = len(geoms)
        self.proj = proj
        self.tol = tolerance_m
        self.max_d = max_distance_m
        shapely.prepare(geoms)
        self.tree = shapely.STRtree(geoms)
        self.geoms_m = shapely.transform(geoms, proj.coords)
        self.tree_m = shapely.STRtree(self.geoms_m)
        seg_a, seg_b, seg_area = _segments(geoms)
        self.seg_area = seg_area
        self.seg_am = proj.coords(seg_a)
        self.seg_bm = proj.coords(seg_b)
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        extent_m = max((maxx - minx) * proj.kx, (maxy - miny) * proj.ky, 1.0)
        margin_m = min(max_distance_m, 0.25 * extent_m) + tolerance_m + 1.0
        self.margin_m = margin_m
        self.x0 = minx - margin_m / proj.kx
        self.y0 = miny - margin_m / proj.ky
        width_m = (maxx - minx) * proj.kx + 2 * margin_m
        height_m = (maxy - miny) * proj.ky + 2 * margin_m
        cell_m = max(math.sqrt(width_m * height_m / cells), tolerance_m / 2.0, 1e-3)
        self.sx, self.sy = cell_m / proj.kx, cell_m / proj.ky
        self.nx = max(1, math.ceil(width_m / cell_m))
        self.ny = max(1, math.ceil(height_m / cell_m))
        self._build_raster(seg_a, seg_b, seg_area)
        coarse_cells = min(max(len(seg_area), _MIN_COARSE), _MAX_COARSE)
        coarse_m = max(math.sqrt(width_m * height_m / coarse_cells), cell_m)
        self._build_segment_grid(width_m, height_m, coarse_m)

    # -- building ------------------------------------------------------------------------------------

    def _build_raster(self, seg_a: FloatArray, seg_b: FloatArray, seg_area: IntArray) -> None:
        nx, ny = self.nx, self.ny
        ncell = nx * ny
        # Cut each segment into pieces no longer than a cell; mark the cells of each piece's box,
        # grown by the tolerance and a small rounding margin.
        span = np.maximum(
            np.abs(seg_b[:, 0] - seg_a[:, 0]) / self.sx, np.abs(seg_b[:, 1] - seg_a[:, 1]) / self.sy
        )
        pieces = np.maximum(np.ceil(span), 1).astype(np.int64)
        seg, k = _ranges(np.zeros(len(pieces), np.int64), pieces)
        t0 = (k / pieces[seg])[:, None]
        t1 = ((k + 1) / pieces[seg])[:, None]
        p0 = seg_a[seg] + t0 * (seg_b[seg] - seg_a[seg])
        p1 = seg_a[seg] + t1 * (seg_b[seg] - seg_a[seg])
        p1[k + 1 == pieces[seg]] = seg_b[seg][k + 1 == pieces[seg]]
        gx = self.tol / self.proj.kx + 1e-6 * self.sx
        gy = self.tol / self.proj.ky + 1e-6 * self.sy
        ix0 = np.clip(
            np.floor((np.minimum(p0[:, 0], p1[:, 0]) - gx - self.x0) / self.sx), 0, nx - 1
        )
        ix1 = np.clip(
            np.floor((np.maximum(p0[:, 0], p1[:, 0]) + gx - self.x0) / self.sx), 0, nx - 1
        )
        iy0 = np.clip(
            np.floor((np.minimum(p0[:, 1], p1[:, 1]) - gy - self.y0) / self.sy), 0, ny - 1
        )
        iy1 = np.clip(
            np.floor((np.maximum(p0[:, 1], p1[:, 1]) + gy - self.y0) / self.sy), 0, ny - 1
        )
        ix0, ix1, iy0, iy1 = (v.astype(np.int64) for v in (ix0, ix1, iy0, iy1))
        wx = ix1 - ix0 + 1
        per = wx * (iy1 - iy0 + 1)
        piece, pos = _ranges(np.zeros(len(per), np.int64), per)
        cx = ix0[piece] + pos % wx[piece]
        cy = iy0[piece] + pos // wx[piece]
        cell = cy * nx + cx
        area = seg_area[seg[piece]]
        edge = np.zeros(ncell, dtype=bool)
        edge[cell] = True
        self._label_runs(edge, cell, area)

    def _label_runs(self, edge: NDArray[np.bool_], cell: IntArray, area: IntArray) -> None:
        """Classify cells: interior/exterior runs by one exact test each; edge cells' candidates."""
        nx = self.nx
        ncell = len(edge)
        # Areas covering the centre of each edge cell (an area may hold a cell wholly inside an overlap).
        ecells = np.flatnonzero(edge)
        pt_i, poly_i = self._covering(*self._centres(ecells))
        keys = np.concatenate([cell, ecells[pt_i]])
        vals = np.concatenate([area, poly_i])
        # Runs of unmarked cells along each row share one covering set: test one centre per run.
        flat_col = np.arange(ncell) % nx
        free = ~edge
        prev_edge = np.r_[True, edge[:-1]]
        starts = free & ((flat_col == 0) | prev_edge)
        run_id = np.cumsum(starts) - 1
        start_cells = np.flatnonzero(starts)
        r_pt, r_poly = self._covering(*self._centres(start_cells))
        n_cover = np.bincount(r_pt, minlength=len(start_cells))
        label_run = np.full(len(start_cells), -1, dtype=np.int64)
        one = n_cover[r_pt] == 1
        label_run[r_pt[one]] = r_poly[one]
        kind = np.full(ncell, _EDGE, dtype=np.int8)
        label = np.full(ncell, -1, dtype=np.int32)
        free_cells = np.flatnonzero(free)
        free_run = run_id[free_cells]
        run_label = label_run[free_run]
        run_cover = n_cover[free_run]
        kind[free_cells] = np.where(
            run_cover == 0, _EXTERIOR, np.where(run_cover == 1, _INTERIOR, _EDGE)
        )
        label[free_cells] = run_label
        # Cells of runs covered by several (overlapping) areas become edge cells naming them all.
        multi = free_cells[run_cover > 1]
        if len(multi):
            m_run = run_id[multi]
            by_run = np.flatnonzero(n_cover[r_pt] > 1)
            order = np.argsort(r_pt[by_run], kind="stable")
            run_of_pair = r_pt[by_run][order]
            poly_of_pair = r_poly[by_run][order]
            first = np.searchsorted(run_of_pair, m_run)
            row, pos = _ranges(first, n_cover[m_run])
            keys = np.concatenate([keys, multi[row]])
            vals = np.concatenate([vals, poly_of_pair[pos]])
        self.kind = kind
        self.label = label
        self.cand_start, self.cand_count, self.cand = _csr(keys, vals, ncell)

    def _build_segment_grid(self, width_m: float, height_m: float, coarse_m: float) -> None:
        self.cm = coarse_m
        self.cnx = max(1, math.ceil(width_m / coarse_m))
        self.cny = max(1, math.ceil(height_m / coarse_m))
        self.cx0 = float((self.x0 - self.proj.lon0) * self.proj.kx)
        self.cy0 = float((self.y0 - self.proj.lat0) * self.proj.ky)
        n = self.cnx * self.cny
        ix = np.arange(n) % self.cnx
        iy = np.arange(n) // self.cnx
        bx0 = self.cx0 + ix * coarse_m
        by0 = self.cy0 + iy * coarse_m
        lines = shapely.linestrings(np.stack([self.seg_am, self.seg_bm], axis=1))
        tree = shapely.STRtree(lines)
        centres = shapely.points(bx0 + coarse_m / 2, by0 + coarse_m / 2)
        _, d0 = tree.query_nearest(centres, return_distance=True, all_matches=False)
        half = coarse_m * math.sqrt(2.0) / 2.0
        radius = np.maximum(d0 + half, self.tol)
        # Cells wholly farther than both limits from every boundary need no segments; cells many cells
        # away from every boundary would need long lists, so their points use shapely's exact search.
        gap = d0 - half
        beyond = gap > max(self.max_d, self.tol)
        self.seg_far = ~beyond & (gap > max(_FAR_CELLS * coarse_m, self.tol))
        use = np.flatnonzero(~beyond & ~self.seg_far)
        # Envelope overlap with the box grown by the radius: a superset of the segments within reach.
        r = radius[use]
        grown = shapely.box(
            bx0[use] - r, by0[use] - r, bx0[use] + coarse_m + r, by0[use] + coarse_m + r
        )
        cell_i, seg_i = tree.query(grown)
        # Keep the segments whose exact distance from the cell's centre is within the radius plus the
        # half-diagonal (a point of the cell is at most that much closer), dropping the envelope's corners.
        cx = bx0[use][cell_i] + coarse_m / 2
        cy = by0[use][cell_i] + coarse_m / 2
        d = point_segment_distance(cx, cy, self.seg_am[seg_i], self.seg_bm[seg_i])
        keep = d <= r[cell_i] + half
        self.seg_start, self.seg_count, self.seg_list = _csr(use[cell_i[keep]], seg_i[keep], n)

    def _centres(self, cells: IntArray) -> tuple[FloatArray, FloatArray]:
        return (
            self.x0 + (cells % self.nx + 0.5) * self.sx,
            self.y0 + (cells // self.nx + 0.5) * self.sy,
        )

    def _covering(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, IntArray]:
        # Bounding-box candidates from the tree, then exact tests on the prepared polygons.
        pt_i, poly_i = self.tree.query(shapely.points(x, y))
        hit = shapely.intersects_xy(self.geoms[poly_i], x[pt_i], y[pt_i])
        order = np.lexsort((poly_i[hit], pt_i[hit]))
        return pt_i[hit][order].astype(np.int64), poly_i[hit][order].astype(np.int64)

    # -- querying ------------------------------------------------------------------------------------

    def locate(self, x: FloatArray, y: FloatArray, *, tie_first: bool) -> Located:
        """Locate points (territory coordinates): status, area, other area, distance in metres."""
        out = Located(len(x))
        finite = np.isfinite(x) & np.isfinite(y)
        fx = np.floor((x - self.x0) / self.sx)
        fy = np.floor((y - self.y0) / self.sy)
        in_grid = finite & (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        gi = np.flatnonzero(in_grid)
        cell = fy[gi].astype(np.int64) * self.nx + fx[gi].astype(np.int64)
        kind = self.kind[cell]
        inner = kind == _INTERIOR
        out.put(gi[inner], INSIDE, self.label[cell[inner]], 0.0)
        outside = [gi[kind == _EXTERIOR]]
        eg = kind == _EDGE
        if eg.any():
            outside.append(self._edge(gi[eg], cell[eg], x, y, out))
        pts = np.concatenate(outside)
        if len(pts) and self.max_d > 0.0:
            far_cell = self.seg_far[self._coarse_cell(*self.proj.forward(x[pts], y[pts]))]
            exact = pts[far_cell]
            pts = pts[~far_cell]
            near = self._nearest_two(pts, x, y, np.full(len(pts), -1, dtype=np.int64))
            self._settle(pts, near, out, tie_first=tie_first)
            self._settle(exact, self._far(exact, x, y), out, tie_first=tie_first)
        far = np.flatnonzero(finite & ~in_grid)
        # Points beyond the grid are farther than the margin from every area: refused unless the
        # maximum distance reaches past the margin.
        if len(far) and self.max_d >= self.margin_m:
            self._settle(far, self._far(far, x, y), out, tie_first=tie_first)
        return out

    def _edge(
        self, pts: IntArray, cell: IntArray, x: FloatArray, y: FloatArray, out: Located
    ) -> IntArray:
        """Exact tests for points in edge cells; returns the points that no area covers."""
        row, pos = _ranges(self.cand_start[cell], self.cand_count[cell])
        poly = self.cand[pos]
        hit: NDArray[np.bool_] = shapely.intersects_xy(self.geoms[poly], x[pts[row]], y[pts[row]])
        n_hit = np.bincount(row[hit], minlength=len(pts))
        a1, a2 = _first_two(row[hit], poly[hit], len(pts))
        many = n_hit > 1
        out.put(pts[many], AMBIGUOUS, a1[many], 0.0)
        out.other[pts[many]] = a2[many]
        single = n_hit == 1
        out.put(pts[single], INSIDE, a1[single], 0.0)
        if self.tol > 0.0 and single.any():
            sp = pts[single]
            near = self._nearest_two(sp, x, y, a1[single])
            close = near.d1 <= self.tol
            out.status[sp[close]] = AMBIGUOUS
            out.other[sp[close]] = near.a1[close]
        uncovered: IntArray = pts[n_hit == 0]
        return uncovered

    def _settle(self, pts: IntArray, near: Near, out: Located, *, tie_first: bool) -> None:
        ok = near.d1 <= self.max_d
        out.dist[pts] = np.where(ok, near.d1, np.inf)
        tie = ok & (near.d2 == near.d1)
        close = ok & (near.d2 <= self.tol)
        amb = (close & ~tie) if tie_first else (tie | close)
        out.status[pts[ok]] = NEAREST
        out.area[pts[ok]] = near.a1[ok]
        out.status[pts[amb]] = AMBIGUOUS
        out.other[pts[amb]] = near.a2[amb]

    def _far(self, pts: IntArray, x: FloatArray, y: FloatArray) -> Near:
        """Points far from every boundary: an exact shapely nearest search (all equidistant matches)."""
        px, py = self.proj.forward(x[pts], y[pts])
        geoms = shapely.points(px, py)
        (pi, ai), d = self.tree_m.query_nearest(geoms, return_distance=True, all_matches=True)
        order = np.lexsort((ai, pi))  # equidistant matches come in tree order: sort by area
        pi, ai, d = pi[order], ai[order], d[order]
        a1, a2 = _first_two(pi, ai.astype(np.int64), len(pts))
        d1 = np.full(len(pts), np.inf)
        d1[pi] = d
        return Near(a1, d1, a2, np.where(a2 >= 0, d1, np.inf))

    def _coarse_cell(self, px: FloatArray, py: FloatArray) -> IntArray:
        """The segment-grid cell of projected points (clipped to the grid)."""
        ci = np.clip(np.floor((px - self.cx0) / self.cm), 0, self.cnx - 1).astype(np.int64)
        cj = np.clip(np.floor((py - self.cy0) / self.cm), 0, self.cny - 1).astype(np.int64)
        out: IntArray = cj * self.cnx + ci
        return out

    def _nearest_two(self, pts: IntArray, x: FloatArray, y: FloatArray, exclude: IntArray) -> Near:
        """Nearest area (not ``exclude``) and the next nearest other area, with distances in metres."""
        px, py = self.proj.forward(x[pts], y[pts])
        cell = self._coarse_cell(px, py)
        count = self.seg_count[cell]
        near = Near(
            np.full(len(pts), -1, dtype=np.int64),
            np.full(len(pts), np.inf),
            np.full(len(pts), -1, dtype=np.int64),
            np.full(len(pts), np.inf),
        )
        cum = np.cumsum(count)
        lo = 0
        while lo < len(pts):
            hi = int(np.searchsorted(cum, cum[lo] - count[lo] + _CHUNK_PAIRS, side="right"))
            sl = slice(lo, max(hi, lo + 1))
            self._nearest_chunk(px[sl], py[sl], cell[sl], exclude[sl], near.view(sl))
            lo = sl.stop
        return near

    def _nearest_chunk(
        self, px: FloatArray, py: FloatArray, cell: IntArray, exclude: IntArray, near: Near
    ) -> None:
        count = self.seg_count[cell]
        has = np.flatnonzero(count > 0)
        row, pos = _ranges(self.seg_start[cell[has]], count[has])
        seg = self.seg_list[pos]
        sarea = self.seg_area[seg]
        d = point_segment_distance(px[has][row], py[has][row], self.seg_am[seg], self.seg_bm[seg])
        d[sarea == exclude[has][row]] = np.inf
        starts = np.cumsum(count[has]) - count[has]
        best, best_area = _block_argmin(d, sarea, row, starts)
        d = np.where(sarea == best_area[row], np.inf, d)
        nxt, nxt_area = _block_argmin(d, sarea, row, starts)
        near.d1[has], near.a1[has] = best, best_area
        near.d2[has], near.a2[has] = nxt, nxt_area


class Located:
    """The raw result arrays of :meth:`LevelIndex.locate` (status, area, other area, distance)."""

    def __init__(self, n: int) -> None:
        """Start with every point refused."""
        self.status = np.full(n, REFUSED, dtype=np.int8)
        self.area = np.full(n, -1, dtype=np.int64)
        self.other = np.full(n, -1, dtype=np.int64)
        self.dist = np.full(n, np.inf)

    def put(self, pts: IntArray, status: int, area: IntArray, dist: float) -> None:
        """Set status, area and distance of ``pts``."""
        self.status[pts] = status
        self.area[pts] = area
        self.dist[pts] = dist


class Near:
    """Nearest and next-nearest areas with distances, per point."""

    def __init__(self, a1: IntArray, d1: FloatArray, a2: IntArray, d2: FloatArray) -> None:
        """Hold the four arrays."""
        self.a1, self.d1, self.a2, self.d2 = a1, d1, a2, d2

    def view(self, sl: slice) -> Near:
        """A view on a slice of the points (writes go through)."""
        return Near(self.a1[sl], self.d1[sl], self.a2[sl], self.d2[sl])


def _first_two(row: IntArray, value: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """The first and second ``value`` of each row (``row`` sorted); -1 where missing."""
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    second = np.zeros(len(row), dtype=bool)
    second[1:] = ~first[1:] & first[:-1]
    a1 = np.full(n, -1, dtype=np.int64)
    a2 = np.full(n, -1, dtype=np.int64)
    a1[row[first]] = value[first]
    a2[row[second]] = value[second]
    return a1, a2


def _block_argmin(
    d: FloatArray, sarea: IntArray, row: IntArray, starts: IntArray
) -> tuple[FloatArray, IntArray]:
    """Per contiguous block of pairs: the least distance and the area of its first occurrence."""
    best = np.minimum.reduceat(d, starts)
    at = np.flatnonzero(d == best[row])
    first = np.ones(len(at), dtype=bool)  # empty when no point had a segment
    first[1:] = row[at][1:] != row[at][:-1]
    area = np.full(len(starts), -1, dtype=np.int64)
    area[row[at][first]] = sarea[at][first]
    area[~np.isfinite(best)] = -1
    return best, area
