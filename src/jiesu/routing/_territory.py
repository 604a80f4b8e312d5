"""Territory (辖区): areas at levels from GeoJSON, agreed swap zones, and point location."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import numpy as np
import shapely
import shapely.geometry

from jiesu._loader import read_json
from jiesu.errors import DataFileError, Problem, ValidationError
from jiesu.model import CRS, LabelledEnum
from jiesu.routing._coords import File, PathLike, _convert, as_arrays, as_path
from jiesu.routing._index import INSIDE, LevelIndex, Projection

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "LEVELS",
    "Area",
    "LocateStatus",
    "Placement",
    "Placements",
    "SwapZone",
    "Territory",
    "TieRule",
    "load_swap_zones",
]

LEVELS: Final = ("district", "street", "community")
"""The known area levels from coarse to fine (区 / 街道乡镇 / 社区村)."""

TieRule = Literal["ambiguous", "first"]
"""How an equidistant tie between areas is settled: name both (``"ambiguous"``) or take the area listed
first in the file (``"first"``)."""

_CRS_ALIASES: Final = {
    "EPSG:4326": CRS.WGS84,
    "URN:OGC:DEF:CRS:OGC:1.3:CRS84": CRS.WGS84,
    "URN:OGC:DEF:CRS:EPSG::4326": CRS.WGS84,
    "EPSG:4490": CRS.CGCS2000,
    "URN:OGC:DEF:CRS:EPSG::4490": CRS.CGCS2000,
}
_TIES: Final = ("ambiguous", "first")


class LocateStatus(LabelledEnum):
    """The outcome of locating a point (定位结果); every point gets exactly one."""

    INSIDE = "inside", "区内"
    AMBIGUOUS = "ambiguous", "边界不明"
    NEAREST = "nearest", "就近归属"
    REFUSED = "refused", "无法归属"


_STATUSES: Final = tuple(LocateStatus)
_STATUS_CODES: Final = np.array([s.value for s in LocateStatus])


def _geometry_field(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, (shapely.Polygon, shapely.MultiPolygon)):
        raise ValidationError(
            "must be a shapely Polygon or MultiPolygon", field=attribute.name, value=value
        )
    if not shapely.is_valid(value):
        raise ValidationError(
            f"must be a valid polygon ({shapely.is_valid_reason(value)})",
            field=attribute.name,
            value=value.wkt[:60],
        )


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty string", field=attribute.name, value=value)


@attrs.frozen
class Area:
    """An administrative area (行政区域) at one level, whose code is its responsible unit's code.

    Attributes:
        id: The area id (区划编码), equal to the code of the unit responsible for it.
        name: The area's name.
        level: Its level: ``"district"``, ``"street"``, ``"community"`` or a level of the data's own.
        geometry: A valid shapely Polygon or MultiPolygon (holes and enclaves / 飞地 allowed).
        parent: The parent area's or unit's code (上级), if any.
        population: Resident population (常住人口), if known.
        valid_from: The date from which this boundary holds (生效日期), if stated.
        source: Where the boundary comes from (来源).

    Examples:
        >>> import shapely
        >>> Area("S01", "东华门街道", "street", shapely.box(116.38, 39.90, 116.41, 39.93)).level
        'street'
    """

    id: str = attrs.field(validator=_non_empty)
    name: str = attrs.field(validator=attrs.validators.instance_of(str))
    level: str = attrs.field(validator=_non_empty)
    geometry: shapely.Polygon | shapely.MultiPolygon = attrs.field(
        validator=_geometry_field, eq=False, repr=False
    )
    parent: str | None = None
    population: int | None = None
    valid_from: dt.date | None = None
    source: str | None = None


@attrs.frozen
class SwapZone:
    """An agreed swap zone (协商调整区域): inside it ``unit`` is responsible, whatever the admin line says.

    Attributes:
        id: The zone's code.
        unit: The code of the responsible unit inside the zone.
        level: The area level the zone overrides (e.g. ``"street"``).
        geometry: A valid shapely Polygon or MultiPolygon.
        reason: Why the zone exists (the agreement).
        valid_from: The date from which the agreement holds, if stated.

    Examples:
        >>> import shapely
        >>> z = SwapZone("Z1", "S02", "street", shapely.box(0, 0, 1, 1), reason="小区跨界，协商由S02管理")
        >>> z.unit
        'S02'
    """

    id: str = attrs.field(validator=_non_empty)
    unit: str = attrs.field(validator=_non_empty)
    level: str = attrs.field(validator=_non_empty)
    geometry: shapely.Polygon | shapely.MultiPolygon = attrs.field(
        validator=_geometry_field, eq=False, repr=False
    )
    reason: str | None = None
    valid_from: dt.date | None = None


@attrs.frozen
class Placement:
    """Where one point belongs (定位结果): the scalar result of :meth:`Territory.locate`.

    Attributes:
        status: Inside one area, ambiguous between two, nearest area outside all, or refused.
        area_id: The responsible area: the covering area (or the swap zone's unit when a swap zone covers
            the point), the nearer of two ambiguous ones, the nearest area; ``None`` when refused.
        other_id: The second area named when ambiguous, else ``None``.
        admin_id: The area the admin lines give, before any swap zone (``None`` when refused).
        zone_id: The swap zone that decided the point, if any.
        distance_m: Metres to ``area_id`` (0 inside); ``inf`` when refused.
        level: The level located at.
    """

    status: LocateStatus
    area_id: str | None
    other_id: str | None
    admin_id: str | None
    zone_id: str | None
    distance_m: float
    level: str

    @property
    def candidates(self) -> tuple[str, ...]:
        """The areas named (候选区域): one, or two when ambiguous, none when refused."""
        return tuple(a for a in (self.area_id, self.other_id) if a is not None)


class Placements:
    """Where many points belong (批量定位结果): the array result of :meth:`Territory.locate_many`.

    Each attribute is a numpy array with one entry per input point, in input order:
    ``area_id`` (object array of area ids, ``None`` when refused — also what ``np.asarray(result)``
    gives), ``status`` (``"inside"``, ``"ambiguous"``, ``"nearest"`` or ``"refused"``), ``other_id``,
    ``admin_id``, ``zone_id`` and ``distance_m`` (see :class:`Placement`). Indexing gives a
    :class:`Placement`.
    """

    def __init__(
        self,
        *,
        status_code: NDArray[np.int8],
        area_id: NDArray[np.object_],
        other_id: NDArray[np.object_],
        admin_id: NDArray[np.object_],
        zone_id: NDArray[np.object_],
        distance_m: NDArray[np.float64],
        level: str,
    ) -> None:
        """Hold the result arrays (built by :meth:`Territory.locate_many`)."""
        self.status_code = status_code
        self.area_id = area_id
        self.other_id = other_id
        self.admin_id = admin_id
        self.zone_id = zone_id
        self.distance_m = distance_m
        self.level = level

    @property
    def status(self) -> NDArray[np.str_]:
        """The status (定位结果) of every point: ``"inside"``, ``"ambiguous"``, ``"nearest"``, ``"refused"``."""
        out: NDArray[np.str_] = _STATUS_CODES[self.status_code]
        return out

    def counts(self) -> dict[str, int]:
        """How many points got each status (各结果计数), zeros included."""
        found = np.bincount(self.status_code, minlength=len(LocateStatus))
        return {s.value: int(c) for s, c in zip(LocateStatus, found, strict=True)}

    def __len__(self) -> int:
        """The number of points."""
        return len(self.status_code)

    def __getitem__(self, i: int) -> Placement:
        """The placement of point ``i``."""
        return Placement(
            status=_STATUSES[int(self.status_code[i])],
            area_id=self.area_id[i],
            other_id=self.other_id[i],
            admin_id=self.admin_id[i],
            zone_id=self.zone_id[i],
            distance_m=float(self.distance_m[i]),
            level=self.level,
        )

    def __iter__(self) -> Iterator[Placement]:
        """Each point's placement, in order."""
        return (self[i] for i in range(len(self)))

    def __array__(self, dtype: object = None, copy: object = None) -> NDArray[np.object_]:
        """The area ids, so ``np.asarray(placements)`` gives them."""
        del dtype, copy
        return self.area_id

    def __repr__(self) -> str:
        """Show the size, level and status counts."""
        return f"Placements(n={len(self)}, level={self.level!r}, counts={self.counts()})"


