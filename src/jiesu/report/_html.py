"""The monthly report as one self-contained HTML file: inline CSS and SVG, no scripts, no fetches."""

from __future__ import annotations

from html import escape
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from jiesu.report._svg import bar_chart, choropleth, line_chart

if TYPE_CHECKING:
    from jiesu.report._data import ReportData, ScoreRow

_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;margin:0;
color:#1d2733;background:#f6f8fb}
header{background:#0b3d91;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;opacity:.85}main{padding:16px 32px;max-width:1280px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002;margin:16px 0;padding:16px 20px}
h2{font-size:18px;margin:0 0 12px;border-left:4px solid #0b3d91;padding-left:8px}
h3{font-size:15px;margin:12px 0 6px}
.tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{flex:1;min-width:150px;background:#eef3fb;
border-radius:6px;padding:10px 14px}.tile b{display:block;font-size:22px;color:#0b3d91}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #e3e7ee;
text-align:right}th{background:#f0f3f8}td.t,th.t{text-align:left}tr.nr td{color:#8a94a3}
.grid{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
.chart text{font-size:11px;fill:#1d2733}.chart .muted{fill:#6b7685}.chart .ref{stroke:#d62728;
stroke-dasharray:4 3}.chart .axis{stroke:#999}.chart .area{stroke:#fff;stroke-width:1}
summary{cursor:pointer;color:#0b3d91;margin:4px 0}
.up{color:#1a7f37}.down{color:#c62828}footer{padding:8px 32px 24px;color:#6b7685;font-size:12px}
.legend{color:#6b7685;font-size:12px;margin:0 0 8px}
@media print{@page{size:A4;margin:12mm}body{background:#fff}main{padding:0;max-width:none}
section{box-shadow:none;break-inside:avoid-page}h3{break-before:page}h3:first-of-type{break-before:auto}
details>*{display:block}header{background:#fff;color:#000;padding:0 0 8px}}
"""

_RATES = (
    ("response", "响应率"),
    ("resolution", "解决率"),
    ("satisfaction", "满意率"),
    ("composite", "综合成绩"),
)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _delta(value: float | None, average: float | None) -> str:
    if value is None or average is None:
        return ""
    diff = value - average
    css = "up" if diff >= 0 else "down"
    return f' <span class="{css}">({diff:+.2f})</span>'


_LONG_GROUP = 20
"""Groups with more units than this are folded, and their chart shows only rated units."""


def _why(status: str) -> str:
    return "未评价 " + status.removeprefix("not rated").lstrip(": ") if status != "rated" else ""


def _sort_key(row: ScoreRow) -> tuple[int, int, str]:
    return (row.rank is None, row.rank or 0, row.code)


def _scorecard(data: ReportData) -> str:
    out = [
        (
            '<section id="scorecard"><h2>成绩排名 Ranked scorecard</h2>'
            "<p class='legend'>括号内为与全区平均值之差（非环比）· the bracketed figure is the difference from "
            "the district average of rated units, not a change from last month</p>"
        )
    ]
    order = {group: i for i, group in enumerate(data.group_order)}
    rows = sorted(
        data.scorecard, key=lambda r: (order.get(r.group, len(order)), r.group, *_sort_key(r))
    )
    for group, members in groupby(rows, key=lambda r: r.group):
        group_rows = list(members)
        rated = [r for r in group_rows if r.composite is not None]
        long = len(group_rows) > _LONG_GROUP
        out.append(f"<h3>{escape(group)}</h3>")
        if long:
            out.append(
                f"<details><summary>{len(group_rows)} 个单位 units, {len(rated)} 个参评 rated "
                "(展开 expand)</summary>"
            )
        out.append("<div class='grid'><table><tr>")
        out.append("<th>排名</th><th class='t'>单位</th><th>工单</th><th>有效回访</th>")
        out.extend(f"<th>{label}</th>" for _, label in _RATES)
        out.append("<th class='t'>等级</th></tr>")
        for row in group_rows:
            css = " class='nr'" if row.composite is None else ""
            out.append(
                f"<tr{css}><td>{row.rank or '—'}</td><td class='t'>{escape(row.name)}</td>"
                f"<td>{row.tickets}</td><td>{row.valid_callbacks}</td>"
            )
            for key, _ in _RATES:
                value = getattr(row, key)
                out.append(f"<td>{_num(value)}{_delta(value, data.averages.get(key))}</td>")
            grade = row.grade or ("" if row.composite is not None else _why(row.status))
            out.append(f"<td class='t'>{escape(grade)}</td></tr>")
        out.append("</table>")
        if rated or not long:
            out.append(
                bar_chart(
                    [r.name for r in (rated if long else group_rows)],
                    [r.composite for r in (rated if long else group_rows)],
                    reference=data.averages.get("composite"),
                    reference_label="区平均 average",
                    max_value=100.0,
                )
            )
        out.append("</div>")
        if long:
            out.append("</details>")
    out.append("</section>")
    return "".join(out)


def _audit(data: ReportData) -> str:
    if not data.audit:
        return ""
    out = ["<section id='audit'><h2>派单核验与超期 Dispatch audit and overdue tickets</h2><table>"]
    out.append(
        "<tr><th class='t'>单位 unit</th><th>派单不一致 mismatched</th><th>超期 overdue</th></tr>"
    )
    for name, (mismatched, overdue) in sorted(
        data.audit.items(), key=lambda kv: (-sum(kv[1]), kv[0])
    ):
        out.append(
            f"<tr><td class='t'>{escape(name)}</td><td>{mismatched}</td><td>{overdue}</td></tr>"
        )
    out.append("</table></section>")
    return "".join(out)


def _tiles(data: ReportData) -> str:
    tickets = sum(r.tickets for r in data.scorecard)
    tiles = [("工单量 tickets", str(tickets))]
    if data.skipped:
        tiles.append(("跳过坏行 skipped bad rows", str(data.skipped)))
    tiles += [(f"{label} {key}", _num(data.averages.get(key))) for key, label in _RATES]
    body = "".join(f"<div class='tile'>{escape(name)}<b>{value}</b></div>" for name, value in tiles)
    return f"<section id='summary'><h2>概览 Summary</h2><div class='tiles'>{body}</div></section>"


def _trend(data: ReportData) -> str:
    if not data.trend_periods or not data.trend:
        return ""
    names = {r.code: r.name for r in data.scorecard}
    series = [(names.get(code, code), values) for code, values in data.trend.items()]
    chart = line_chart(data.trend_periods, series)
    return f"<section id='trend'><h2>趋势 Composite over months</h2>{chart}</section>"


def _maps(data: ReportData) -> str:
    if not data.areas:
        return ""
    left = choropleth(data.areas, data.per_10k, title="万人诉求量 complaints per 10,000 residents")
    right = choropleth(data.areas, data.composite_by_area, title="综合成绩 composite")
    return f"<section id='map'><h2>地图 Map</h2><div class='grid'>{left}{right}</div></section>"


def _sla(data: ReportData) -> str:
    if not data.sla_counts:
        return ""
    labels = list(data.sla_counts)
    values: list[float | None] = [float(v) for v in data.sla_counts.values()]
    return f"<section id='sla'><h2>时限状态 SLA status</h2>{bar_chart(labels, values)}</section>"


def _topics(data: ReportData) -> str:
    if not data.top_categories:
        return ""
    out = [
        "<section id='topics'><h2>高频诉求 Top categories per street (每月一题 candidates)</h2><table>"
    ]
    out.append("<tr><th class='t'>街道乡镇</th><th class='t'>分类</th><th>件数</th></tr>")
    for street, items in data.top_categories.items():
        for i, (category, count) in enumerate(items):
            name = escape(street) if i == 0 else ""
            out.append(
                f"<tr><td class='t'>{name}</td><td class='t'>{escape(category)}</td><td>{count}</td></tr>"
            )
    out.append("</table></section>")
    return "".join(out)


def _analytics(data: ReportData) -> str:
    if not data.analytics:
        return ""
    out = ["<section id='analytics'><h2>分析研判 Analysis</h2>"]
    for table in data.analytics:
        out.append(f"<h3 id='{escape(table.key)}'>{escape(table.title)}</h3>")
        if not table.rows:
            out.append("<p>无 none</p>")
        else:
            heads = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
            out.append(f"<table><tr>{heads}</tr>")
            out.extend(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                for row in table.rows
            )
            out.append("</table>")
        if table.note:
            out.append(f"<p class='note'>{escape(table.note)}</p>")
    out.append("</section>")
    return "".join(out)


def render_html(data: ReportData) -> str:
    """Render the monthly report (月度报告) as one self-contained HTML document.

    The page has no scripts and fetches nothing: CSS and SVG charts are inline, so it opens offline.

    Args:
        data: What to show.

    Returns:
        The HTML text.

    Examples:
        >>> from jiesu.report import ReportData, ScoreRow, render_html
        >>> row = ScoreRow("S01", "东街街道", "街道乡镇", 120, 100, 98.0, 60.0, 70.0, 71.6, rank=1)
        >>> html = render_html(ReportData("示例", "示例区", "2025-03", "beijing-2021", (row,), {"composite": 71.6}))
        >>> html.startswith("<!DOCTYPE html>") and "东街街道" in html and "<script" not in html
        True
    """
    notes = "".join(f"<li>{escape(n)}</li>" for n in data.notes)
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{escape(data.title)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(data.title)}</h1><p>{escape(data.district)} · {escape(data.period)} · "
        f"规则 rules: {escape(data.rules)}</p></header><main>"
        f"{_tiles(data)}{_scorecard(data)}{_audit(data)}{_trend(data)}{_maps(data)}{_sla(data)}"
        f"{_topics(data)}{_analytics(data)}"
        f"</main><footer><ul>{notes}</ul>Generated by jiesu.</footer></body></html>"
    )


def write_report(data: ReportData, path: str | Path) -> Path:
    """Write the monthly report to ``path`` as UTF-8 HTML and return the path.

    Args:
        data: What to show.
        path: Where to write; parent folders are created.

    Returns:
        The written path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(data), encoding="utf-8")
    return target
