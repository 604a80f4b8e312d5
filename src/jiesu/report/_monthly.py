"""The main job on the sample district: route a month, run lifecycles and deadlines, score, report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pendulum

from jiesu.calendar import ClockStatus
from jiesu.errors import Problem, ValidationReport
from jiesu.model import Ticket, UnitKind
from jiesu.sample import generate_complaints, simulate

if TYPE_CHECKING:
    from collections.abc import Callable

    from jiesu.model import Complaint, Unit
    from jiesu.month import District, MonthResult
    from jiesu.report._data import ReportData
    from jiesu.routing import Decision, Router
    from jiesu.scoring import Rules, Score, Scorecard

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
    """The main job on the sample district (示例区月度运行): generated months through :class:`~jiesu.month.MonthJob`.

    Attributes:
        period: The scored period, ``YYYY-MM``.
        periods: The periods of the trend, oldest first, ending with ``period``.
        district: The sample district (:meth:`jiesu.month.District.sample`).
        complaints: Every generated complaint, across the trend's months.
        decisions: The routing decision of each complaint, in the same order.
        tickets: Each complaint's ticket after its simulated life, in the same order.
        result: The monthly job's result over every ticket (its scorecard covers each period).
        now: The instant clocks were read at (the end of the period).
    """

    period: str
    periods: tuple[str, ...]
    district: District
    complaints: tuple[Complaint, ...]
    decisions: tuple[Decision, ...]
    tickets: tuple[Ticket, ...]
    result: MonthResult
    now: pendulum.DateTime

    @property
    def units(self) -> tuple[Unit, ...]:
        """The district's units."""
        return tuple(self.district.units)

    @property
    def rules(self) -> Rules:
        """The district's scoring rules."""
        return self.district.rules

    @property
    def scorecard(self) -> Scorecard:
        """Scores per unit and period."""
        return self.result.scorecard

    def scores(self, period: str | None = None) -> list[Score]:
        """The scored rows of one period (default: the run's period), rated first by group and rank."""
        wanted = period or self.period
        rows = [s for s in self.scorecard.rows() if s.period == wanted]
        return sorted(rows, key=lambda s: (str(s.group), s.rank is None, s.rank or 0, str(s.unit)))


def _district() -> District:
    from jiesu.month import District  # noqa: PLC0415 - the month package sits beside the report

    return District.sample()


def _router() -> Router:
    return _district().router


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

    Generates ``months`` months of complaints ending with ``year-month``, routes each one with the
    sample district's router, simulates its life through the lifecycle up to the end of the month (so late
    tickets are still open, with running clocks), then runs ``MonthJob(District.sample())`` over the
    tickets: dispatch audit, deadline clocks at the end of the month, scores of every unit and month.

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
        >>> run.period, len(run.tickets), run.result.tickets.num_rows
        ('2025-03', 60, 60)
        >>> sum(t.is_open for t in run.tickets) > 0  # still open at the month's end
        True
    """
    from jiesu.month import MonthJob  # noqa: PLC0415 - the month package sits beside the report

    district = _district()
    router = _router()
    end = pendulum.datetime(year, month, 1, tz=district.timezone).add(months=1)
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
    period = f"{year:04d}-{month:02d}"
    result = MonthJob(district).run(tickets, period=period, now=end)
    return MonthlyRun(
        period=period,
        periods=tuple(s.format("YYYY-MM") for s in starts),
        district=district,
        complaints=tuple(complaints),
        decisions=tuple(decisions),
        tickets=tuple(tickets),
        result=result,
        now=end,
    )


def report_data(run: MonthlyRun) -> ReportData:
    """Turn a monthly run of the sample district into what the report shows (报告数据).

    The report of any district's month (:func:`month_report_data`), with the trend over the run's months.

    Args:
        run: The run.

    Returns:
        The report's data.
    """
    from jiesu.report._district import month_report_data  # noqa: PLC0415 - built on this module's labels

    data = month_report_data(run.result, run.district, periods=run.periods)
    return attrs.evolve(
        data,
        title="示例区接诉即办月度报告 Monthly 12345 report",
        district="示例区 (fictional sample district)",
        notes=(
            "All data are generated: the district, its units and every complaint are fictional.",
            *data.notes,
        ),
    )
