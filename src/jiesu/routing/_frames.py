"""Routing a table of complaints (批量派单表): the router's rules over columns, no object per row.

Rows are grouped by (local day, category): the catalogue version, the rule and its outcome are found once
per group; locations are placed with one :meth:`~jiesu.routing.Territory.locate_many` call per (territory,
level, CRS, swap zones) group. Only these groups are Python loops, never the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from jiesu.errors import AmbiguousRouteError, JiesuError, NoResponsibleUnitError, ValidationError
from jiesu.model import CRS, DispatchMode, aware
from jiesu.routing._catalogue import RuleKind
from jiesu.routing._router import _local_date
from jiesu.routing._territory import LocateStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from jiesu.routing._catalogue import Catalogue, Rule
    from jiesu.routing._router import Router
    from jiesu.routing._territory import Territory

__all__ = ["ROUTE_COLUMNS", "ROUTE_REASONS", "route_frame"]

ROUTE_COLUMNS: Final = ("category", "lon", "lat", "crs", "received_at")
"""The columns :func:`route_frame` reads (派单表字段): category code, coordinates (null when none), their
CRS code (``WGS84``, ``CGCS2000``, ``GCJ02``, ``BD09``; null: the territory's) and the aware intake time."""

ROUTE_REASONS: Final = {
    "inside": "位于辖区内（属地管理）",
    "swap_zone": "位于协商调整区（属地按协议）",
    "nearest": "位于各区域之外，就近归属",
    "functional": "职能事项，直派职能部门",
    "owner": "按权属直派权属单位",
    "catalogue_backstop": "目录规定区级兜底",
    "no_rule": "分类无在用规则，转区级兜底",
    "unknown_category": "分类不在派单目录中，转区级兜底",
    "owner_missing": "权属属性未提供，转区级兜底",
    "no_location": "属地事项但诉求无坐标，转区级兜底",
    "ambiguous": "边界不明，转区级兜底",
    "refused": "拒绝派单",
}
"""The ``reason`` codes of :func:`route_frame` (派单依据代码) and their Chinese meaning; a refused row's
reason is the refusal message instead (what :attr:`RoutedRow.refusal` gives)."""

_SHANGHAI_FIXED_FROM_US: Final = (
    684_860_400_000_000  # 1991-09-15 UTC: no DST in Asia/Shanghai after
)
_OFFSET_US: Final = 8 * 3_600_000_000
_DAY_US: Final = 86_400_000_000
_EPOCH: Final = dt.date(1970, 1, 1)


class _Columns:
    """The output columns as codes into one table of distinct values (0 is null), filled by group."""

    NAMES: Final = ("lead_unit", "co_handlers", "rule", "mode", "status", "reason")

    def __init__(self, n: int) -> None:
        self.values: list[str | None] = [None]
        self._index: dict[str | None, int] = {None: 0}
        self.codes = {name: np.zeros(n, dtype=np.int32) for name in self.NAMES}

    def code(self, value: str | None) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found

    def put(
        self,
        rows: NDArray[np.intp],
        lead: str,
        co: tuple[str, ...],
        rule: Rule | None,
        *,
        backstop: bool,
        reason: str | NDArray[Any],
    ) -> None:
        mode = DispatchMode.VIA_DISTRICT if backstop else DispatchMode.DIRECT
        for name, value in (
            ("lead_unit", lead),
            ("co_handlers", ";".join(co)),
            ("rule", None if rule is None else rule.describe()),
            ("mode", mode.value),
            ("status", "backstop" if backstop else "routed"),
        ):
            self.codes[name][rows] = self.code(value)
        if isinstance(reason, str):
            self.codes["reason"][rows] = self.code(reason)
        else:
            self.codes["reason"][rows] = np.select(
                [reason == r for r in ROUTE_REASONS], [self.code(r) for r in ROUTE_REASONS], 0
            )

    def refuse(self, rows: NDArray[np.intp], error: JiesuError) -> None:
        for name in ("lead_unit", "co_handlers", "rule", "mode"):
            self.codes[name][rows] = 0
        self.codes["status"][rows] = self.code("refused")
        self.codes["reason"][rows] = self.code(str(error))


def _local_days(us: NDArray[np.int64], missing: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Local (Asia/Shanghai) dates as days since 1970, UTC+8 after 1991 and the zone's rules before."""
    days = (us + _OFFSET_US) // _DAY_US
    old = np.flatnonzero(~missing & (us < _SHANGHAI_FIXED_FROM_US))
    for row in old:  # rows before 1992 only: the zone's DST years need its rules
        when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us[row]))
        days[row] = (_local_date(aware(when)) - _EPOCH).days
    return days


