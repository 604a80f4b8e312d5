"""A district's folder (辖区配置): the manifest and the files it names, loaded and checked at once."""

from __future__ import annotations

import csv
import functools
import io
import json
import tempfile
import zoneinfo
from importlib.resources import as_file, files
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from jiesu._loader import NUMBER, STRS, TEXT, Doc, Reader, read_toml
from jiesu.calendar import DeadlinePolicy, WorkCalendar
from jiesu.errors import DataFormatError, JiesuError, Problem, ValidationReport
from jiesu.model import CRS, Lifecycle
from jiesu.routing import Catalogue, Router, Territory, Units, load_units
from jiesu.scoring import Rules

if TYPE_CHECKING:
    from collections.abc import Mapping

    from jiesu.calendar import BeyondCoverage

__all__ = ["MANIFEST", "MANIFEST_KEYS", "District"]

MANIFEST: Final = "district.toml"
"""The manifest's file name inside a district folder (辖区配置清单)."""

MANIFEST_KEYS: Final[tuple[tuple[str, str, bool, str], ...]] = (
    ("name", "text", True, "the district's name (辖区名称), shown in reports"),
    (
        "timezone",
        "text",
        True,
        "IANA zone of every wall time in the district's exports, e.g. Asia/Shanghai",
    ),
    ("units", "file", True, "the units TOML (承办单位名录)"),
    ("catalogue", "file", True, "the dispatch catalogue TOML (派单目录)"),
    ("areas", "file", True, "the areas GeoJSON (行政区划边界)"),
    (
        "areas_crs",
        "text",
        False,
        "WGS84 | CGCS2000 | GCJ02 | BD09: overrides the GeoJSON's crs_name",
    ),
    ("swaps", "file", False, "swap zones GeoJSON (飞地/托管区), optional"),
    ("population", "file", False, "population CSV (常住人口: code, population), optional"),
    ("rules", "preset or file", True, "scoring rules: a preset name (beijing-2021) or a TOML file"),
    (
        "deadlines",
        "preset or file",
        True,
        "deadline policy: a preset name (beijing) or a TOML file",
    ),
    (
        "lifecycle",
        "preset or file",
        False,
        "ticket lifecycle: a preset name or a TOML file (default beijing)",
    ),
    ("holidays", "file list", False, "your own holiday notice TOML files (a new year's notice)"),
    (
        "beyond_coverage",
        "text",
        False,
        "dates past the bundled notices: raise (default), weekdays or statutory",
    ),
    (
        "border_tolerance_m",
        "number",
        False,
        "border tolerance in metres for locating points (default 0)",
    ),
    (
        "max_distance_m",
        "number",
        False,
        "largest distance in metres to the nearest area (default 500)",
    ),
    (
        "columns",
        "table",
        False,
        "[columns] export header = field, for headers the default map lacks",
    ),
)
"""Every key of ``district.toml``: (key, type, required, meaning)."""

_KEYS: Final = {key: (kind, required) for key, kind, required, _ in MANIFEST_KEYS}
_CRS_CODES: Final = tuple(c.value for c in CRS)


class _Collector:
    """Problems of one folder, each named ``file:line``, field, value and reason."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, field: str, value: object, reason: str) -> None:
        self.problems.append(Problem(where, field, value, reason))

    def error(self, file: str, error: JiesuError) -> None:
        if isinstance(error, ValidationReport):
            for p in error.problems:
                row = p.row if isinstance(p.row, str) and file in p.row else f"{file}: {p.row}"
                self.problems.append(Problem(row, p.field, p.value, p.reason))
            return
        self.add(file, error.field or "", error.value, error.reason)


def _read_manifest(path: Path, found: _Collector) -> tuple[dict[str, Any], Doc]:
    """The manifest's keys, checked on the shared loader: unknown keys, exact types, required keys."""
    doc = read_toml(path, source=path.name)
    reader = Reader(doc)
    root = reader.root()
    root.check_keys(tuple(_KEYS), required=[k for k, (_, required) in _KEYS.items() if required])
    for key, (kind, _) in _KEYS.items():
        if key not in root:
            continue
        if kind == "table":
            columns = reader.table((key,), root.data[key])
            for header in columns:
                columns.get(header, TEXT)
        elif kind == "number":
            root.get(
                key, NUMBER, check=lambda v: None if v >= 0 else "must be a number of metres >= 0"
            )
        elif kind == "file list":
            root.get(key, STRS)
        else:
            root.get(key, TEXT)
    found.problems.extend(reader.problems)
    return doc.data, doc


