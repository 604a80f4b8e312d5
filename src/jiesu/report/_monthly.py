"""The main job on the sample district: route a month, run lifecycles and deadlines, score, report."""

from __future__ import annotations

import collections
from importlib.resources import as_file
from typing import TYPE_CHECKING

import attrs
import pendulum

from jiesu.calendar import ClockStatus, DeadlinePolicy, WorkCalendar
from jiesu.errors import Problem, ValidationReport
from jiesu.model import DEFAULT_TZ, Ticket, UnitKind
from jiesu.report._data import MapArea, ReportData, ScoreRow
from jiesu.routing import Router
from jiesu.sample import categories, data_file, generate_complaints, population, simulate
from jiesu.scoring import Rules, area_volume_many, evaluate, period_of, tally_evaluations

if TYPE_CHECKING:
    from collections.abc import Callable

    from jiesu.calendar import Clock
    from jiesu.model import Complaint, Unit
    from jiesu.routing import Decision, Territory
    from jiesu.scoring import Evaluation, Score, Scorecard

GROUP_LABELS = {
    UnitKind.DISTRICT: "区",
    UnitKind.STREET: "街道乡镇",
    UnitKind.TOWNSHIP: "街道乡镇",
    UnitKind.COMMUNITY: "社区村",
    UnitKind.DISTRICT_DEPARTMENT: "区级部门",
    UnitKind.MUNICIPAL_DEPARTMENT: "市级部门",
    UnitKind.PUBLIC_SERVICE: "公共服务企业",
    UnitKind.HOTLINE: "热线中心",
}
"""The report's heading for each ranking group (排名分组)."""

GROUP_ORDER = ("街道乡镇", "区级部门", "市级部门", "公共服务企业", "社区村", "区", "热线中心")
"""The order reports and the demo show ranking groups in."""

STATUS_LABELS = {
    ClockStatus.MET_ON_TIME: "按时 met on time",
    ClockStatus.MET_LATE: "超时完成 met late",
    ClockStatus.PENDING: "进行中 pending",
    ClockStatus.DUE_SOON: "临期 due soon",
    ClockStatus.OVERDUE: "超期 overdue",
}


@attrs.frozen
class MonthlyRun:
    """The result of the main job for one month on the sample district (月度运行结果).

    Attributes:
        period: The scored period, ``YYYY-MM``.
        periods: The periods of the trend, oldest first, ending with ``period``.
        units: The district's units.
        complaints: Every generated complaint, across the trend's months.
        decisions: The routing decision of each complaint, in the same order.
        streets: The street (街道乡镇) each complaint's location lies in, ``None`` without a location.
        tickets: Each complaint's ticket after its simulated life, in the same order.
        clocks: Each ticket's deadline clocks at the end of the period, in the same order.
        evaluations: Each ticket's evaluation under the rules, in the same order.
        scorecard: Scores per unit and period.
        rules: The scoring rules.
        now: The instant clocks were read at (the end of the period).
    """

    period: str
    periods: tuple[str, ...]
    units: tuple[Unit, ...]
    complaints: tuple[Complaint, ...]
    decisions: tuple[Decision, ...]
    streets: tuple[str | None, ...]
    tickets: tuple[Ticket, ...]
    clocks: tuple[dict[str, Clock], ...]
    evaluations: tuple[Evaluation, ...]
    scorecard: Scorecard
    rules: Rules
    now: pendulum.DateTime

    def scores(self, period: str | None = None) -> list[Score]:
        """The scored rows of one period (default: the run's period), rated first by group and rank."""
        wanted = period or self.period
        rows = [s for s in self.scorecard.rows() if s.period == wanted]
        return sorted(rows, key=lambda s: (str(s.group), s.rank is None, s.rank or 0, str(s.unit)))


def _router() -> Router:
    return Router.from_files(
        catalogue=data_file("catalogue.toml"),
        areas=data_file("areas.geojson"),
        units=data_file("units.toml"),
        swap_zones=data_file("swaps.geojson"),
    )


def _sample_rules() -> tuple[Rules, DeadlinePolicy]:
    with (
        as_file(data_file("rules.toml")) as rules_path,
        as_file(data_file("deadlines.toml")) as dl_path,
    ):
        return Rules.from_toml(rules_path), DeadlinePolicy.from_toml(dl_path)


