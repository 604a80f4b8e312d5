"""A district's own month (辖区月度作业): its folder of rules and data, and the monthly job on its export.

* :class:`District` (辖区配置): ``district.toml`` and the files it names — units, catalogue, areas, rules,
  deadlines — loaded with every problem listed at once (:meth:`District.load`); :meth:`District.sample` is
  the bundled sample district, loaded by the same code.
* :class:`MonthJob` (月度考评作业): validate every row of an export, audit its dispatch against the
  catalogue and territory (派单核验), read its deadline clocks, score and rank the units, summarise.
* :func:`daily_brief` (每日简报): a day of the export — volume, supervision cards, alerts, new repeats.
* :func:`write_outputs`: the job's files — ``scorecard.csv``/``.xlsx``, ``tickets.csv``, ``problems.csv``.
"""

from __future__ import annotations

from jiesu.month._daily import DailyBrief, daily_brief
from jiesu.month._district import MANIFEST, MANIFEST_KEYS, District, init_folder
from jiesu.month._job import (
    AUDIT_LABELS,
    CLOCK_MILESTONES,
    PASSED_ON,
    MonthJob,
    MonthResult,
    MonthSummary,
)
from jiesu.month._outputs import (
    TICKET_HEADERS,
    problems_table,
    scorecard_table,
    tickets_table,
    write_outputs,
)

__all__ = [
    "AUDIT_LABELS",
    "CLOCK_MILESTONES",
    "MANIFEST",
    "MANIFEST_KEYS",
    "PASSED_ON",
    "TICKET_HEADERS",
    "DailyBrief",
    "District",
    "MonthJob",
    "MonthResult",
    "MonthSummary",
    "daily_brief",
    "init_folder",
    "problems_table",
    "scorecard_table",
    "tickets_table",
    "write_outputs",
]