def _codes(values: NDArray[Any]) -> tuple[NDArray[np.str_], NDArray[np.intp]]:
    uniques, inverse = np.unique(values.astype(str), return_inverse=True)
    return uniques, inverse.reshape(-1)


def _breaks(router: Router) -> NDArray[np.int64]:
    """Every day (since 1970) on which a version, rule, area or swap zone starts or stops being in force.

    Between two such days the router decides a category the same way, so one day stands for all.
    """
    dates: set[dt.date | None] = set()
    for cat in router.catalogues:
        dates.add(cat.effective_from)
        for rule in cat.rules:
            dates.update((rule.effective_from, rule.effective_to))
    for territory in router.territories:
        dates.add(territory.valid_from)
        dates.update(a.valid_from for a in territory.areas)
        dates.update(z.valid_from for z in territory.swap_zones)
    found = {(d - _EPOCH).days + k for d in dates if d is not None for k in (0, 1)}
    return np.array(sorted(found), dtype=np.int64)


def _groups(keys: NDArray[np.int64]) -> list[tuple[int, NDArray[np.intp]]]:
    """Each distinct key with its rows, by one sort (not one scan per group)."""
    if not keys.size:
        return []
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    cuts = np.flatnonzero(np.diff(ordered)) + 1
    return [
        (int(part[0]), rows)
        for part, rows in zip(np.split(ordered, cuts), np.split(order, cuts), strict=True)
    ]