def run_sample_month(
    *,
    year: int = 2025,
    month: int = 3,
    seed: int = 2025,
    months: int = 3,
    per_month: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> MonthlyRun:
    """Run the main job on the bundled sample district (示例区月度运行).

    Generates ``months`` months of complaints ending with ``year-month``, routes each one, simulates its
    life through the lifecycle up to the end of the month (so late tickets are still open, with running
    clocks), reads its deadline clocks at the end of the month, evaluates it under the district's rules and
    scores every unit and month.

    Args:
        year: The scored year.
        month: The scored month.
        seed: The seed of the generated data.
        months: How many months the trend covers (the scored month included).
        per_month: Complaints per month (default: the sample's seasonal volume).
        progress: Called as ``progress(step, done, total)`` while the run advances.

    Returns:
        The run, with every intermediate result kept for inspection.

    Examples:
        >>> run = run_sample_month(year=2025, month=3, months=1, per_month=60, seed=1)
        >>> run.period, len(run.tickets)
        ('2025-03', 60)
        >>> sum(t.is_open for t in run.tickets) > 0  # still open at the month's end
        True
    """
    router = _router()
    units = tuple(router.units)
    rules, policy = _sample_rules()
    calendar = WorkCalendar.china()
    end = pendulum.datetime(year, month, 1, tz=DEFAULT_TZ).add(months=1)
    starts = [end.subtract(months=k) for k in range(months, 0, -1)]
    complaints: list[Complaint] = []
    for i, start in enumerate(starts):
        complaints += generate_complaints(
            year=start.year, month=start.month, n=per_month, seed=seed + i
        )
    total = len(complaints)
    batch = router.route_many(complaints)
    refused = [
        Problem.from_error(row.row, row.error) for row in batch.rows if row.error is not None
    ]
    if refused:
        raise ValidationReport(refused, total=total)
    decisions = batch.decisions
    tickets: list[Ticket] = []
    for k, (complaint, decision) in enumerate(zip(complaints, decisions, strict=True)):
        events = simulate(
            complaint,
            lead=decision.lead,
            co_handlers=decision.co_handlers,
            seed=seed,
            mode=decision.mode,
            until=end,
        )
        tickets.append(Ticket.from_events(complaint, events))
        if progress is not None and (k + 1) % 200 == 0:
            progress("route and simulate", k + 1, total)
    clocks = tuple(policy.clocks(t, calendar, now=end) for t in tickets)
    territory = router.territory_at(end.date())
    streets = (
        _streets(territory, complaints) if territory is not None else (None,) * len(complaints)
    )
    evaluations = tuple(evaluate(t, rules) for t in tickets)
    kinds = {u.code: u.kind for u in units}
    volume = area_volume_many(  # 万人诉求量 counts the complaints located in each area
        [street or "" for street in streets],
        [period_of(c.received_at, rules) for c in complaints],
        parents={u.code: u.parent for u in units if u.parent},
    )
    scorecard = tally_evaluations(evaluations).scores(
        rules, kinds=kinds, population=population(), area_volume=volume
    )
    return MonthlyRun(
        period=f"{year:04d}-{month:02d}",
        periods=tuple(s.format("YYYY-MM") for s in starts),
        units=units,
        complaints=tuple(complaints),
        decisions=tuple(decisions),
        streets=streets,
        tickets=tuple(tickets),
        clocks=clocks,
        evaluations=evaluations,
        scorecard=scorecard,
        rules=rules,
        now=end,
    )


def _streets(territory: Territory, complaints: list[Complaint]) -> tuple[str | None, ...]:
    """Locate every complaint at street level, one array call per coordinate system."""
    out: list[str | None] = [None] * len(complaints)
    by_crs: dict[str, list[int]] = collections.defaultdict(list)
    for i, complaint in enumerate(complaints):
        if complaint.location is not None:
            by_crs[complaint.location.crs.value].append(i)
    for crs, rows in by_crs.items():
        lons = [complaints[i].location.lon for i in rows]  # type: ignore[union-attr]  # filtered above
        lats = [complaints[i].location.lat for i in rows]  # type: ignore[union-attr]  # filtered above
        placed = territory.locate_many(lons, lats, crs=crs, level="street")
        for i, area in zip(rows, placed.area_id, strict=True):
            out[i] = area
    return tuple(out)


def _rate(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]  # Points is a Decimal


def _map_areas() -> tuple[MapArea, ...]:
    import json  # noqa: PLC0415 - only the report needs the raw GeoJSON

    doc = json.loads(data_file("areas.geojson").read_text(encoding="utf-8"))
    areas = []
    for feature in doc["features"]:
        props = feature["properties"]
        if props.get("level") != "street":
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = tuple(
            tuple((float(x), float(y)) for x, y, *_ in ring) for poly in polygons for ring in poly
        )
        areas.append(MapArea(props["code"], props["name"], rings))
    return tuple(areas)


def report_data(run: MonthlyRun) -> ReportData:
    """Turn a monthly run into what the report shows (报告数据).

    Args:
        run: The run.

    Returns:
        The report's data: ranked scorecard by group, district averages, trend of the streets'
        composites, the map values, SLA counts and the top categories per street.
    """
    names = {u.code: u.name for u in run.units}
    kinds = {u.code: u.kind for u in run.units}
    scores = run.scores()
    rows = tuple(
        ScoreRow(
            code=str(s.unit),
            name=names.get(str(s.unit), str(s.unit)),
            group=GROUP_LABELS.get(kinds.get(str(s.unit), UnitKind.HOTLINE), str(s.group)),
            tickets=s.volume,
            valid_callbacks=s.valid,
            response=_rate(s.response),
            resolution=_rate(s.resolution),
            satisfaction=_rate(s.satisfaction),
            composite=_rate(s.composite),
            rank=s.rank,
            grade=s.grade,
            status=s.status,
        )
        for s in scores
    )
    district = run.scorecard.rows()
    averages = _averages(run, [s for s in district if s.period == run.period])
    streets = {u.code for u in run.units if u.kind in (UnitKind.STREET, UnitKind.TOWNSHIP)}
    by_period = {(str(s.unit), s.period): _rate(s.composite) for s in district}
    trend = {
        code: tuple(by_period.get((code, p)) for p in run.periods) for code in sorted(streets)[:8]
    }
    period_scores = {str(s.unit): s for s in scores}
    per_10k = {code: _rate(getattr(period_scores.get(code), "per_10k", None)) for code in streets}
    composite = {
        code: _rate(getattr(period_scores.get(code), "composite", None)) for code in streets
    }
    return ReportData(
        title="示例区接诉即办月度报告 Monthly 12345 report",
        district="示例区 (fictional sample district)",
        period=run.period,
        rules=f"{run.rules.name} — {run.rules.title or run.rules.source}",
        scorecard=rows,
        averages=averages,
        trend_periods=run.periods,
        trend=trend,
        areas=_map_areas(),
        per_10k=per_10k,
        composite_by_area=composite,
        sla_counts=_sla_counts(run),
        top_categories=_top_categories(run, streets),
        group_order=GROUP_ORDER,
        notes=(
            "All data are generated: the district, its units and every complaint are fictional.",
            f"Assumed rule values in {run.rules.name}: {', '.join(run.rules.assumed) or 'none'}.",
            "万人诉求量 = tickets in the period ÷ resident population × 10,000 (assumed formula).",
        ),
    )


def _averages(run: MonthlyRun, scores: list[Score]) -> dict[str, float | None]:
    """District averages: the mean of rated units' rates (each unit weighs the same)."""
    out: dict[str, float | None] = {}
    for key in ("response", "resolution", "satisfaction", "composite"):
        values = [float(getattr(s, key)) for s in scores if getattr(s, key) is not None]
        out[key] = round(sum(values) / len(values), run.rules.places) if values else None
    return out


def _sla_counts(run: MonthlyRun) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for ticket, clocks in zip(run.tickets, run.clocks, strict=True):
        reply = clocks.get("reply")
        if reply is not None and ticket.complaint.received_at.format("YYYY-MM") == run.period:
            counts[STATUS_LABELS[reply.status]] += 1
    return {label: counts[label] for label in STATUS_LABELS.values() if counts[label]}


def _top_categories(run: MonthlyRun, streets: set[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    names = {u.code: u.name for u in run.units}
    leaves = categories()
    per_street: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for complaint, street in zip(run.complaints, run.streets, strict=True):
        if street in streets and complaint.received_at.format("YYYY-MM") == run.period:
            per_street[street][leaves.get(complaint.category, complaint.category)] += 1
    return {
        names[code]: tuple(counter.most_common(3)) for code, counter in sorted(per_street.items())
    }
