"""The router (派单): complaint → lead unit, co-handlers and dispatch mode, with the reasons."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs
import numpy as np

from jiesu.errors import (
    AmbiguousRouteError,
    JiesuError,
    NoResponsibleUnitError,
    ValidationError,
)
from jiesu.model import DEFAULT_TZ, Complaint, DispatchMode, Location, aware
from jiesu.routing._catalogue import Catalogue, Rule, RuleKind, Units, load_units
from jiesu.routing._territory import LocateStatus, Placement, Territory

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pendulum

    from jiesu.routing._coords import PathLike

__all__ = ["Decision", "Rejected", "RoutedRow", "Router", "RoutingBatch"]

OnAmbiguous = Literal["backstop", "refuse"]
_Locator = Callable[[Complaint, str], Placement | None]


@attrs.frozen
class Rejected:
    """A candidate that was not chosen, and why (未采用的候选及原因).

    Attributes:
        candidate: The unit code or rule label considered.
        reason_zh: Why not, in Chinese.
        reason_en: Why not, in English.
    """

    candidate: str
    reason_zh: str
    reason_en: str


@attrs.frozen
class Decision:
    """A routing decision (派单决定): who leads, who helps, how it is sent, and why.

    Attributes:
        complaint_id: The complaint routed.
        at: The time the decision applies to (aware; the catalogue and boundaries in force then).
        category: The complaint's category code.
        lead: The lead unit's code (主办).
        co_handlers: Co-handling units (协办).
        mode: Direct (直派) or via the district backstop (转派).
        rule: The catalogue rule used, ``None`` when no rule applied (backstop).
        placement: The territory result used, if the complaint was located.
        catalogue_version: The catalogue version in force.
        territory_version: The boundary version in force, if a territory was consulted.
        backstop: Whether the district backstop took it (兜底).
        reason_zh: Why the lead was chosen, in Chinese.
        reason_en: Why the lead was chosen, in English.
        rejected: Every other candidate with the reason it was not chosen.
    """

    complaint_id: str
    at: pendulum.DateTime
    category: str
    lead: str
    co_handlers: tuple[str, ...]
    mode: DispatchMode
    rule: Rule | None
    placement: Placement | None
    catalogue_version: str
    territory_version: str | None
    backstop: bool
    reason_zh: str
    reason_en: str
    rejected: tuple[Rejected, ...] = ()

    def explain(self, lang: Literal["zh", "en", "both"] = "both") -> str:
        """A readable account of the decision (派单说明) in Chinese, English or both.

        Args:
            lang: ``"zh"``, ``"en"`` or ``"both"`` (Chinese first).

        Returns:
            Several lines of text.
        """
        co = "、".join(self.co_handlers) or "无"
        how = "direct dispatch" if self.mode is DispatchMode.DIRECT else "via the district backstop"
        zh = [
            (
                f"诉求 {self.complaint_id}（分类 {self.category}）于 {self.at.to_datetime_string()} "
                f"{self.mode.label}至 {self.lead}（主办），协办：{co}。"
            ),
            f"依据：{self.reason_zh}",
            f"版本：派单目录 {self.catalogue_version}；边界 {self.territory_version or '未使用'}。",
            *(f"未采用 {r.candidate}：{r.reason_zh}" for r in self.rejected),
        ]
        en = [
            (
                f"Complaint {self.complaint_id} (category {self.category}) at "
                f"{self.at.to_iso8601_string()}: {how} to {self.lead} (lead); "
                f"co-handlers: {', '.join(self.co_handlers) or 'none'}."
            ),
            f"Basis: {self.reason_en}",
            f"Versions: catalogue {self.catalogue_version}; boundaries {self.territory_version or 'not used'}.",
            *(f"Not chosen {r.candidate}: {r.reason_en}" for r in self.rejected),
        ]
        if lang == "zh":
            return "\n".join(zh)
        if lang == "en":
            return "\n".join(en)
        return "\n".join([*zh, "", *en])


@attrs.frozen
class RoutedRow:
    """One row of :meth:`Router.route_many` (批量派单行): the decision, or the reason it was refused.

    Attributes:
        row: The row's position in the input.
        complaint_id: The complaint's id (``None`` when the row was not a complaint).
        decision: The decision, or ``None`` when refused.
        error: The refusal (a :class:`jiesu.errors.JiesuError`), or ``None``.
    """

    row: int
    complaint_id: str | None
    decision: Decision | None
    error: JiesuError | None

    @property
    def refusal(self) -> str | None:
        """The refusal message (拒绝原因), or ``None`` when routed."""
        return None if self.error is None else str(self.error)


@attrs.frozen
class RoutingBatch:
    """The result of :meth:`Router.route_many` (批量派单结果): one row per input, never dropped.

    Attributes:
        rows: One :class:`RoutedRow` per input complaint, in input order.
    """

    rows: tuple[RoutedRow, ...]

    def __len__(self) -> int:
        """The number of rows."""
        return len(self.rows)

    def __iter__(self) -> Iterator[RoutedRow]:
        """The rows in order."""
        return iter(self.rows)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """The decisions (派单决定) of the routed rows."""
        return tuple(r.decision for r in self.rows if r.decision is not None)

    @property
    def refused(self) -> tuple[RoutedRow, ...]:
        """The refused rows (拒绝派单行)."""
        return tuple(r for r in self.rows if r.error is not None)

    @property
    def backstop_count(self) -> int:
        """How many rows went to the district backstop (兜底件数)."""
        return sum(d.backstop for d in self.decisions)

    def counts(self) -> dict[str, int]:
        """Rows routed directly, via the district, to the backstop, and refused (各类计数)."""
        return {
            "direct": sum(d.mode is DispatchMode.DIRECT for d in self.decisions),
            "via_district": sum(d.mode is DispatchMode.VIA_DISTRICT for d in self.decisions),
            "backstop": self.backstop_count,
            "refused": len(self.refused),
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per row (导出记录, no personal data): ids, lead, co-handlers, mode, rule, refusal."""
        out = []
        for r in self.rows:
            d = r.decision
            out.append(
                {
                    "row": r.row,
                    "complaint_id": r.complaint_id,
                    "lead": None if d is None else d.lead,
                    "co_handlers": None if d is None else list(d.co_handlers),
                    "mode": None if d is None else d.mode.value,
                    "rule": None if d is None or d.rule is None else d.rule.describe(),
                    "backstop": None if d is None else d.backstop,
                    "refusal": r.refusal,
                }
            )
        return out


