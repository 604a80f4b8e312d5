"""The monthly report (月度报告): one self-contained HTML file with the ranked scorecard and charts.

The report shows plain data (:class:`ReportData`), so it works with scores from any source. The charts are
inline SVG: the file opens offline and runs no scripts.
"""

from jiesu.report._data import MapArea, ReportData, ScoreRow
from jiesu.report._html import render_html, write_report

__all__ = ["MapArea", "ReportData", "ScoreRow", "render_html", "write_report"]
