"""The monthly report's analysis section (分析研判), from the month job's ticket table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jiesu.month._daily import timed
from jiesu.report._data import AnalyticsTable

if TYPE_CHECKING:
    from jiesu.month import District, MonthResult

__all__ = ["analysis_tables"]

_TOP = 10


def _pct(value: object) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]  # a share


def analysis_tables(result: MonthResult, district: District) -> tuple[AnalyticsTable, ...]:
    """The analysis tables of the month: 每月一题, 督办, 不满意工单清零, 重复件, 预警 and 屡办不成.

    Over the good rows of the result's ticket table (bad rows are left out, as from the scores):
    the district's top categories of the month with their change, the supervision cards at the job's
    ``now``, the re-handling of 非双是 tickets per unit, place-only merge suggestions (100 m, 3 days),
    the early-warning alerts of the month and — when the job had a caller secret — the 屡办不成 chains.
    """
    import pyarrow.compute as pc  # noqa: PLC0415 - the io extra is optional

    from jiesu.analytics import (  # noqa: PLC0415 - the frame paths load on first use
        alerts,
        detect_spikes,
        find_duplicates,
        find_repeats,
        monthly_topics,
        rehandling_list,
        rehandling_summary,
        repeat_summary,
        supervision_list,
        supervision_summary,
    )

    t = result.tickets
    good = t.filter(pc.invert(t.column("bad")))
    names = {u.code: u.name for u in district.units}
    categories = {c.code: c.name for c in district.catalogue.categories}
    zone = district.timezone

    def unit(code: object) -> str:
        return names.get(str(code), str(code))

    def category(code: object) -> str:
        return categories.get(str(code), str(code))

    out: list[AnalyticsTable] = []
    topics = monthly_topics(good, period=result.period, by="district", top=5, zone=zone)
    out.append(
        AnalyticsTable(
            "topics",
            "每月一题 The month's topics (district)",
            ("排名", "诉求分类", "件数", "占比", "环比", "同比", "涉及区域", "季节性"),
            tuple(
                (
                    str(r["rank"]),
                    category(r["category"]),
                    str(r["count"]),
                    _pct(r["share"]),
                    f"{r['change']:+d}",
                    f"{r['change_year']:+d}",
                    str(r["areas"]),
                    "是" if r["seasonal"] else "",
                )
                for r in topics.to_pylist()
            ),
            "环比 = change from the month before; 同比 = from the same month a year before.",
        )
    )
    have = set(good.column_names)
    cards = supervision_summary(
        supervision_list(timed(good), district.deadlines, district.calendar, now=result.now)
    )
    out.append(
        AnalyticsTable(
            "cards",
            f"督办 Supervision cards at {result.now.in_timezone(zone).format('YYYY-MM-DD HH:mm')}",
            ("承办单位", "红牌 overdue", "黄牌 due soon"),
            tuple(
                (unit(r["unit"]), str(r["red"]), str(r["yellow"])) for r in cards.to_pylist()[:_TOP]
            ),
            "黄牌: still running and due by the end of the next working day; 红牌: overdue.",
        )
    )
    if {"solved", "satisfaction"} <= have:
        waiting = rehandling_summary(rehandling_list(good))
        out.append(
            AnalyticsTable(
                "rehandling",
                "不满意工单清零 Re-handling of 非双是 tickets",
                ("承办单位", "非双是", "待重办", "重办中", "重办已答复", "已清零", "清零率"),
                tuple(
                    (
                        unit(r["unit"]),
                        str(r["listed"]),
                        str(r["to_rehandle"]),
                        str(r["rehandling"]),
                        str(r["replied"]),
                        str(r["cleared"]),
                        f"{r['cleared_rate']:.2f}%",
                    )
                    for r in waiting.to_pylist()[:_TOP]
                ),
            )
        )
    merged = (
        find_duplicates(good, radius_m=100, window_days=3).to_pylist()
        if {"lon", "lat"} <= have
        else []
    )
    # one row per original ticket (its co-handler rows carry the same count)
    originals = {str(r["ticket_id"]): r for r in merged if r["duplicate_count"]}
    rows = [
        (tid, category(r["category"]), str(r["duplicate_count"]))
        for tid, r in sorted(originals.items(), key=lambda kv: (-kv[1]["duplicate_count"], kv[0]))
    ][:_TOP]
    out.append(
        AnalyticsTable(
            "duplicates",
            "重复件 Merge suggestions by place (100 m, 3 days)",
            ("原工单", "诉求分类", "建议并单"),
            tuple(rows),
        )
    )
    spikes = alerts(detect_spikes(good, zone=zone)).to_pylist()
    month = [r for r in spikes if r["date"].isoformat()[:7] == result.period]
    out.append(
        AnalyticsTable(
            "alerts",
            "预警 Early-warning alerts of the month (未诉先办)",
            ("日期", "区域", "诉求分类", "当日件数", "预期"),
            tuple(
                (
                    r["date"].isoformat(),
                    unit(r["area"]),
                    category(r["category"]),
                    str(r["count"]),
                    f"{r['expected']:.2f}",
                )
                for r in month[:_TOP]
            ),
            "A Poisson bound over the 28 days before each day with the district's weekday pattern.",
        )
    )
    if "caller_key" in good.column_names:
        chains: Any = repeat_summary(find_repeats(good), by="unit")
        out.append(
            AnalyticsTable(
                "repeats",
                "屡办不成 Repeated complaints by the same caller (30 days)",
                ("承办单位", "链条", "工单", "最长"),
                tuple(
                    (unit(r["unit"]), str(r["chains"]), str(r["tickets"]), str(r["longest"]))
                    for r in chains.to_pylist()[:_TOP]
                ),
            )
        )
    return tuple(out)