def _versions(value: object, cls: type, field: str) -> tuple[Any, ...]:
    items = (value,) if isinstance(value, cls) else value
    if not isinstance(items, Sequence) or not items or not all(isinstance(v, cls) for v in items):
        raise ValidationError(
            f"must be a {cls.__name__} or a non-empty sequence of them", field=field, value=value
        )
    return tuple(items)


@attrs.frozen(init=False)
class Router:
    """The router (派单器): catalogue rules plus territory, giving an explained :class:`Decision`.

    ``catalogue`` and ``territory`` may each be one version or a sequence of versions; the version in force
    on the decision date (local date in Asia/Shanghai) is used — the latest ``effective_from`` /
    ``valid_from`` not after it.

    Routing rules, in order (DOMAIN.md §5):

    * the rule in force for the category (or its nearest ancestor category);
    * ``functional`` → the named department, directly (直派); never pushed down to a street;
    * ``territorial`` → the area unit at the rule's level holding the complaint's location (converted to the
      territory's CRS first); a swap zone wins; outside every area the nearest within the maximum distance;
      an ambiguous border goes to the district backstop naming both (or is refused with
      ``on_ambiguous="refuse"``); beyond the maximum distance the row is refused; no location → backstop;
    * ``owner`` → the unit named by the complaint's owner attribute (passed as ``attributes`` to
      :meth:`route`, e.g. ``{"pole_owner": "E-POWER"}``); missing → backstop;
    * ``backstop``, or no rule in force, or an unknown category → the district backstop (转派), flagged
      ``backstop=True`` and counted by :meth:`RoutingBatch.counts`.

    Args:
        catalogue: The catalogue (or its versions).
        territory: The territory (or its versions), or ``None`` when no rule is territorial.
        units: The unit registry.
        on_ambiguous: ``"backstop"`` (default) or ``"refuse"`` for an ambiguous territorial location.
    """

    catalogues: tuple[Catalogue, ...] = attrs.field(alias="catalogue")  # so attrs.evolve works
    territories: tuple[Territory, ...] = attrs.field(alias="territory")
    units: Units
    on_ambiguous: OnAmbiguous

    def __init__(
        self,
        catalogue: Catalogue | Sequence[Catalogue],
        territory: Territory | Sequence[Territory] | None,
        units: Units,
        *,
        on_ambiguous: OnAmbiguous = "backstop",
    ) -> None:
        """Check and keep the catalogue versions, territory versions and units."""
        cats = _versions(catalogue, Catalogue, "catalogue")
        terrs = () if territory is None else _versions(territory, Territory, "territory")
        if not isinstance(units, Units):
            raise ValidationError(
                "must be a Units registry (see load_units)", field="units", value=units
            )
        if on_ambiguous not in ("backstop", "refuse"):
            raise ValidationError(
                "must be 'backstop' or 'refuse'", field="on_ambiguous", value=on_ambiguous
            )
        self.__attrs_init__(cats, terrs, units, on_ambiguous)

    @classmethod
    def from_files(
        cls,
        *,
        catalogue: PathLike,
        areas: PathLike,
        units: PathLike,
        swap_zones: PathLike | None = None,
        border_tolerance_m: float = 0.0,
        max_distance_m: float = 500.0,
        on_ambiguous: OnAmbiguous = "backstop",
    ) -> Router:
        """Build a router from its data files (从文件构建派单器): catalogue, areas, units, swap zones.

        Args:
            catalogue: The catalogue TOML (validated against ``units``).
            areas: The territory GeoJSON.
            units: The units TOML.
            swap_zones: The swap-zone GeoJSON, if any.
            border_tolerance_m: The territory's border tolerance in metres.
            max_distance_m: The territory's maximum distance in metres for the nearest area.
            on_ambiguous: ``"backstop"`` or ``"refuse"``.

        Returns:
            The router.

        Raises:
            DataFormatError: A file cannot be read or parsed.
            ValidationReport: A file holds bad records (every problem listed).

        Examples:
            >>> from jiesu.sample import data_file
            >>> router = Router.from_files(
            ...     catalogue=data_file("catalogue.toml"),
            ...     areas=data_file("areas.geojson"),
            ...     units=data_file("units.toml"),
            ...     swap_zones=data_file("swaps.geojson"),
            ... )
            >>> router.catalogues[0].version, router.territories[0].levels
            ('2025.1', ('district', 'street', 'community'))
        """
        registry = load_units(units)
        return cls(
            Catalogue.from_toml(catalogue, units=registry),
            Territory.from_geojson(
                areas,
                swap_zones=swap_zones,
                border_tolerance_m=border_tolerance_m,
                max_distance_m=max_distance_m,
            ),
            registry,
            on_ambiguous=on_ambiguous,
        )

    def catalogue_at(self, on: dt.date) -> Catalogue:
        """The catalogue version in force (在用目录版本) on ``on``.

        Raises:
            NoResponsibleUnitError: No version is in force then.
        """
        live = [c for c in self.catalogues if c.in_force(on)]
        if not live:
            raise NoResponsibleUnitError(
                "no catalogue version is in force on this date", field="at", value=str(on)
            )
        return max(live, key=lambda c: c.effective_from)

    def territory_at(self, on: dt.date) -> Territory | None:
        """The territory version in force (在用边界版本) on ``on`` (``None`` when none is)."""
        live = [t for t in self.territories if t.in_force(on)]
        return max(live, key=lambda t: t.valid_from or dt.date.min) if live else None

    def _rules(
        self, day: dt.date, code: str, memo: dict[Any, Any] | None
    ) -> tuple[Catalogue, Rule | None, tuple[Rejected, ...]]:
        """The catalogue in force, the category's rule and the rules not used (memoized per batch)."""
        key = (day, code)
        found = None if memo is None else memo.get(key)
        if found is None:
            cat = self.catalogue_at(day)
            rule = cat.rule_for(code, day)
            found = (cat, rule, _other_rules(cat, code, rule, day))
            if memo is not None:
                memo[key] = found
        return found

    def _territory(self, day: dt.date, memo: dict[Any, Any] | None) -> Territory | None:
        if memo is None:
            return self.territory_at(day)
        key = ("territory", day)
        if key not in memo:
            memo[key] = self.territory_at(day)
        return memo[key]  # type: ignore[no-any-return]  # as above

    def route(
        self,
        complaint: Complaint,
        *,
        at: object = None,
        attributes: Mapping[str, str] | None = None,
    ) -> Decision:
        """Route one complaint (派单).

        Args:
            complaint: The complaint.
            at: The aware time the decision applies to (default: ``complaint.received_at``).
            attributes: Attributes the complaint carries for ``owner`` rules (e.g. ``{"pole_owner": ...}``).

        Returns:
            The decision.

        Raises:
            ValidationError: Not a complaint, or a naive ``at``.
            NoResponsibleUnitError: No catalogue in force, an unknown unit, or a location too far from
                every area.
            AmbiguousRouteError: An ambiguous border with ``on_ambiguous="refuse"``.

        Examples:
            >>> import pendulum
            >>> from jiesu.model import Complaint, Location
            >>> from jiesu.sample import data_file
            >>> router = Router.from_files(
            ...     catalogue=data_file("catalogue.toml"),
            ...     areas=data_file("areas.geojson"),
            ...     units=data_file("units.toml"),
            ... )
            >>> c = Complaint(
            ...     "C1", pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"), "app", "complaint",
            ...     "normal", "03.01.01", location=Location(115.5327, 38.8505, "WGS84"),
            ... )
            >>> d = router.route(c)
            >>> d.lead, d.mode.label, d.rule.describe()
            ('S05', '直派', 'rule[21] 03.01.01 territorial → street')
            >>> print(d.explain("en").splitlines()[2])
            Versions: catalogue 2025.1; boundaries 2025.1.
        """
        if not isinstance(complaint, Complaint):
            raise ValidationError(
                "must be a Complaint", field="complaint", value=type(complaint).__name__
            )
        when = complaint.received_at if at is None else aware(at, field="at")
        return self._decide(complaint, when, attributes or {}, self._locate_one)

    def _locate_one(
        self, complaint: Complaint, level: str, territory: Territory, on: dt.date
    ) -> Placement | None:
        loc = cast("Location", complaint.location)  # callers route only located complaints here
        return territory.locate(loc.lon, loc.lat, crs=loc.crs, level=level, on=on)

    def route_many(
        self,
        complaints: Sequence[Complaint],
        *,
        at: object = None,
        attributes: Sequence[Mapping[str, str] | None] | None = None,
    ) -> RoutingBatch:
        """Route a table of complaints (批量派单): one row each, with a decision or its refusal.

        Locations are located with one :meth:`Territory.locate_many` call per (territory version, level,
        CRS) group; the per-row decision objects are then assembled. No row is ever dropped: a bad row keeps
        its error.

        Args:
            complaints: The complaints.
            at: One aware time for all rows (default: each complaint's ``received_at``).
            attributes: Per-row owner attributes (same length as ``complaints``), or ``None``.

        Returns:
            The batch.

        Raises:
            ValidationError: ``attributes`` has the wrong length, or ``at`` is naive.
        """
        rows: list[object] = list(complaints)
        attrs_list = list(attributes) if attributes is not None else [None] * len(rows)
        if len(attrs_list) != len(rows):
            raise ValidationError(
                "must have one entry per complaint", field="attributes", value=len(attrs_list)
            )
        when_all = None if at is None else aware(at, field="at")
        memo: dict[Any, Any] = {}  # rules and versions per (day, category): found once per batch
        placements = self._placements(rows, when_all, memo)
        out = []
        for i, (c, extra) in enumerate(zip(rows, attrs_list, strict=True)):
            cid = c.id if isinstance(c, Complaint) else None
            try:
                if not isinstance(c, Complaint):
                    raise ValidationError(
                        "must be a Complaint", field="complaint", value=type(c).__name__
                    )
                when = when_all or c.received_at

                def lookup(
                    _c: Complaint, level: str, _t: Territory, _on: dt.date, i: int = i
                ) -> Placement | None:
                    return placements.get((i, level))

                decision = self._decide(c, when, extra or {}, lookup, memo)
                out.append(RoutedRow(i, cid, decision, None))
            except JiesuError as exc:
                out.append(RoutedRow(i, cid, None, exc))
        return RoutingBatch(tuple(out))

    def _placements(
        self, rows: list[object], when_all: pendulum.DateTime | None, memo: dict[Any, Any]
    ) -> dict[tuple[int, str], Placement]:
        """Locate every row that a territorial rule will need, grouped for ``locate_many``."""
        groups: dict[tuple[int, str, str, tuple[str, ...]], list[int]] = {}
        first_day: dict[tuple[int, str, str, tuple[str, ...]], dt.date] = {}
        for i, c in enumerate(rows):
            if not isinstance(c, Complaint) or c.location is None:
                continue
            day = _local_date(when_all or c.received_at)
            try:
                _, rule, _ = self._rules(day, c.category, memo)
            except NoResponsibleUnitError:
                continue
            territory = self._territory(day, memo)
            if rule is None or territory is None:
                continue
            level = {RuleKind.TERRITORIAL: rule.level, RuleKind.FUNCTIONAL: "street"}.get(rule.kind)
            if level is None or level not in territory.levels:
                continue
            # Rows share a locate_many call when the same swap zones are in force for them.
            zone_key = ("zones", id(territory), level, day)
            if zone_key not in memo:
                memo[zone_key] = tuple(z.id for z in territory._zones(level, day))  # noqa: SLF001 - same package
            key = (id(territory), level, c.location.crs.value, memo[zone_key])
            groups.setdefault(key, []).append(i)
            first_day.setdefault(key, day)
        found: dict[tuple[int, str], Placement] = {}
        by_id = {id(t): t for t in self.territories}
        for key, idx in groups.items():
            tid, level, crs, _ = key
            locs = [rows[i].location for i in idx]  # type: ignore[attr-defined]  # complaints with a location, filtered above
            lons = np.array([loc.lon for loc in locs])
            lats = np.array([loc.lat for loc in locs])
            result = by_id[tid].locate_many(lons, lats, crs=crs, level=level, on=first_day[key])
            for k, i in enumerate(idx):
                found[(i, level)] = result[k]
        return found

    # -- the rules -----------------------------------------------------------------------------------

    def _decide(
        self,
        complaint: Complaint,
        when: pendulum.DateTime,
        attributes: Mapping[str, str],
        locate: Callable[[Complaint, str, Territory, dt.date], Placement | None],
        memo: dict[Any, Any] | None = None,
    ) -> Decision:
        day = _local_date(when)
        code = complaint.category
        cat, rule, rejected = self._rules(day, code, memo)
        base: dict[str, Any] = {
            "complaint_id": complaint.id,
            "at": when,
            "category": code,
            "catalogue_version": cat.version,
            "rule": rule,
            "territory_version": None,
            "placement": None,
        }
        if rule is None:
            known = cat.category(code) is not None
            zh = "分类无在用规则，转区级兜底" if known else "分类不在派单目录中，转区级兜底"
            en = (
                f"category {code} has no rule in force on {day}; sent to the district backstop"
                if known
                else f"category {code} is not in the catalogue; sent to the district backstop"
            )
            return self._backstop(cat, base, zh, en, rejected=rejected, co=())
        co = rule.co_handlers
        if rule.kind is RuleKind.BACKSTOP:
            return self._backstop(
                cat,
                base,
                f"目录规定区级兜底（{rule.describe()}）",
                f"the catalogue assigns the district backstop ({rule.describe()})",
                rejected=rejected,
                co=co,
                unit=rule.unit,
            )
        if rule.kind is RuleKind.FUNCTIONAL:
            lead = self._unit(rule.unit)  # type: ignore[arg-type]  # functional rules have a unit
            rejected += self._street_not_used(complaint, locate, day, memo)
            return Decision(
                **base,
                lead=lead,
                co_handlers=_without(co, lead),
                mode=DispatchMode.DIRECT,
                backstop=False,
                reason_zh=f"职能事项，按{rule.describe()}直派职能部门{_basis_zh(rule)}",
                reason_en=(
                    f"a functional matter: {rule.describe()} sends it directly to the department"
                    f"{_basis_en(rule)}"
                ),
                rejected=rejected,
            )
        if rule.kind is RuleKind.OWNER:
            owner = attributes.get(rule.owner_attribute or "")
            if owner is None:
                zh = f"权属属性 {rule.owner_attribute} 未提供，转区级兜底"
                en = f"the owner attribute {rule.owner_attribute!r} was not given; sent to the district backstop"
                return self._backstop(cat, base, zh, en, rejected=rejected, co=co)
            lead = self._unit(owner)
            return Decision(
                **base,
                lead=lead,
                co_handlers=_without(co, lead),
                mode=DispatchMode.DIRECT,
                backstop=False,
                reason_zh=f"按权属（{rule.owner_attribute}={owner}）直派权属单位{_basis_zh(rule)}",
                reason_en=f"by ownership ({rule.owner_attribute}={owner}): {rule.describe()}{_basis_en(rule)}",
                rejected=rejected,
            )
        return self._territorial(
            complaint,
            rule=rule,
            cat=cat,
            base=base,
            rejected=rejected,
            co=co,
            locate=locate,
            day=day,
            memo=memo,
        )

    def _territorial(
        self,
        complaint: Complaint,
        *,
        rule: Rule,
        cat: Catalogue,
        base: dict[str, Any],
        rejected: tuple[Rejected, ...],
        co: tuple[str, ...],
        locate: Callable[[Complaint, str, Territory, dt.date], Placement | None],
        day: dt.date,
        memo: dict[Any, Any] | None,
    ) -> Decision:
        territory = self._territory(day, memo)
        if territory is None:
            raise NoResponsibleUnitError(
                "a territorial rule applies but no territory version is in force",
                field="at",
                value=str(day),
            )
        level = rule.level or "street"
        if level not in territory.levels:
            raise NoResponsibleUnitError(
                f"the territory has no areas at the rule's level ({rule.describe()})",
                field="level",
                value=level,
            )
        base = {**base, "territory_version": territory.version or "unversioned"}
        if complaint.location is None:
            zh = f"属地事项但诉求无坐标，转区级兜底；{rule.describe()}"
            en = f"a territorial matter without coordinates; sent to the district backstop; {rule.describe()}"
            return self._backstop(cat, base, zh, en, rejected=rejected, co=co)
        placement = locate(complaint, level, territory, day)
        assert placement is not None  # noqa: S101 - a location was given, so a placement exists
        base["placement"] = placement
        status = placement.status
        if status is LocateStatus.REFUSED:
            raise NoResponsibleUnitError(
                f"the location is farther than the maximum distance from every {level} area",
                field="location",
                value=(complaint.location.lon, complaint.location.lat),
            )
        if status is LocateStatus.AMBIGUOUS:
            a, b = placement.area_id, placement.other_id
            if self.on_ambiguous == "refuse":
                raise AmbiguousRouteError(
                    f"the location is on the border of {a} and {b}", field="location", value=(a, b)
                )
            zh = f"位于 {a} 与 {b} 交界（容差内），责任不明，转区级兜底；{rule.describe()}{_basis_zh(rule)}"
            en = (
                f"the location lies on the border of {a} and {b} (within the tolerance); sent to the "
                f"district backstop; {rule.describe()}{_basis_en(rule)}"
            )
            amb = tuple(
                Rejected(u, "边界不明，未直派", "ambiguous border: not dispatched directly")
                for u in placement.candidates
            )
            return self._backstop(cat, base, zh, en, rejected=rejected + amb, co=co)
        lead = self._unit(placement.area_id)  # type: ignore[arg-type]  # inside/nearest name an area
        if placement.zone_id is not None:
            zh = f"位于协商调整区 {placement.zone_id}，由 {lead} 负责（属地按协议）"
            en = f"inside agreed swap zone {placement.zone_id}: {lead} is responsible by agreement"
            if placement.admin_id is not None and placement.admin_id != lead:
                rejected += (
                    Rejected(
                        placement.admin_id,
                        f"行政区划属 {placement.admin_id}，但协商调整区 {placement.zone_id} 优先",
                        f"the admin line gives {placement.admin_id}, but swap zone {placement.zone_id} wins",
                    ),
                )
        elif status is LocateStatus.NEAREST:
            zh = f"位于各区域之外，就近归属 {lead}（{placement.distance_m:.0f} 米）"
            en = f"outside every area; nearest area {lead} ({placement.distance_m:.0f} m)"
        else:
            zh = f"位于 {lead} 辖区内（属地管理）"
            en = f"inside {lead}'s area (territorial management)"
        return Decision(
            **base,
            lead=lead,
            co_handlers=_without(co, lead),
            mode=DispatchMode.DIRECT,
            backstop=False,
            reason_zh=f"{zh}；{rule.describe()}{_basis_zh(rule)}",
            reason_en=f"{en}; {rule.describe()}{_basis_en(rule)}",
            rejected=rejected,
        )

    def _street_not_used(
        self,
        complaint: Complaint,
        locate: Callable[[Complaint, str, Territory, dt.date], Placement | None],
        day: dt.date,
        memo: dict[Any, Any] | None,
    ) -> tuple[Rejected, ...]:
        territory = self._territory(day, memo)
        if territory is None or complaint.location is None or "street" not in territory.levels:
            return ()
        placement = locate(complaint, "street", territory, day)
        if placement is None or placement.area_id is None:
            return ()
        return (
            Rejected(
                placement.area_id,
                "职能部门事项不下沉街道（国办函〔2025〕66号）",
                "matters of a functional department are never pushed down to a street ([GB-66])",
            ),
        )

    def _backstop(
        self,
        cat: Catalogue,
        base: dict[str, Any],
        zh: str,
        en: str,
        *,
        rejected: tuple[Rejected, ...],
        co: tuple[str, ...],
        unit: str | None = None,
    ) -> Decision:
        lead = self._unit(unit or cat.backstop_unit or self.units.district().code)
        return Decision(
            **base,
            lead=lead,
            co_handlers=_without(co, lead),
            mode=DispatchMode.VIA_DISTRICT,
            backstop=True,
            reason_zh=zh,
            reason_en=en,
            rejected=rejected,
        )

    def _unit(self, code: str) -> str:
        if code not in self.units:
            raise NoResponsibleUnitError(
                "the responsible unit is not in the unit registry", field="unit", value=code
            )
        return code