def _check_positive(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isnan(value)
        or value < 0
    ):
        raise ValidationError("must be a number >= 0 (metres)", field=name, value=value)
    return float(value)


def _check_tie(value: object) -> TieRule:
    if value not in _TIES:
        raise ValidationError("must be 'ambiguous' or 'first'", field="tie", value=value)
    return "first" if value == "first" else "ambiguous"


def _to_areas(value: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(value)


def _to_zones(value: Iterable[SwapZone]) -> tuple[SwapZone, ...]:
    return tuple(value)


def _areas_check(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[Area, ...]
) -> None:
    del instance
    if not value:
        raise ValidationError("needs at least one area", field=attribute.name, value=value)
    seen: set[tuple[str, str]] = set()
    for area in value:
        if not isinstance(area, Area):
            raise ValidationError("must hold Area objects", field=attribute.name, value=area)
        key = (area.level, area.id)
        if key in seen:
            raise ValidationError(
                f"duplicate area id at level {area.level!r}", field="areas.id", value=area.id
            )
        seen.add(key)


def _zones_check(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[SwapZone, ...]
) -> None:
    del instance
    for zone in value:
        if not isinstance(zone, SwapZone):
            raise ValidationError("must hold SwapZone objects", field=attribute.name, value=zone)


def _to_crs(value: object) -> CRS:
    return CRS.parse(value, field="crs")


def _tolerance(value: object) -> float:
    return _check_positive("border_tolerance_m", value)


def _max_distance(value: object) -> float:
    return _check_positive("max_distance_m", value)


@attrs.frozen
class Territory:
    """A versioned territory (辖区边界): areas at levels, agreed swap zones, and point location.

    Points are located at one level (default: the finest level present). Each point gets exactly one of:

    * **inside** (区内): one area covers it and no other area is within ``border_tolerance_m``;
    * **ambiguous** (边界不明): it is within the tolerance of a second area, or covered by two (a point on a
      shared boundary, or in overlapping areas), or equidistant from two areas outside all of them under
      ``tie="ambiguous"``; both areas are named (``area_id`` the covering/nearer one, ``other_id``);
    * **nearest** (就近归属): outside every area, the nearest area within ``max_distance_m``;
    * **refused** (无法归属): farther than ``max_distance_m`` from every area (or missing coordinates).

    On-boundary rule: a point on an area's boundary counts as covered by it (shapely ``intersects``); so a
    point on a shared border is covered by both and is ambiguous, and a point on the territory's outer
    boundary is inside its one area. Inside a swap zone of the level the zone's unit wins (status inside,
    ``zone_id`` set, ``admin_id`` keeps the admin answer); zones listed first win where zones overlap.

    Distances are metres in a local equirectangular projection centred on the territory (less than 0.5 %
    error within 50 km), computed exactly as GEOS computes point-to-segment distances.

    Attributes:
        areas: The areas, in file order.
        crs: The coordinate system of the geometries.
        name: The territory's name.
        version: The data version (版本).
        source: Where the boundaries come from.
        valid_from: The date from which this version holds (the collection's ``valid_from`` or the latest
            feature ``valid_from``).
        swap_zones: The agreed swap zones.
        border_tolerance_m: Default border tolerance in metres (0: exact borders).
        max_distance_m: Default maximum distance in metres for the nearest area.
        tie: Default rule for equidistant ties.
        cells: Target number of raster cells per level index (``None``: chosen from the vertex count).

    Examples:
        >>> import shapely
        >>> from jiesu.routing import Area, Territory
        >>> t = Territory(
        ...     areas=[
        ...         Area("S01", "西街道", "street", shapely.box(116.30, 39.90, 116.35, 39.95)),
        ...         Area("S02", "东街道", "street", shapely.box(116.35, 39.90, 116.40, 39.95)),
        ...     ],
        ...     border_tolerance_m=20.0,
        ... )
        >>> t.locate(116.32, 39.92).area_id
        'S01'
        >>> p = t.locate(116.3501, 39.92)
        >>> p.status.value, p.candidates
        ('ambiguous', ('S02', 'S01'))
        >>> t.locate_many([116.32, 116.38, 116.50], [39.92, 39.92, 39.92]).area_id.tolist()
        ['S01', 'S02', None]
    """

    areas: tuple[Area, ...] = attrs.field(converter=_to_areas, validator=_areas_check)
    crs: CRS = attrs.field(default=CRS.WGS84, converter=_to_crs)
    name: str | None = None
    version: str | None = None
    source: str | None = None
    valid_from: dt.date | None = None
    swap_zones: tuple[SwapZone, ...] = attrs.field(
        default=(), converter=_to_zones, validator=_zones_check
    )
    border_tolerance_m: float = attrs.field(default=0.0, converter=_tolerance)
    max_distance_m: float = attrs.field(default=500.0, converter=_max_distance)
    tie: TieRule = attrs.field(default="ambiguous", converter=_check_tie)
    cells: int | None = None
    _cache: dict[tuple[str, float, float], LevelIndex] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )
    _levels: tuple[str, ...] = attrs.field(default=(), init=False, eq=False, repr=False)

    @classmethod
    def from_geojson(
        cls,
        path: PathLike,
        *,
        crs: CRS | str | None = None,
        id_property: str = "code",
        name_property: str = "name",
        level_property: str = "level",
        parent_property: str = "parent",
        default_level: str = "area",
        swap_zones: PathLike | None = None,
        border_tolerance_m: float = 0.0,
        max_distance_m: float = 500.0,
        tie: TieRule = "ambiguous",
    ) -> Territory:
        """Load a territory from a GeoJSON FeatureCollection (读取辖区边界).

        The file's top-level ``name``, ``version``, ``source``, ``valid_from`` and ``crs_name`` (a CRS code;
        an RFC 7946-era ``crs`` member naming EPSG:4326/4490 or CRS84 is also read) describe the version.
        Each feature is a (Multi)Polygon; its ``id_property`` is the area id. Other properties read:
        ``name_property``, ``level_property`` (missing → ``default_level``), ``parent_property``,
        ``population`` (int or null), ``valid_from`` (ISO date) and ``source``. Every problem in the file
        is collected and reported at once.

        Args:
            path: The GeoJSON file.
            crs: The coordinate system of the file; defaults to the file's declaration, else WGS-84.
            id_property: The property holding the area id.
            name_property: The property holding the area name.
            level_property: The property holding the level.
            parent_property: The property holding the parent code.
            default_level: The level of features without a level property.
            swap_zones: An optional swap-zone GeoJSON file (see :func:`load_swap_zones`).
            border_tolerance_m: Border tolerance in metres.
            max_distance_m: Maximum distance in metres for the nearest area.
            tie: Rule for equidistant ties.

        Returns:
            The territory.

        Raises:
            DataFileError: The file cannot be read, is not UTF-8 JSON or not a FeatureCollection, its CRS
                declaration conflicts with ``crs``, or features are bad: every problem at once, each
                named by file and JSON path (a ``DataFormatError`` and a ``ValidationReport``).

        Examples:
            >>> from jiesu.sample import data_file
            >>> t = Territory.from_geojson(data_file("areas.geojson"), swap_zones=data_file("swaps.geojson"))
            >>> t.version, t.crs.value, t.levels, len(t.areas)
            ('2025.1', 'WGS84', ('district', 'street', 'community'), 102)
        """
        path = as_path(path)
        doc = _read_collection(path)
        declared = _declared_crs(doc, path)
        chosen = _resolve_crs(crs, declared, path)
        problems: list[Problem] = []
        areas: list[Area] = []
        for i, feature in enumerate(doc["features"]):
            where = f"{path.name}#features[{i}]"
            props, geom = _feature_parts(feature, where, problems)
            if props is None:
                continue
            area = _area_from(
                props,
                geom,
                where,
                problems,
                keys=(id_property, name_property, level_property, parent_property),
                default_level=default_level,
            )
            if area is not None:
                areas.append(area)
        _duplicates(areas, path, problems)
        if problems or not areas:
            if not areas and not problems:
                problems.append(Problem(path.name, "features", [], "no area features"))
            raise _json_paths(problems, path, len(doc["features"]))
        try:
            valid = _date_or_none(doc.get("valid_from"))
        except ValidationError as exc:
            raise _fail(path, "$.valid_from", exc.reason, exc.value) from None
        if valid is None:
            dates = [a.valid_from for a in areas if a.valid_from is not None]
            valid = max(dates) if dates else None
        zones = () if swap_zones is None else load_swap_zones(swap_zones, target=chosen)
        return cls(
            areas=areas,
            crs=chosen,
            name=_str_or_none(doc.get("name")),
            version=_str_or_none(doc.get("version")),
            source=_str_or_none(doc.get("source")),
            valid_from=valid,
            swap_zones=zones,
            border_tolerance_m=border_tolerance_m,
            max_distance_m=max_distance_m,
            tie=tie,
        )

    def with_swap_zones(self, zones: PathLike | tuple[SwapZone, ...]) -> Territory:
        """A copy with swap zones added (加入协商调整区域), from a file or as objects.

        Args:
            zones: A swap-zone GeoJSON path or a tuple of :class:`SwapZone`.

        Returns:
            A new territory; zones already present come first.
        """
        if not isinstance(zones, tuple):
            zones = load_swap_zones(zones, target=self.crs)
        return attrs.evolve(self, swap_zones=(*self.swap_zones, *zones))

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels present (区划层级), coarse to fine (known levels first, then others in file order)."""
        return self._levels

    def __attrs_post_init__(self) -> None:
        """Work out the levels present once."""
        present = list(dict.fromkeys(a.level for a in self.areas))
        known = [lv for lv in LEVELS if lv in present]
        levels = (*known, *(lv for lv in present if lv not in LEVELS))
        object.__setattr__(self, "_levels", levels)

    def in_force(self, on: dt.date) -> bool:
        """Whether this version holds (生效) on date ``on`` (its ``valid_from`` is not later)."""
        return self.valid_from is None or self.valid_from <= on

    def area(self, area_id: str, *, level: str | None = None) -> Area:
        """Look up an area (区域) by id (and level, when ids repeat across levels).

        Raises:
            ValidationError: No such area.
        """
        for a in self.areas:
            if a.id == area_id and (level is None or a.level == level):
                return a
        raise ValidationError("no such area in the territory", field="area_id", value=area_id)

    def _level(self, level: str | None) -> str:
        if level is None:
            levels = self.levels
            known = [lv for lv in levels if lv in LEVELS]
            if known:
                return known[-1]
            if len(levels) == 1:
                return levels[0]
            raise ValidationError(
                f"several levels without a known order ({', '.join(levels)}); pass level=",
                field="level",
                value=None,
            )
        if level not in self.levels:
            raise ValidationError(
                f"no areas at this level; levels: {', '.join(self.levels)}",
                field="level",
                value=level,
            )
        return level

    def _areas_at(self, level: str) -> list[Area]:
        return [a for a in self.areas if a.level == level]

    def _projection(self) -> Projection:
        minx, miny, maxx, maxy = shapely.total_bounds([a.geometry for a in self.areas])
        return Projection((minx + maxx) / 2.0, (miny + maxy) / 2.0)

    def _index(self, level: str, tol: float, max_d: float) -> LevelIndex:
        key = (level, tol, max_d)
        found = self._cache.get(key)
        if found is None:
            areas = self._areas_at(level)
            geoms = np.array([a.geometry for a in areas], dtype=object)
            vertices = int(shapely.get_num_coordinates(geoms).sum())
            cells = self.cells or int(np.clip(100 * vertices, 2**16, 2**22))
            found = LevelIndex(
                geoms, self._projection(), tolerance_m=tol, max_distance_m=max_d, cells=cells
            )
            self._cache[key] = found
        return found

    def _options(
        self, tol: float | None, max_d: float | None, tie: TieRule | None
    ) -> tuple[float, float, TieRule]:
        return (
            self.border_tolerance_m if tol is None else _check_positive("border_tolerance_m", tol),
            self.max_distance_m if max_d is None else _check_positive("max_distance_m", max_d),
            self.tie if tie is None else _check_tie(tie),
        )

    def locate_many(
        self,
        lons: ArrayLike,
        lats: ArrayLike,
        *,
        crs: CRS | str | None = None,
        level: str | None = None,
        border_tolerance_m: float | None = None,
        max_distance_m: float | None = None,
        tie: TieRule | None = None,
        on: dt.date | None = None,
    ) -> Placements:
        """Locate many points at once (批量定位), with no Python loop per point.

        Points are converted from ``crs`` to the territory's system first. Missing (NaN) coordinates are
        refused. The speed comes from a raster pre-index: points in cells wholly inside one area (and
        farther than the tolerance from any border) are labelled by a lookup; only points in cells near a
        border get an exact shapely test, and only against the areas near that cell.

        Args:
            lons: Longitudes.
            lats: Latitudes.
            crs: The points' coordinate system (default: the territory's).
            level: The level to locate at (default: the finest level present).
            border_tolerance_m: Override the territory's border tolerance.
            max_distance_m: Override the territory's maximum distance.
            tie: Override the territory's tie rule.
            on: The date whose swap zones apply (a zone with a later ``valid_from`` is ignored);
                ``None`` applies every zone.

        Returns:
            The placements; ``result.area_id`` is the array of area ids (``None`` where refused).

        Raises:
            ValidationError: Bad arrays, unknown CRS or level, or a bad option.
        """
        tol, max_d, tie_rule = self._options(border_tolerance_m, max_distance_m, tie)
        lv = self._level(level)
        x, y = self._points(lons, lats, crs)
        index = self._index(lv, tol, max_d)
        found = index.locate(x, y, tie_first=tie_rule == "first")
        code, a_idx, o_idx, dist = found.status, found.area, found.other, found.dist
        ids = np.array([None, *(a.id for a in self._areas_at(lv))], dtype=object)
        admin = ids[a_idx + 1]
        area_id = admin.copy()
        zone_id = np.full(len(x), None, dtype=object)
        for zone in reversed(self._zones(lv, on)):
            hit = _in_zone(zone, x, y)
            area_id[hit] = zone.unit
            zone_id[hit] = zone.id
            code[hit] = INSIDE
            o_idx[hit] = -1
            dist[hit] = 0.0
        return Placements(
            status_code=code,
            area_id=area_id,
            other_id=ids[o_idx + 1],
            admin_id=admin,
            zone_id=zone_id,
            distance_m=dist,
            level=lv,
        )

    def locate(
        self,
        lon: float,
        lat: float,
        *,
        crs: CRS | str | None = None,
        level: str | None = None,
        border_tolerance_m: float | None = None,
        max_distance_m: float | None = None,
        tie: TieRule | None = None,
        on: dt.date | None = None,
    ) -> Placement:
        """Locate one point (定位), the scalar twin of :meth:`locate_many`.

        This path uses shapely directly on every area of the level (no pre-index), so it also serves as
        the reference the fast path is tested against.

        Args:
            lon: Longitude.
            lat: Latitude.
            crs: The point's coordinate system (default: the territory's).
            level: The level to locate at (default: the finest level present).
            border_tolerance_m: Override the territory's border tolerance.
            max_distance_m: Override the territory's maximum distance.
            tie: Override the territory's tie rule.
            on: The date whose swap zones apply; ``None`` applies every zone.

        Returns:
            The placement.

        Raises:
            ValidationError: A coordinate that is not a finite number in range, or a bad option.
        """
        checks: tuple[tuple[str, object], ...] = (("lon", lon), ("lat", lat))
        for name, value in checks:
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
            ):
                raise ValidationError("must be a finite number", field=name, value=value)
        tol, max_d, tie_rule = self._options(border_tolerance_m, max_distance_m, tie)
        lv = self._level(level)
        xs, ys = self._points([lon], [lat], crs)
        x, y = float(xs[0]), float(ys[0])
        areas = self._areas_at(lv)
        geoms = np.array([a.geometry for a in areas], dtype=object)
        proj = self._projection()
        px, py = proj.forward(np.array(x), np.array(y))
        point = shapely.Point(float(px), float(py))
        dist = shapely.distance(shapely.transform(geoms, proj.coords), point)
        cover = np.flatnonzero(shapely.intersects_xy(geoms, x, y))
        status, a, b, d = _decide_one(cover, dist, tol, max_d, tie_rule)
        admin = None if a < 0 else areas[a].id
        for zone in self._zones(lv, on):
            if _in_zone(zone, xs, ys)[0]:
                return Placement(LocateStatus.INSIDE, zone.unit, None, admin, zone.id, 0.0, lv)
        return Placement(
            status=status,
            area_id=admin,
            other_id=None if b < 0 else areas[b].id,
            admin_id=admin,
            zone_id=None,
            distance_m=d,
            level=lv,
        )

    def _zones(self, level: str, on: dt.date | None) -> list[SwapZone]:
        """The swap zones of ``level`` in force on ``on`` (all of them when ``on`` is ``None``)."""
        return [
            z
            for z in self.swap_zones
            if z.level == level and (on is None or z.valid_from is None or z.valid_from <= on)
        ]

    def _points(
        self, lons: ArrayLike, lats: ArrayLike, crs: CRS | str | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        x, y = as_arrays(lons, lats)
        source = self.crs if crs is None else CRS.parse(crs, field="crs")
        return _convert(x, y, source, self.crs)


def _decide_one(  # noqa: PLR0911 - one return per documented outcome
    cover: NDArray[np.intp], dist: NDArray[np.float64], tol: float, max_d: float, tie: TieRule
) -> tuple[LocateStatus, int, int, float]:
    """The rules of :class:`Territory` for one point, from its covering areas and all distances."""
    if len(cover) >= 2:  # noqa: PLR2004 - two covering areas make a point ambiguous
        return LocateStatus.AMBIGUOUS, int(cover[0]), int(cover[1]), 0.0
    if len(cover) == 1:
        a = int(cover[0])
        rest = dist.copy()
        rest[a] = np.inf
        b = int(np.argmin(rest))
        if rest[b] <= tol:
            return LocateStatus.AMBIGUOUS, a, b, 0.0
        return LocateStatus.INSIDE, a, -1, 0.0
    a = int(np.argmin(dist))
    d1 = float(dist[a])
    if d1 > max_d:
        return LocateStatus.REFUSED, -1, -1, math.inf
    rest = dist.copy()
    rest[a] = np.inf
    b = int(np.argmin(rest))
    d2 = float(rest[b])
    if d2 == d1:
        if tie == "first":
            return LocateStatus.NEAREST, a, -1, d1
        return LocateStatus.AMBIGUOUS, a, b, d1
    if d2 <= tol:
        return LocateStatus.AMBIGUOUS, a, b, d1
    return LocateStatus.NEAREST, a, -1, d1


def _in_zone(zone: SwapZone, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    minx, miny, maxx, maxy = zone.geometry.bounds
    box = (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
    hit = np.zeros(len(x), dtype=bool)
    sel = np.flatnonzero(box)
    hit[sel] = shapely.intersects_xy(zone.geometry, x[sel], y[sel])
    return hit


# -- GeoJSON reading ---------------------------------------------------------------------------------


def _fail(path: File, field: str, reason: str, value: object) -> DataFileError:
    return DataFileError(path.name, [Problem(path.name, field, value, reason)])


_FEATURE_KEYS: Final = ("type", "properties", "geometry")


def _json_paths(problems: list[Problem], path: File, total: int) -> DataFileError:
    """Every problem of the file, its field a JSON path (``$.features[3].properties.code``)."""
    out = []
    for p in problems:
        file, _, at = p.row.partition("#") if isinstance(p.row, str) else (path.name, "", "")
        if at:
            member = p.field if p.field in _FEATURE_KEYS else f"properties.{p.field}"
            field = f"$.{at}.{member}"
        else:
            field = p.field
        out.append(attrs.evolve(p, row=file, field=field))
    return DataFileError(path.name, out, total=total)


def _read_collection(path: File) -> dict[str, Any]:
    doc = read_json(path, source=path.name).data
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise _fail(path, "$.type", "must be a GeoJSON FeatureCollection", kind)
    if not isinstance(doc.get("features"), list):
        raise _fail(path, "$.features", "must have a list of features", doc.get("features"))
    return doc


def _declared_crs(doc: dict[str, Any], path: File) -> CRS | None:
    if "crs_name" in doc:
        try:
            return CRS.parse(doc["crs_name"], field="$.crs_name")
        except ValidationError as exc:
            raise _fail(path, "$.crs_name", exc.reason, doc["crs_name"]) from None
    crs = doc.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", "")).upper()
        if name in _CRS_ALIASES:
            return _CRS_ALIASES[name]
        raise _fail(path, "$.crs.properties.name", "unknown crs declaration", name)
    return None


def _resolve_crs(crs: CRS | str | None, declared: CRS | None, path: File) -> CRS:
    if crs is None:
        return declared or CRS.WGS84
    chosen = CRS.parse(crs, field="crs")
    same = {chosen, declared} <= {CRS.WGS84, CRS.CGCS2000}
    if declared is not None and declared is not chosen and not same:
        raise _fail(
            path,
            "$.crs_name",
            f"the file declares {declared.value} but crs={chosen.value} was passed",
            declared.value,
        )
    return chosen


def _feature_parts(
    feature: object, where: str, problems: list[Problem]
) -> tuple[dict[str, Any] | None, Any]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problems.append(Problem(where, "type", _short(feature), "must be a GeoJSON Feature"))
        return None, None
    props = feature.get("properties")
    if not isinstance(props, dict):
        problems.append(Problem(where, "properties", _short(props), "must be an object"))
        return None, None
    try:
        geom = shapely.geometry.shape(feature.get("geometry"))
    except (
        AttributeError,
        TypeError,
        ValueError,
        KeyError,
        IndexError,
        shapely.errors.ShapelyError,
    ) as exc:
        problems.append(
            Problem(where, "geometry", _short(feature.get("geometry")), f"not a geometry ({exc})")
        )
        return props, None
    if not isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)):
        problems.append(
            Problem(where, "geometry", geom.geom_type, "must be a Polygon or MultiPolygon")
        )
        return props, None
    if not shapely.is_valid(geom):
        problems.append(
            Problem(where, "geometry", geom.wkt[:60], f"invalid: {shapely.is_valid_reason(geom)}")
        )
        return props, None
    return props, geom


def _area_from(
    props: dict[str, Any],
    geom: shapely.Geometry | None,
    where: str,
    problems: list[Problem],
    *,
    keys: tuple[str, str, str, str],
    default_level: str,
) -> Area | None:
    id_key, name_key, level_key, parent_key = keys
    before = len(problems)
    code = props.get(id_key)
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str) or not code.strip():
        problems.append(Problem(where, id_key, code, "must be a non-empty string (the area id)"))
    name = props.get(name_key, "")
    if not isinstance(name, str):
        problems.append(Problem(where, name_key, name, "must be a string"))
    level = props.get(level_key, default_level)
    if not isinstance(level, str) or not level.strip():
        problems.append(Problem(where, level_key, level, "must be a non-empty string"))
    parent = props.get(parent_key)
    if parent is not None and not isinstance(parent, str):
        problems.append(Problem(where, parent_key, parent, "must be a string or null"))
    population = props.get("population")
    if population is not None and (
        not isinstance(population, int) or isinstance(population, bool) or population <= 0
    ):
        problems.append(
            Problem(where, "population", population, "must be a positive integer or null")
        )
    valid_from = _date_checked(props.get("valid_from"), where, problems)
    source = props.get("source")
    if source is not None and not isinstance(source, str):
        problems.append(Problem(where, "source", source, "must be a string or null"))
    if len(problems) > before or geom is None:
        return None
    return Area(
        id=code,  # type: ignore[arg-type]  # checked above
        name=name,
        level=level,
        geometry=geom,
        parent=parent,
        population=population,
        valid_from=valid_from,
        source=source,
    )


def _date_checked(value: object, where: str, problems: list[Problem]) -> dt.date | None:
    try:
        return _date_or_none(value)
    except ValidationError as exc:
        problems.append(Problem(where, "valid_from", value, exc.reason))
        return None


def _date_or_none(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError("must be an ISO date (YYYY-MM-DD)", field="valid_from", value=value)


def _duplicates(areas: list[Area], path: File, problems: list[Problem]) -> None:
    seen: set[tuple[str, str]] = set()
    for area in areas:
        key = (area.level, area.id)
        if key in seen:
            problems.append(
                Problem(path.name, "code", area.id, f"duplicate area id at level {area.level!r}")
            )
        seen.add(key)


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."  # noqa: PLR2004 - message width


def load_swap_zones(path: PathLike, *, target: CRS | str | None = None) -> tuple[SwapZone, ...]:
    """Load agreed swap zones (协商调整区域) from a GeoJSON FeatureCollection.

    Each feature has ``kind: "swap"``, ``code`` (zone id), ``unit`` (the responsible unit code), ``level``,
    ``reason`` and ``valid_from``. The file may declare ``crs_name``; with ``target`` the geometries are
    converted to that system.

    Args:
        path: The GeoJSON file.
        target: The coordinate system wanted (default: the file's own).

    Returns:
        The zones in file order.

    Raises:
        DataFileError: The file cannot be read or is not a FeatureCollection, or zone features are bad
            (every problem at once, each named by file and JSON path).

    Examples:
        >>> from jiesu.sample import data_file
        >>> [(z.id, z.unit, z.level) for z in load_swap_zones(data_file("swaps.geojson"))][:2]
        [('SWAP-01', 'S05', 'street'), ('SWAP-02', 'S10', 'street')]
    """
    path = as_path(path)
    doc = _read_collection(path)
    source = _declared_crs(doc, path) or CRS.WGS84
    dest = source if target is None else CRS.parse(target, field="target")
    problems: list[Problem] = []
    zones: list[SwapZone] = []
    for i, feature in enumerate(doc["features"]):
        where = f"{path.name}#features[{i}]"
        props, geom = _feature_parts(feature, where, problems)
        if props is None:
            continue
        before = len(problems)
        if props.get("kind") != "swap":
            problems.append(Problem(where, "kind", props.get("kind"), "must be 'swap'"))
        problems.extend(
            Problem(where, key, props.get(key), "must be a non-empty string")
            for key in ("code", "unit", "level")
            if not isinstance(props.get(key), str) or not props[key].strip()
        )
        valid_from = _date_checked(props.get("valid_from"), where, problems)
        if len(problems) > before or geom is None:
            continue
        if dest is not source:
            geom = shapely.transform(
                geom, lambda xy: np.column_stack(_convert(xy[:, 0], xy[:, 1], source, dest))
            )
        zones.append(
            SwapZone(
                id=props["code"],
                unit=props["unit"],
                level=props["level"],
                geometry=geom,
                reason=_str_or_none(props.get("reason")),
                valid_from=valid_from,
            )
        )
    if problems:
        raise _json_paths(problems, path, len(doc["features"]))
    return tuple(zones)
