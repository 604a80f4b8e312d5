"""The monthly report of any district (辖区月度报告): from a :class:`~jiesu.month.MonthResult`."""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING

import numpy as np

from jiesu.model import UnitKind
from jiesu.report._analysis import analysis_tables
from jiesu.report._data import MapArea, ReportData, ScoreRow
from jiesu.report._monthly import GROUP_LABELS, GROUP_ORDER, STATUS_LABELS
from jiesu.scoring import period_many

if TYPE_CHECKING:
    from jiesu.month import District, MonthResult
    from jiesu.routing import Territory

__all__ = ["month_report_data"]

_MAX_POINTS = 400
"""Vertices kept per area ring on the map (rings are simplified beyond that)."""


def _rate(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]  # Points is a Decimal


def _map_level(territory: Territory) -> str:
    levels = territory.levels
    return levels[1] if len(levels) > 1 else levels[0]


def _map_areas(territory: Territory) -> tuple[MapArea, ...]:
    import shapely  # noqa: PLC0415 - geometry is needed only here

    level = _map_level(territory)
    out = []
    for area in territory.areas:
        if area.level != level:
            continue
        geometry = area.geometry
        rings: list[tuple[tuple[float, float], ...]] = []
        parts = getattr(geometry, "geoms", [geometry])
        size = sum(len(p.exterior.coords) for p in parts)
        if size > _MAX_POINTS:
            minx, miny, maxx, maxy = geometry.bounds
            geometry = shapely.simplify(geometry, max(maxx - minx, maxy - miny) / 300)
            parts = getattr(geometry, "geoms", [geometry])
        rings.extend(
            tuple((float(x), float(y)) for x, y, *_ in ring.coords)
            for part in parts
            for ring in (part.exterior, *part.interiors)
        )
        out.append(MapArea(area.id, area.name, tuple(rings)))
    return tuple(out)


def month_report_data(
    result: MonthResult, district: District, *, periods: tuple[str, ...] | None = None
) -> ReportData:
    """What the monthly report of a district shows (辖区月度报告数据), from the monthly job's result.

    The district's own areas (at the territory's first level below the top), units and ranking groups;
    the dispatch audit (不一致 by unit) with overdue reply clocks; skipped bad rows; SLA statuses of the
    reply clock; the top categories per area; the composites of the map's areas over ``periods``
    (default: every period of the result's scorecard up to its own, at most six); and the analysis
    section (分析研判: 每月一题, 督办 cards, 不满意工单清零, 重复件 suggestions, alerts, and 屡办不成 when the
    job had a caller secret).

    Args:
        result: The month's result (:meth:`jiesu.month.MonthJob.run`).
        district: The district it ran on.
        periods: The periods of the trend chart, oldest first.

    Returns:
        The report's data, for :func:`render_html` / :func:`write_report`.

    Examples:
        >>> from jiesu.month import District, MonthJob
        >>> from jiesu.sample import simulate_month
        >>> district = District.sample()
        >>> _, tickets = simulate_month(year=2025, month=3, n=60, seed=2)
        >>> data = month_report_data(MonthJob(district).run(list(tickets), period="2025-03"), district)
        >>> data.period, data.district, len(data.areas)
        ('2025-03', '示例区', 14)
    """
    names = {u.code: u.name for u in district.units}
    kinds = {u.code: u.kind for u in district.units}
    scores = result.scores()
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
    averages: dict[str, float | None] = {}
    for key in ("response", "resolution", "satisfaction", "composite"):
        values = [float(getattr(s, key)) for s in scores if getattr(s, key) is not None]
        averages[key] = round(sum(values) / len(values), district.rules.places) if values else None
    t = result.tickets
    received = np.asarray(
        t.column("received_at").to_numpy(zero_copy_only=False), dtype="datetime64[us]"
    )
    local = period_many(received, district.rules)
    good = ~np.asarray(t.column("bad").to_pylist(), dtype=bool)
    lead = np.asarray(t.column("role").to_pylist(), dtype=object) == "lead"
    areas = np.asarray(t.column("area").to_pylist(), dtype=object)
    in_month = good & lead & (local == result.period)
    counts = collections.Counter(a for a in areas[in_month].tolist() if a is not None)
    level_areas = _map_areas(district.territory)
    population = district.population
    per_10k = {
        a.code: round(counts.get(a.code, 0) / population[a.code] * 10_000, 2)
        if population.get(a.code)
        else None
        for a in level_areas
    }
    by_unit = {str(s.unit): s for s in scores}
    composite = {
        a.code: _rate(getattr(by_unit.get(a.code), "composite", None)) for a in level_areas
    }
    reply = result.summary.sla.get("reply", {})
    sla_counts = {
        label: reply[status.value]
        for status, label in STATUS_LABELS.items()
        if reply.get(status.value)
    }
    category_names = {c.code: c.name for c in district.catalogue.categories}
    top = {
        names.get(area, area): tuple((category_names.get(c, c), n) for c, n in items)
        for area, items in result.summary.top_categories.items()
    }
    audit = {
        names.get(code, code): (
            result.summary.mismatches.get(code, 0),
            result.summary.overdue.get(code, 0),
        )
        for code in {*result.summary.mismatches, *result.summary.overdue}
    }
    every = result.scorecard.rows()
    if periods is None:
        periods = tuple(sorted({str(s.period) for s in every if str(s.period) <= result.period}))[
            -6:
        ]
    trend: dict[str, tuple[float | None, ...]] = {}
    if len(periods) > 1:
        by_period = {(str(s.unit), str(s.period)): _rate(s.composite) for s in every}
        trend = {
            a.code: tuple(by_period.get((a.code, p)) for p in periods) for a in level_areas[:8]
        }
    notes = [
        f"Assumed rule values in {district.rules.name}: {', '.join(district.rules.assumed) or 'none'}.",
        "万人诉求量 = lead tickets received in the month located in the area ÷ its population × 10,000.",
        f"派单核验 dispatch audit: {dict(result.summary.audit)}.",
    ]
    if result.skipped:
        notes.append(
            f"{result.skipped} bad rows were skipped (see problems.csv); they are not scored."
        )
    return ReportData(
        title=f"{district.name}接诉即办月度报告 Monthly 12345 report",
        district=district.name,
        period=result.period,
        rules=f"{district.rules.name} — {district.rules.title or district.rules.source}",
        scorecard=rows,
        averages=averages,
        trend_periods=periods if trend else (),
        trend=trend,
        areas=level_areas,
        per_10k=per_10k,
        composite_by_area=composite,
        sla_counts=sla_counts,
        top_categories=top,
        notes=tuple(notes),
        group_order=GROUP_ORDER,
        audit=audit,
        skipped=result.skipped,
        analytics=analysis_tables(result, district),
    )
