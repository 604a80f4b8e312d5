"""The plain data a monthly report shows, independent of how it was computed."""

from __future__ import annotations

import math
from typing import Any

import attrs

from jiesu.errors import ValidationError


def _rate_check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    del instance
    if value is None:
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ValidationError(
            "must be a finite number or None (not rated)", field=attribute.name, value=value
        )


@attrs.frozen
class ScoreRow:
    """One unit's line in the scorecard (考评成绩行).

    Rates are percentages; ``None`` means not rated (未评价: no valid callback), never 0 or NaN.

    Attributes:
        code: The unit's code (单位编码).
        name: The unit's name (单位名称).
        group: The ranking group (排名分组), e.g. ``街道乡镇``.
        tickets: Tickets counted for the unit (工单量).
        valid_callbacks: Valid callbacks, the rates' denominator (有效回访量).
        response: Response rate (响应率), percent.
        resolution: Resolution rate (解决率), percent.
        satisfaction: Satisfaction rate (满意率), percent.
        composite: Composite score (综合成绩).
        rank: Rank within the group (组内排名), or ``None`` when not rated.
        grade: Grade band (等级), if the rules define bands.
        status: ``"rated"``, or why the unit is not rated (e.g. too few valid callbacks).
    """

    code: str
    name: str
    group: str
    tickets: int
    valid_callbacks: int
    response: float | None = attrs.field(default=None, validator=_rate_check)
    resolution: float | None = attrs.field(default=None, validator=_rate_check)
    satisfaction: float | None = attrs.field(default=None, validator=_rate_check)
    composite: float | None = attrs.field(default=None, validator=_rate_check)
    rank: int | None = None
    grade: str | None = None
    status: str = "rated"


@attrs.frozen
class MapArea:
    """An area drawn on the report's map (地图区域): exterior and hole rings in lon/lat degrees.

    Attributes:
        code: The area's code, matching the keys of the mapped values.
        name: The area's name.
        rings: Rings of ``(lon, lat)`` points; holes are drawn with the even-odd rule.
    """

    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@attrs.frozen
class AnalyticsTable:
    """One table of the report's analysis section (分析研判): a title, headers and rows of text.

    Attributes:
        key: A short identifier (the HTML section id), e.g. ``"topics"``.
        title: The table's title, Chinese and English.
        headers: The column headers.
        rows: The rows, each as many cells as there are headers.
        note: One line under the table (how it was computed).
    """

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def __attrs_post_init__(self) -> None:
        """Check that every row has a cell per header."""
        for i, row in enumerate(self.rows):
            if len(row) != len(self.headers):
                raise ValidationError(
                    f"row {i} has {len(row)} cells for {len(self.headers)} headers",
                    field="rows",
                    value=len(row),
                )


@attrs.frozen
class ReportData:
    """Everything the monthly report shows (月度报告数据).

    Attributes:
        title: The report title.
        district: The district's name (区名).
        period: The reported period, e.g. ``2025-03``.
        rules: The scoring rules used, with their source (考评规则).
        scorecard: Every unit's row, in any order; the report groups and sorts them.
        averages: District averages by ``response``, ``resolution``, ``satisfaction``, ``composite``.
        trend_periods: The periods of the trend chart, oldest first.
        trend: Composite per period for each unit code shown in the trend chart.
        areas: The areas of the map.
        per_10k: Complaints per 10,000 residents (万人诉求量) by area code.
        composite_by_area: Composite by area code.
        sla_counts: Ticket counts by SLA status (时限状态).
        top_categories: For each street, its most frequent categories with counts (每月一题 candidates).
        notes: Free lines shown at the end (data caveats, assumed rule values).
        group_order: The order of the scorecard's groups; groups not listed follow in name order.
        audit: Unit name → ``(不一致 dispatches, overdue reply clocks)`` for the dispatch audit table.
        skipped: Bad rows left out of the scores (跳过坏行), shown in the summary.
        analytics: The analysis section's tables (分析研判: 每月一题, 督办, 清零, 重复件, 预警…).
    """

    title: str
    district: str
    period: str
    rules: str
    scorecard: tuple[ScoreRow, ...]
    averages: dict[str, float | None]
    trend_periods: tuple[str, ...] = ()
    trend: dict[str, tuple[float | None, ...]] = attrs.Factory(dict)
    areas: tuple[MapArea, ...] = ()
    per_10k: dict[str, float | None] = attrs.Factory(dict)
    composite_by_area: dict[str, float | None] = attrs.Factory(dict)
    sla_counts: dict[str, int] = attrs.Factory(dict)
    top_categories: dict[str, tuple[tuple[str, int], ...]] = attrs.Factory(dict)
    notes: tuple[str, ...] = ()
    group_order: tuple[str, ...] = ()
    audit: dict[str, tuple[int, int]] = attrs.Factory(dict)
    skipped: int = 0
    analytics: tuple[AnalyticsTable, ...] = ()
