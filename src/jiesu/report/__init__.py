"""The monthly report (月度报告) and the main job on the sample district.

The report shows plain data (:class:`ReportData`), so it works with scores from any source. The charts are
inline SVG: the file opens offline and runs no scripts. :func:`run_sample_month` runs the whole pipeline on
the bundled sample district (route, lifecycle, deadlines, scoring) and :func:`report_data` turns its result
into a report.
"""

from jiesu.report._data import AnalyticsTable, MapArea, ReportData, ScoreRow
from jiesu.report._district import month_report_data
from jiesu.report._html import render_html, write_report
from jiesu.report._monthly import (
    GROUP_LABELS,
    GROUP_ORDER,
    STATUS_LABELS,
    MonthlyRun,
    report_data,
    run_sample_month,
)

__all__ = [
    "GROUP_LABELS",
    "GROUP_ORDER",
    "STATUS_LABELS",
    "AnalyticsTable",
    "MapArea",
    "MonthlyRun",
    "ReportData",
    "ScoreRow",
    "month_report_data",
    "render_html",
    "report_data",
    "run_sample_month",
    "write_report",
]