@functools.cache
def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(DEFAULT_TZ)


def _local_date(when: pendulum.DateTime) -> dt.date:
    """The calendar date in Asia/Shanghai (the plain-datetime path is much faster than pendulum's)."""
    return dt.datetime.fromtimestamp(when.timestamp(), tz=_zone()).date()


def _without(co: tuple[str, ...], lead: str) -> tuple[str, ...]:
    return tuple(c for c in co if c != lead)


def _basis_zh(rule: Rule) -> str:
    return f"（依据：{rule.legal_basis}）" if rule.legal_basis else ""


def _basis_en(rule: Rule) -> str:
    return f" (legal basis: {rule.legal_basis})" if rule.legal_basis else ""


def _other_rules(
    cat: Catalogue, code: str, used: Rule | None, day: dt.date
) -> tuple[Rejected, ...]:
    """Every other rule of the category's lineage, with the reason it was not used."""
    out = []
    lineage = cat.lineage(code)
    for depth, cat_code in enumerate(lineage):
        for rule in cat.rules_for(cat_code):
            if rule is used:
                continue
            if not rule.in_force(day):
                to = rule.effective_to or "—"
                zh = f"{day} 不在有效期内（{rule.effective_from}～{to}）"
                en = f"not in force on {day} ({rule.effective_from}..{rule.effective_to or 'open'})"
            elif used is not None and lineage.index(used.category) < depth:
                zh = f"被更具体的分类规则 {used.describe()} 取代"
                en = f"superseded by the more specific {used.describe()}"
            else:  # pragma: no cover - rules of one category never overlap (validated); kept for safety
                zh = en = "not used"
            out.append(Rejected(rule.describe(), zh, en))
    return tuple(out)