@functools.cache
def _zone_ok(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _read_population(path: Path, found: _Collector) -> dict[str, int]:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        found.add(name, "population", str(path), f"cannot be read ({exc.__class__.__name__})")
        return {}
    except UnicodeDecodeError as exc:
        found.add(name, "population", str(path), f"is not UTF-8 (byte {exc.start})")
        return {}
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "code" not in header or "population" not in header:
        found.add(f"{name}:1", "header", header, "needs the columns code and population")
        return {}
    out: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        value = (row.get("population") or "").strip()
        if not code:
            found.add(f"{name}:{line}", "code", code, "must not be blank")
            continue
        if not value.isdigit() or int(value) <= 0:
            found.add(f"{name}:{line}", "population", value, "must be a whole number > 0")
            continue
        if code in out:
            found.add(f"{name}:{line}", "code", code, "appears twice")
            continue
        out[code] = int(value)
    return out


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class District:
    """A district's configuration (辖区配置): its units, catalogue, territory, rules, deadlines and zone.

    Load a folder with :meth:`load` (every problem of every file is listed at once) or the bundled sample
    with :meth:`sample`. The district's ``timezone`` is the one owner of time: it is the zone every wall
    time of its exports is read in, the zone of its calendar and the zone of its scoring periods.

    Attributes:
        name: The district's name (辖区名称).
        timezone: The IANA zone of its wall times (时区), e.g. ``Asia/Shanghai``.
        units: The unit registry (承办单位名录).
        catalogue: The dispatch catalogue (派单目录).
        territory: The areas (辖区边界), in the CRS the manifest or the file declares.
        router: The router built from catalogue, territory and units (派单器).
        rules: The scoring rules (考评规则), their period zone set to :attr:`timezone`.
        deadlines: The deadline policy (时限规则).
        calendar: The working calendar (工作日历) in :attr:`timezone`.
        lifecycle: The ticket lifecycle (工单流转).
        population: Area or unit code → resident population (常住人口).
        columns: Export header → canonical field, from the manifest's ``[columns]``.
        folder: The folder it was loaded from.

    Examples:
        >>> district = District.sample()
        >>> district.name, district.timezone, len(district.units)
        ('示例区', 'Asia/Shanghai', 145)
        >>> district.router.units is district.units
        True
    """

    name: str
    timezone: str
    units: Units
    catalogue: Catalogue
    territory: Territory
    router: Router
    rules: Rules
    deadlines: DeadlinePolicy
    calendar: WorkCalendar
    lifecycle: Lifecycle
    population: Mapping[str, int] = attrs.field(converter=_frozen_map)
    columns: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    folder: Path | None = None

    @classmethod
    def load(cls, path: str | Path) -> District:
        """Load a district folder (读取辖区配置): ``district.toml`` and the files it names.

        Args:
            path: The folder (or its ``district.toml``).

        Returns:
            The district.

        Raises:
            DataFormatError: The manifest is missing, not UTF-8 or not TOML.
            ValidationReport: Every problem of every file at once (``file:line``, field, value, reason).

        Examples:
            >>> district = District.load(District.sample().folder)
            >>> district.rules.name, district.deadlines.name
            ('sample', 'sample')
        """
        path = Path(path)
        manifest = path if path.suffix == ".toml" else path / MANIFEST
        if not manifest.is_file():
            raise DataFormatError(
                f"no {MANIFEST} here; create one with `jiesu init`", field=MANIFEST, value=str(path)
            )
        return _load(manifest)

    @classmethod
    def sample(cls) -> District:
        """The bundled sample district (示例区), loaded by the same code as a user's folder."""
        return _sample()


@functools.cache
def _sample() -> District:
    with as_file(files("jiesu") / "data" / "sample") as folder:
        return District.load(folder)


def _file(
    folder: Path, doc: Mapping[str, Any], key: str, where: str, found: _Collector
) -> Path | None:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    target = folder / value
    if not target.is_file():
        found.add(where, key, value, f"no such file beside the manifest ({target})")
        return None
    return target


def _attempt(found: _Collector, file: str, build: Any) -> Any:  # noqa: ANN401 - any loaded object
    try:
        return build()
    except JiesuError as error:
        found.error(file, error)
        return None


class _Folder:
    """One district folder being loaded: the manifest, and every problem found so far."""

    def __init__(self, manifest: Path) -> None:
        self.folder = manifest.parent
        self.found = _Collector()
        self.doc, self.parsed = _read_manifest(manifest, self.found)

    def where(self, key: str) -> str:
        return self.parsed.where((key,))

    def choice(self, key: str, allowed: tuple[str, ...], reason: str) -> str | None:
        """A text key that must be one of ``allowed`` (``None`` when absent or bad)."""
        value = self.doc.get(key)
        if not isinstance(value, str):
            return None
        if value not in allowed:
            self.found.add(self.where(key), key, value, reason)
            return None
        return value

    def zone(self) -> str | None:
        zone = self.doc.get("timezone")
        if not isinstance(zone, str) or not zone.strip():
            return None
        if not _zone_ok(zone):
            self.found.add(
                self.where("timezone"),
                "timezone",
                zone,
                "unknown IANA time zone (e.g. Asia/Shanghai)",
            )
            return None
        return zone

    def file(self, key: str) -> Path | None:
        return _file(self.folder, self.doc, key, self.where(key), self.found)

    def named(self, key: str, preset: Any, from_file: Any) -> Any:  # noqa: ANN401 - loaded rules, policy or lifecycle
        return _named(
            self.folder,
            self.doc,
            key,
            where=self.where(key),
            found=self.found,
            preset=preset,
            from_file=from_file,
        )

    def holiday_files(self) -> tuple[str, ...]:
        names = self.doc.get("holidays")
        out = []
        for name in names if isinstance(names, list) else []:
            target = self.folder / str(name)
            if target.is_file():
                out.append(str(target))
            else:
                self.found.add(
                    self.where("holidays"), "holidays", name, "no such file beside the manifest"
                )
        return tuple(out)


def _load(manifest: Path) -> District:
    f = _Folder(manifest)
    zone = f.zone()
    crs = f.choice("areas_crs", _CRS_CODES, f"must be one of {', '.join(_CRS_CODES)}")
    beyond = f.choice(
        "beyond_coverage",
        ("raise", "weekdays", "statutory"),
        "must be raise, weekdays or statutory",
    )
    paths = {key: f.file(key) for key in ("units", "catalogue", "areas", "swaps", "population")}
    units = (
        _attempt(f.found, paths["units"].name, lambda: load_units(paths["units"]))
        if paths["units"]
        else None
    )
    catalogue = None
    if paths["catalogue"] and units is not None:
        catalogue = _attempt(
            f.found,
            paths["catalogue"].name,
            lambda: Catalogue.from_toml(paths["catalogue"], units=units),
        )
    territory = None
    if paths["areas"]:
        territory = _attempt(
            f.found,
            paths["areas"].name,
            lambda: _territory(
                paths["areas"],
                crs,
                paths["swaps"],
                tolerance=f.doc.get("border_tolerance_m", 0.0),
                distance=f.doc.get("max_distance_m", 500.0),
            ),
        )
    population = _read_population(paths["population"], f.found) if paths["population"] else {}
    rules = f.named("rules", Rules.preset, Rules.from_toml)
    deadlines = f.named("deadlines", DeadlinePolicy.preset, DeadlinePolicy.from_toml)
    lifecycle = (
        f.named("lifecycle", Lifecycle.preset, Lifecycle.from_toml)
        if "lifecycle" in f.doc
        else Lifecycle.preset("beijing")
    )
    holidays = f.holiday_files()
    calendar = None
    bad_beyond = "beyond_coverage" in f.doc and beyond is None
    if zone is not None and not bad_beyond:
        calendar = _attempt(
            f.found,
            ", ".join(Path(p).name for p in holidays) or "calendar",
            lambda: WorkCalendar.china(
                tz=zone,
                beyond_coverage=cast("BeyondCoverage", beyond or "raise"),
                extra_files=holidays,
            ),
        )
    if f.found.problems:
        raise ValidationReport(f.found.problems, total=len(f.found.problems))
    registry = cast("Units", units)
    return District(
        name=str(f.doc["name"]),
        timezone=str(zone),
        units=registry,
        catalogue=cast("Catalogue", catalogue),
        territory=cast("Territory", territory),
        router=Router(cast("Catalogue", catalogue), territory, registry),
        rules=attrs.evolve(rules, timezone=zone),
        deadlines=deadlines,
        calendar=cast("WorkCalendar", calendar),
        lifecycle=lifecycle,
        population=population
        or {u.code: u.population for u in registry if u.population is not None},
        columns=f.doc.get("columns", {}),
        folder=f.folder,
    )


def _number(value: object, default: float) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    return float(value) if ok else default  # type: ignore[arg-type] # checked above


def _territory(
    areas: Path, crs: str | None, swaps: Path | None, *, tolerance: object, distance: object
) -> Territory:
    """The areas, in the manifest's ``areas_crs`` where it names one (it overrides the file's crs_name)."""
    options = {
        "swap_zones": swaps,
        "border_tolerance_m": _number(tolerance, 0.0),
        "max_distance_m": _number(distance, 500.0),
    }
    if crs is None:
        return Territory.from_geojson(areas, **options)  # type: ignore[arg-type] # typed above
    try:
        doc = json.loads(areas.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return Territory.from_geojson(areas, crs=crs, **options)  # type: ignore[arg-type] # it names the problem
    if not isinstance(doc, dict) or (doc.get("crs_name", crs) == crs and "crs" not in doc):
        return Territory.from_geojson(areas, crs=crs, **options)  # type: ignore[arg-type] # typed above
    doc.pop("crs", None)
    doc["crs_name"] = crs
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / areas.name
        copy.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return Territory.from_geojson(copy, crs=crs, **options)  # type: ignore[arg-type] # typed above


def _named(
    folder: Path,
    doc: Mapping[str, Any],
    key: str,
    *,
    where: str,
    found: _Collector,
    preset: Any,  # noqa: ANN401 - a classmethod taking a name
    from_file: Any,  # noqa: ANN401 - a classmethod taking a path
) -> Any:  # noqa: ANN401 - the loaded rules, policy or lifecycle
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    if value.endswith(".toml"):
        target = folder / value
        if not target.is_file():
            found.add(where, key, value, f"no such file beside the manifest ({target})")
            return None
        return _attempt(found, target.name, lambda: from_file(target))
    try:
        return preset(value)
    except JiesuError as error:
        found.add(where, key, value, error.reason)
        return None


def init_folder(path: str | Path) -> tuple[Path, ...]:
    """Create a district folder to fill in (新建辖区配置), copied from the bundled sample.

    The copy holds a commented ``district.toml`` and every file it names, so ``jiesu check`` passes on
    it at once; replace each file with the district's own.

    Args:
        path: The folder to create (it may exist, but must not hold a ``district.toml``).

    Returns:
        The files written.

    Raises:
        DataFormatError: The folder already holds a district, or cannot be written.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     written = init_folder(Path(tmp) / "my-district")
        ...     District.load(Path(tmp) / "my-district").name
        '示例区'
    """
    target = Path(path)
    if (target / MANIFEST).exists():
        raise DataFormatError(
            f"already holds a {MANIFEST}; choose an empty folder", field="folder", value=str(target)
        )
    written = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        sample = [p for p in (files("jiesu") / "data" / "sample").iterdir() if p.is_file()]
        for item in sorted(sample, key=lambda p: p.name):
            out = target / item.name
            out.write_bytes(item.read_bytes())
            written.append(out)
    except OSError as exc:
        raise DataFormatError(
            f"cannot be written ({exc.__class__.__name__})", field="folder", value=str(target)
        ) from None
    return tuple(written)
