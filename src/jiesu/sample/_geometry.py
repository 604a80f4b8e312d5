"""Seeded geometry of the sample district (示例区几何): a partition of Voronoi cells grouped into areas.

The district is the union of the cells of a jittered lattice whose seeds fall inside a wavy outline.
Streets grow from seed cells over the cell adjacency graph with noisy edge costs (a multi-source
Dijkstra), so each street is connected and its border zigzags like a real one; communities grow the
same way inside their street. Every border is made of the same Voronoi edges on both sides, so areas
share exact vertices: no gaps, no overlaps. A lake (镜湖) is cut out of one street (a hole of the
district, the street and its community), and a block of cells inside another street is handed to a
township as an enclave (飞地), which makes that township a MultiPolygon.

All work is in kilometres on a local plane; coordinates are turned into WGS-84 degrees (rounded to
1e-6 degree, about 0.1 m) only at the end, by the same arithmetic on both sides of every shared edge.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

import attrs
import numpy as np
import shapely

if TYPE_CHECKING:
    from numpy.typing import NDArray

LON0 = 115.48
"""Longitude of the district centre (WGS-84 degrees)."""
LAT0 = 38.87
"""Latitude of the district centre (WGS-84 degrees)."""
_KM_PER_DEG_LAT = 110.95
_KM_PER_DEG_LON = 111.32 * math.cos(math.radians(LAT0))
_SPACING_KM = 0.75
_JITTER = 0.32
_STREETS = 14
_TOWNSHIPS = 2
_CELLS_PER_COMMUNITY = 9
_MIN_COMMUNITIES = 4
_DECIMALS = 6


@attrs.frozen
class Layout:
    """The cell partition and which cells make up each street, community, the lake and the enclave.

    Attributes:
        cells: One shapely polygon per district cell, in WGS-84 degrees.
        centres: The cells' seed points in km (n x 2).
        neighbours: For each cell, the sorted indices of the cells sharing an edge with it.
        street_of: For each cell, its street index (-1 for the lake).
        community_of: For each cell, its community index within its street (-1 for the lake).
        communities: For each street, how many communities it has.
        lake: The lake's cells.
        enclave: The enclave's cells.
        enclave_owner: The street owning the enclave.
        enclave_host: The street surrounding the enclave.
        lake_street: The street around the lake.
        townships: The indices of the streets that are townships (乡镇).
        order: Street indices in naming order (clockwise from north, townships last).
    """

    cells: NDArray[np.object_]
    centres: NDArray[np.float64]
    neighbours: tuple[tuple[int, ...], ...]
    street_of: NDArray[np.int64]
    community_of: NDArray[np.int64]
    communities: tuple[int, ...]
    lake: tuple[int, ...]
    enclave: tuple[int, ...]
    enclave_owner: int
    enclave_host: int
    lake_street: int
    townships: tuple[int, ...]
    order: tuple[int, ...]


def _outline_contains(points: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.bool_]:
    """Which points lie inside a wavy elliptical outline about 26 km by 21 km."""
    phases = rng.uniform(0, 2 * math.pi, 3)
    theta = np.arctan2(points[:, 1], points[:, 0])
    wave = (
        1
        + 0.13 * np.sin(2 * theta + phases[0])
        + 0.08 * np.sin(3 * theta + phases[1])
        + 0.05 * np.sin(5 * theta + phases[2])
    )
    radius = np.hypot(points[:, 0] / 13.0, points[:, 1] / 10.5)
    inside: NDArray[np.bool_] = radius < wave
    return inside


def _seeds(rng: np.random.Generator) -> NDArray[np.float64]:
    """A jittered lattice of seeds in km, wide enough that every inside cell is bounded."""
    axis = np.arange(-18.0, 18.0 + 1e-9, _SPACING_KM)
    xs, ys = np.meshgrid(axis, axis)
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    jitter = rng.uniform(-_JITTER, _JITTER, grid.shape) * _SPACING_KM
    seeds: NDArray[np.float64] = grid + jitter
    return seeds


def _to_degrees(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    lon = np.round(LON0 + coords[:, 0] / _KM_PER_DEG_LON, _DECIMALS)
    lat = np.round(LAT0 + coords[:, 1] / _KM_PER_DEG_LAT, _DECIMALS)
    out: NDArray[np.float64] = np.column_stack([lon, lat])
    return out


def _adjacency(cells: NDArray[np.object_]) -> tuple[tuple[int, ...], ...]:
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(
        shapely.intersection(shapely.boundary(cells[left]), shapely.boundary(cells[right]))
    )
    edge = shared > 0
    out: list[set[int]] = [set() for _ in range(len(cells))]
    for a, b in zip(left[edge].tolist(), right[edge].tolist(), strict=True):
        out[a].add(b)
        out[b].add(a)
    return tuple(tuple(sorted(s)) for s in out)


def _interior(cells: NDArray[np.object_], neighbours: tuple[tuple[int, ...], ...]) -> set[int]:
    """The cells whose whole boundary is shared with other district cells (off the district's edge)."""
    out = set()
    for i, nbs in enumerate(neighbours):
        shared = shapely.length(
            shapely.intersection(shapely.boundary(cells[i]), shapely.boundary(cells[list(nbs)]))
        ).sum()
        if shared >= shapely.length(cells[i]) - 1e-9:
            out.add(i)
    return out


def _grow(
    seeds: list[int],
    allowed: set[int],
    neighbours: tuple[tuple[int, ...], ...],
    centres: NDArray[np.float64],
    rng: np.random.Generator,
) -> dict[int, int]:
    """Multi-source Dijkstra with noisy edge costs: cell → index of the seed that reaches it first."""
    label: dict[int, int] = {}
    best: dict[int, float] = {}
    heap: list[tuple[float, int, int]] = [(0.0, s, k) for k, s in enumerate(seeds)]
    noise = rng.uniform(0.4, 1.6, len(centres))
    while heap:
        cost, cell, k = heapq.heappop(heap)
        if cell in label:
            continue
        label[cell] = k
        for nb in neighbours[cell]:
            if nb in allowed and nb not in label:
                step = float(np.hypot(*(centres[nb] - centres[cell]))) * noise[nb]
                if cost + step < best.get(nb, math.inf):
                    best[nb] = cost + step
                    heapq.heappush(heap, (cost + step, nb, k))
    return label


def _spread(
    candidates: list[int], count: int, centres: NDArray[np.float64], first: int
) -> list[int]:
    """Farthest-point sampling: ``count`` well-spread cells among ``candidates``, starting at ``first``."""
    chosen = [first]
    pts = centres[candidates]
    dist = np.hypot(*(pts - centres[first]).T)
    while len(chosen) < count:
        pick = int(np.argmax(dist))
        chosen.append(candidates[pick])
        dist = np.minimum(dist, np.hypot(*(pts - centres[candidates[pick]]).T))
    return chosen


def _ring(cells: set[int], neighbours: tuple[tuple[int, ...], ...]) -> set[int]:
    return cells.union(*(neighbours[c] for c in cells))


def _block(
    street_of: dict[int, int],
    street: int,
    *,
    inside: set[int],
    neighbours: tuple[tuple[int, ...], ...],
    centres: NDArray[np.float64],
    avoid: set[int],
) -> set[int]:
    """A cell and its neighbours, surrounded by a further ring of the same street: a hole-to-be."""
    mine = sorted(c for c, s in street_of.items() if s == street)
    centre = centres[mine].mean(axis=0)
    for cell in sorted(mine, key=lambda c: float(np.hypot(*(centres[c] - centre)))):
        block = _ring({cell}, neighbours)
        outer = _ring(block, neighbours)
        if outer <= inside and all(street_of[c] == street for c in outer) and not outer & avoid:
            return block
    raise AssertionError("no interior block")


def build_layout(seed: int) -> Layout:
    """Build the cell partition and its grouping into streets and communities, deterministically.

    Args:
        seed: The random seed; the bundled district is built with seed 12345.

    Returns:
        The layout.
    """
    rng = np.random.default_rng(seed)
    seeds = _seeds(rng)
    inside_mask = _outline_contains(seeds, rng)
    centres = seeds[inside_mask]
    voronoi = shapely.voronoi_polygons(shapely.multipoints(seeds), ordered=True)
    all_cells = np.asarray(shapely.get_parts(voronoi))[inside_mask]
    cells = shapely.transform(all_cells, _to_degrees)
    neighbours = _adjacency(cells)
    everything = set(range(len(cells)))
    interior = _interior(cells, neighbours)
    # Streets: seeds spread over the district, townships are the two farthest from the centre.
    radius = np.hypot(*centres.T)
    start = int(np.argmin(np.abs(radius - 4.0)))
    street_seeds = _spread(list(range(len(cells))), _STREETS, centres, start)
    street_of = _grow(street_seeds, everything, neighbours, centres, rng)
    count = np.bincount(np.array([street_of[c] for c in range(len(cells))]), minlength=_STREETS)
    mean_radius = np.bincount(
        np.array([street_of[c] for c in range(len(cells))]), weights=radius, minlength=_STREETS
    ) / np.maximum(count, 1)
    townships = tuple(sorted(np.argsort(-mean_radius)[:_TOWNSHIPS].tolist()))
    urban = [s for s in range(_STREETS) if s not in townships]
    # The lake sits in the urban street nearest the centre; the enclave in another urban street and
    # belongs to the first township.
    nearest = sorted(urban, key=lambda s: float(mean_radius[s]))
    lake_street = nearest[0]
    lake = _block(
        street_of,
        lake_street,
        inside=interior,
        neighbours=neighbours,
        centres=centres,
        avoid=set(),
    )
    enclave_host = nearest[2]
    enclave = _block(
        street_of,
        enclave_host,
        inside=interior,
        neighbours=neighbours,
        centres=centres,
        avoid=lake,
    )
    enclave_owner = townships[0]
    for c in lake:
        del street_of[c]
    for c in enclave:
        street_of[c] = enclave_owner
    # Communities grow inside each street's main part; the enclave is a community of its own.
    community_of = np.full(len(cells), -1, dtype=np.int64)
    communities: list[int] = []
    for street in range(_STREETS):
        mine = sorted(c for c, s in street_of.items() if s == street and c not in enclave)
        k = max(_MIN_COMMUNITIES, round(len(mine) / _CELLS_PER_COMMUNITY))
        com_seeds = _spread(mine, k, centres, mine[0])
        grown = _grow(com_seeds, set(mine), neighbours, centres, rng)
        for c, label in grown.items():
            community_of[c] = label
        if street == enclave_owner:
            community_of[sorted(enclave)] = k
            k += 1
        communities.append(k)
    street_arr = np.full(len(cells), -1, dtype=np.int64)
    for c, s in street_of.items():
        street_arr[c] = s
    # Name order: urban streets clockwise from north by the angle of their mean centre, then townships.
    angle = {}
    for s in urban:
        pts = centres[street_arr == s].mean(axis=0)
        angle[s] = (math.atan2(pts[0], pts[1]) + 2 * math.pi) % (2 * math.pi)
    order = tuple(sorted(urban, key=lambda s: angle[s])) + townships
    return Layout(
        cells=cells,
        centres=centres,
        neighbours=neighbours,
        street_of=street_arr,
        community_of=community_of,
        communities=tuple(communities),
        lake=tuple(sorted(lake)),
        enclave=tuple(sorted(enclave)),
        enclave_owner=enclave_owner,
        enclave_host=enclave_host,
        lake_street=lake_street,
        townships=townships,
        order=order,
    )


def union(cells: NDArray[np.object_], index: NDArray[np.bool_] | list[int]) -> shapely.Geometry:
    """The union of some cells, oriented as RFC 7946 asks (exterior counter-clockwise)."""
    merged = shapely.union_all(cells[index])
    oriented: shapely.Geometry = shapely.orient_polygons(merged)
    return oriented