def route_frame(  # noqa: C901, PLR0912, PLR0915 - one branch per rule kind, as Router.route
    frame: Any,  # noqa: ANN401 - any native frame narwhals reads
    router: Router,
    *,
    on: dt.datetime | None = None,
    columns: Mapping[str, str] | None = None,
) -> Any:  # noqa: ANN401 - the same kind of frame back
    """Route a table of complaints (批量派单表), adding the decision's columns; no row is dropped.

    Adds ``lead_unit`` (主办), ``co_handlers`` (协办, ``;``-joined), ``rule`` (the rule used, as
    :meth:`Rule.describe` gives it), ``mode`` (``direct`` 直派 / ``via_district`` 转派), ``status``
    (``routed``, ``backstop`` or ``refused``) and ``reason`` (a code of :data:`ROUTE_REASONS`, or the refusal
    message). Lead, co-handlers, rule and mode equal :meth:`Router.route_many` on the same complaints.
    ``owner`` rules read the owner from a column named like the rule's ``owner_attribute``, if present.

    Args:
        frame: pandas, polars (eager or lazy), pyarrow, duckdb...; a lazy frame is collected.
        router: The router.
        on: One aware time for all rows (default: each row's ``received_at``).
        columns: Role → column name, for names other than :data:`ROUTE_COLUMNS`.

    Raises:
        ValidationError: A required column is missing, ``received_at`` is naive, or ``on`` is naive.

    Examples:
        >>> import pendulum, polars as pl
        >>> from jiesu.routing import Router
        >>> from jiesu.sample import data_file
        >>> router = Router.from_files(
        ...     catalogue=data_file("catalogue.toml"),
        ...     areas=data_file("areas.geojson"),
        ...     units=data_file("units.toml"),
        ... )
        >>> table = pl.DataFrame({"category": ["03.01.01", "03.01.01"], "lon": [115.5327, None],
        ...                       "lat": [38.8505, None], "crs": ["WGS84", None]})
        >>> out = route_frame(table, router, on=pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"))
        >>> out.select("lead_unit", "mode", "status", "reason").rows()
        [('S05', 'direct', 'routed', 'inside'), ('SLQ', 'via_district', 'backstop', 'no_location')]
    """
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - frame machinery loads on first use

    names = {role: role for role in ROUTE_COLUMNS}
    for role, column in (columns or {}).items():
        if role not in names:
            raise ValidationError(
                f"is not a role of the complaint table; choose one of {', '.join(ROUTE_COLUMNS)}",
                field="columns",
                value=role,
            )
        names[role] = column
    when_all = None if on is None else aware(on, field="on")
    native = nw.from_native(frame)
    if isinstance(native, nw.LazyFrame):
        native = native.collect()
    schema = native.schema
    needed = ("category",) if when_all is not None else ("category", "received_at")
    for role in needed:
        if names[role] not in schema:
            raise ValidationError(
                "is a required column of the complaint table", field=role, value=names[role]
            )
    n = len(native)
    exprs = [nw.col(names["category"]).cast(nw.String).alias("category")]
    if when_all is None:
        dtype = schema[names["received_at"]]
        if not isinstance(dtype, nw.Datetime) or dtype.time_zone is None:
            raise ValidationError(
                "must be a column of aware instants (a zone is never guessed)",
                field=names["received_at"],
                value=str(dtype),
            )
        exprs.append(
            nw.col(names["received_at"])
            .dt.convert_time_zone("UTC")
            .dt.replace_time_zone(None)
            .cast(nw.Datetime("us"))
            .cast(nw.Int64)
            .alias("received_at")
        )
    exprs += [
        nw.col(names[role]).cast(nw.Float64).alias(role)
        for role in ("lon", "lat")
        if names[role] in schema
    ]
    if names["crs"] in schema:
        exprs.append(nw.col(names["crs"]).cast(nw.String).alias("crs"))
    owners = sorted(
        {
            r.owner_attribute
            for c in router.catalogues
            for r in c.rules
            if r.kind is RuleKind.OWNER
            and r.owner_attribute is not None
            and r.owner_attribute in schema
        }
    )
    exprs += [nw.col(a).cast(nw.String).alias(f"owner:{a}") for a in owners]
    picked = native.select(exprs)
    got = {name: picked[name].to_numpy() for name in picked.columns}
    out = _Columns(n)

    category = got["category"]
    bad_category = np.asarray(category == None, dtype=bool).reshape(n)  # noqa: E711 - elementwise
    if when_all is None:
        stamp = got["received_at"]
        missing = (
            np.isnan(stamp.astype(np.float64)) if stamp.dtype.kind == "f" else np.zeros(n, bool)
        )
        us = np.where(missing, 0, stamp).astype(np.int64)
        days = _local_days(us, missing)
    else:
        missing = np.zeros(n, dtype=bool)
        days = np.full(n, (_local_date(when_all) - _EPOCH).days, dtype=np.int64)
    out.refuse(
        np.flatnonzero(missing),
        ValidationError("missing value is not an instant", field="received_at", value=None),
    )
    out.refuse(
        np.flatnonzero(bad_category),
        ValidationError("missing value is not a category", field="category", value=None),
    )
    lon = got.get("lon", np.full(n, np.nan)).astype(np.float64)
    lat = got.get("lat", np.full(n, np.nan)).astype(np.float64)
    located = ~(np.isnan(lon) | np.isnan(lat))
    crs_codes, crs_index = (
        _codes(got["crs"]) if "crs" in got else (np.array(["None"]), np.zeros(n, np.intp))
    )

    usable = ~missing & ~bad_category
    cat_codes, cat_index = _codes(np.where(usable, category, ""))
    breaks = _breaks(router)
    period = np.searchsorted(breaks, days, side="right")
    first_day = np.full(breaks.size + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_day, period[usable], days[usable])  # one day stands for its whole period
    keys = period * len(cat_codes) + cat_index
    kept = np.flatnonzero(usable)
    pending: dict[
        tuple[int, str, str, tuple[str, ...]],
        list[tuple[NDArray[np.intp], Rule, tuple[str, ...], Territory, dt.date, Catalogue]],
    ] = {}

    def one(rows: NDArray[np.intp], day: dt.date, code: str) -> None:
        cat = router.catalogue_at(day)
        rule = cat.rule_for(code, day)
        if rule is None:
            lead = _backstop_unit(router, cat)
            reason = "no_rule" if cat.category(code) is not None else "unknown_category"
            out.put(rows, lead, (), None, backstop=True, reason=reason)
            return
        co = rule.co_handlers
        if rule.kind is RuleKind.BACKSTOP:
            lead = router._unit(rule.unit or cat.backstop_unit or router.units.district().code)  # noqa: SLF001 - same package
            out.put(
                rows, lead, _without(co, lead), rule, backstop=True, reason="catalogue_backstop"
            )
        elif rule.kind is RuleKind.FUNCTIONAL:
            _direct(
                router,
                out=out,
                rows=rows,
                leads=np.full(rows.size, rule.unit, dtype=object),
                rule=rule,
                reasons="functional",
            )
        elif rule.kind is RuleKind.OWNER:
            _owner(
                router,
                cat=cat,
                out=out,
                rows=rows,
                rule=rule,
                values=got.get(f"owner:{rule.owner_attribute}"),
            )
        else:
            territory = router.territory_at(day)
            level = rule.level or "street"
            if territory is None:
                raise NoResponsibleUnitError(
                    "a territorial rule applies but no territory version is in force",
                    field="at",
                    value=str(day),
                )
            if level not in territory.levels:
                raise NoResponsibleUnitError(
                    f"the territory has no areas at the rule's level ({rule.describe()})",
                    field="level",
                    value=level,
                )
            here = rows[located[rows]]
            away = rows[~located[rows]]
            if away.size:
                lead = _backstop_unit(router, cat)
                out.put(away, lead, _without(co, lead), rule, backstop=True, reason="no_location")
            zones = tuple(z.id for z in territory._zones(level, day))  # noqa: SLF001 - same package
            for c in np.unique(crs_index[here]):
                sub = here[crs_index[here] == c]
                crs = str(crs_codes[c])
                pending.setdefault((id(territory), level, crs, zones), []).append(
                    (sub, rule, co, territory, day, cat)
                )

    for key, positions in _groups(keys[kept]):
        rows = kept[positions]
        day = _EPOCH + dt.timedelta(days=int(first_day[key // len(cat_codes)]))
        code = str(cat_codes[key % len(cat_codes)])
        try:
            one(rows, day, code)
        except JiesuError:  # the refusal names the row's own day: find it day by day
            for d in np.unique(days[rows]):
                sub = rows[days[rows] == d]
                try:
                    one(sub, _EPOCH + dt.timedelta(days=int(d)), code)
                except JiesuError as exc:
                    out.refuse(sub, exc)
    for (_, level, crs, _), parts in pending.items():
        territory, day = parts[0][3], parts[0][4]
        rows = np.concatenate([p[0] for p in parts])
        try:
            placed = territory.locate_many(
                lon[rows],
                lat[rows],
                crs=None if crs == "None" else CRS.parse(crs, field="crs"),
                level=level,
                on=day,
            )
        except JiesuError as exc:
            out.refuse(rows, exc)
            continue
        start = 0
        for sub, rule, _, _, _, cat in parts:
            codes = placed.status_code[start : start + sub.size]
            areas = placed.area_id[start : start + sub.size]
            zone = placed.zone_id[start : start + sub.size]
            other = placed.other_id[start : start + sub.size]
            start += sub.size
            _territorial(
                router,
                cat=cat,
                out=out,
                points=(sub, lon[sub], lat[sub]),
                rule=rule,
                placed=(codes, areas, zone, other),
                level=level,
            )
    backend = nw.get_native_namespace(native)
    keys_out = list(range(len(out.values)))
    return native.with_columns(
        [
            nw.new_series(name, out.codes[name], nw.Int32, backend=backend).replace_strict(
                keys_out, out.values, return_dtype=nw.String
            )
            for name in _Columns.NAMES
        ]
    ).to_native()


def _without(co: tuple[str, ...], lead: str) -> tuple[str, ...]:
    return tuple(c for c in co if c != lead)


def _backstop_unit(router: Router, cat: Catalogue) -> str:
    return router._unit(cat.backstop_unit or router.units.district().code)  # noqa: SLF001 - same package


def _direct(
    router: Router,
    *,
    out: _Columns,
    rows: NDArray[np.intp],
    leads: NDArray[Any],
    rule: Rule,
    reasons: NDArray[Any] | str,
) -> None:
    """Rows sent directly to the unit in ``leads`` (one per row): one pass per distinct unit."""
    for lead in dict.fromkeys(leads.tolist()):
        mine = rows[leads == lead]
        why = reasons if isinstance(reasons, str) else reasons[leads == lead]
        try:
            code = router._unit(lead)  # noqa: SLF001 - same package
        except JiesuError as exc:
            out.refuse(mine, exc)
            continue
        out.put(mine, code, _without(rule.co_handlers, code), rule, backstop=False, reason=why)


def _owner(
    router: Router,
    *,
    cat: Catalogue,
    out: _Columns,
    rows: NDArray[np.intp],
    rule: Rule,
    values: NDArray[Any] | None,
) -> None:
    given = np.zeros(rows.size, dtype=bool) if values is None else (values[rows] != None)  # noqa: E711 - elementwise on an object array
    lost = rows[~given]
    if lost.size:
        lead = _backstop_unit(router, cat)
        out.put(
            lost,
            lead,
            _without(rule.co_handlers, lead),
            rule,
            backstop=True,
            reason="owner_missing",
        )
    if given.any():
        assert values is not None  # noqa: S101 - given is all False without a column
        _direct(
            router, out=out, rows=rows[given], leads=values[rows[given]], rule=rule, reasons="owner"
        )


def _territorial(
    router: Router,
    *,
    cat: Catalogue,
    out: _Columns,
    points: tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]],
    rule: Rule,
    placed: tuple[NDArray[np.int8], NDArray[Any], NDArray[Any], NDArray[Any]],
    level: str,
) -> None:
    rows, lon, lat = points
    codes, areas, zones, others = placed
    inside, ambiguous, nearest, refused = (
        codes == list(LocateStatus).index(s) for s in LocateStatus
    )
    for k in np.flatnonzero(refused):  # rare: each refusal names its own location
        error = NoResponsibleUnitError(
            f"the location is farther than the maximum distance from every {level} area",
            field="location",
            value=(float(lon[k]), float(lat[k])),
        )
        out.refuse(rows[k : k + 1], error)
    if ambiguous.any():
        if router.on_ambiguous == "refuse":
            for k in np.flatnonzero(ambiguous):
                out.refuse(
                    rows[k : k + 1],
                    AmbiguousRouteError(
                        f"the location is on the border of {areas[k]} and {others[k]}",
                        field="location",
                        value=(areas[k], others[k]),
                    ),
                )
        else:
            lead = _backstop_unit(router, cat)
            out.put(
                rows[ambiguous],
                lead,
                _without(rule.co_handlers, lead),
                rule,
                backstop=True,
                reason="ambiguous",
            )
    chosen = inside | nearest
    zoned = zones != None  # noqa: E711 - elementwise on an object array
    reasons = np.where(zoned, "swap_zone", np.where(nearest, "nearest", "inside"))
    _direct(
        router,
        out=out,
        rows=rows[chosen],
        leads=areas[chosen],
        rule=rule,
        reasons=reasons[chosen].astype(object),
    )
