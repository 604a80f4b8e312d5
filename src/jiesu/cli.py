"""The ``jiesu`` command (命令行): init, check, month, daily, demo, calendar, deadline, route, score, report.

Exit codes: 0 success; 1 bad input data (every bad row is printed with its row number); 2 bad usage
(an unknown option or a malformed argument); 3 a missing optional dependency.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from jiesu.errors import JiesuError, MissingDependencyError, Problem, ValidationReport
from jiesu.model import Ticket, example_tickets

try:
    import typer
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table
except ImportError as exc:  # pragma: no cover - exercised only without the cli extra installed
    raise MissingDependencyError(exc.name or "typer", extra="cli") from exc

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa

    from jiesu.calendar import WorkCalendar
    from jiesu.month import District, MonthResult
    from jiesu.report import MonthlyRun

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_DEPENDENCY = 3

app = typer.Typer(
    name="jiesu",
    help="jiesu 接诉: 12345 hotline tickets, working calendar, routing and scoring.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
calendar_app = typer.Typer(
    help="China's working calendar (工作日历): workdays, 调休, counting.", no_args_is_help=True
)
app.add_typer(calendar_app, name="calendar")


def _make_console(*, stderr: bool = False) -> Console:
    """A console of the terminal's width, or 120 columns when output goes to a file or pipe."""
    probe = Console(stderr=stderr)
    return probe if probe.is_terminal else Console(stderr=stderr, width=120)


console = _make_console()
err_console = _make_console(stderr=True)


@app.callback()
def _root() -> None:
    """Jiesu 接诉: 12345 hotline tickets, working calendar, routing and scoring."""


def _fail(error: JiesuError) -> typer.Exit:
    """Print a jiesu error (every row of a report) and return the exit to raise."""
    if isinstance(error, ValidationReport):
        err_console.print(f"[bold red]{error.reason.splitlines()[0]}[/]")
        for line in error.lines():
            err_console.print(f"  {line}", markup=False, highlight=False)
        return typer.Exit(EXIT_DATA)
    if isinstance(error, MissingDependencyError):
        err_console.print(f"[bold red]error:[/] {error}", markup=True, highlight=False)
        return typer.Exit(EXIT_DEPENDENCY)
    err_console.print(f"[bold red]error:[/] {error}", highlight=False)
    return typer.Exit(EXIT_DATA)


def _progress() -> tuple[Progress | None, Callable[[str, int, int], None] | None]:
    """A progress bar on a terminal only; ``(None, None)`` when output is piped."""
    if not console.is_terminal:
        return None, None
    bar = Progress(console=console, transient=True)
    tasks: dict[str, Any] = {}

    def advance(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done)

    return bar, advance


# --- example tickets ---------------------------------------------------------------------------


def _history(ticket: Ticket) -> str:
    """The ticket's events as Chinese labels joined by arrows."""
    return " → ".join(event.label for event in ticket.events)


def summary_table(tickets: Sequence[Ticket], *, title: str) -> Table:
    """One row per ticket: id, kind, lead, state, returns and reopens, history (工单汇总表)."""
    table = Table(title=title)
    for column in ("工单", "诉求类型", "主办单位", "状态", "退单", "重办", "流转记录"):
        table.add_column(column)
    for t in tickets:
        table.add_row(
            t.id,
            t.complaint.kind.label,
            t.lead or "—",
            f"{t.state_label} ({t.state})",
            str(t.return_count),
            str(t.reopen_count),
            _history(t),
        )
    return table


def history_table(ticket: Ticket) -> Table:
    """One row per event of a ticket: time, event, actor or lead, state after it (流转明细)."""
    table = Table(title=f"{ticket.id} {ticket.complaint.text}")
    for column in ("时间", "事件", "单位", "状态"):
        table.add_column(column)
    for event, state in ticket.history():
        unit = getattr(event, "actor", None) or getattr(event, "lead", None) or ""
        table.add_row(
            event.at.format("YYYY-MM-DD HH:mm"),
            f"{event.label} ({event.kind})",
            unit,
            ticket.lifecycle.state(state).label,
        )
    return table


@app.command()
def examples(
    seed: Annotated[int, typer.Option(help="Seed that moves the example times.")] = 2025,
) -> None:
    """Show example tickets through the Beijing lifecycle (示例工单): histories and states."""
    tickets = example_tickets(seed)
    console.print(summary_table(tickets, title=f"jiesu examples (seed {seed}): 示例工单"))
    for ticket in tickets:
        console.print(history_table(ticket))


# --- demo and report -------------------------------------------------------------------------------


def _scorecard_tables(run: MonthlyRun, *, top: int) -> list[Table]:
    """The top units of each ranking group, one table per group in :data:`jiesu.report.GROUP_ORDER`."""
    from jiesu.report import GROUP_LABELS, GROUP_ORDER  # noqa: PLC0415 - keep `jiesu --help` fast

    names = {u.code: u.name for u in run.units}
    kinds = {u.code: u.kind for u in run.units}
    rows: dict[str, list[Any]] = {}
    for s in run.scores():
        unit = str(s.unit)
        group = GROUP_LABELS[kinds[unit]] if unit in kinds else str(s.group)
        if s.rank is not None and len(rows.setdefault(group, [])) < top:
            rows[group].append(s)
    tables = []
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    for group in sorted(rows, key=lambda g: (order.get(g, len(order)), g)):
        table = Table(title=f"{run.period} {group} 三率考评排名 top {top} (rules {run.rules.name})")
        for column in (
            "排名",
            "单位",
            "工单",
            "有效回访",
            "响应率",
            "解决率",
            "满意率",
            "综合成绩",
            "等级",
        ):
            table.add_column(column, justify="left" if column in ("单位", "等级") else "right")
        for s in rows[group]:
            table.add_row(
                str(s.rank),
                names.get(str(s.unit), str(s.unit)),
                str(s.volume),
                str(s.valid),
                str(s.response),
                str(s.resolution),
                str(s.satisfaction),
                str(s.composite),
                s.grade or "",
            )
        tables.append(table)
    return tables


def _summary_table(run: MonthlyRun) -> Table:
    from jiesu.report import STATUS_LABELS  # noqa: PLC0415 - keep `jiesu --help` fast

    counts = run.result.summary.counts
    in_period = [t for t in run.tickets if t.complaint.received_at.format("YYYY-MM") == run.period]
    table = Table(title=f"{run.period} 月度概况 summary")
    table.add_column("指标 measure")
    table.add_column("数量 count", justify="right")
    table.add_row("受理诉求 complaints received", str(counts["received"]))
    table.add_row("即时办结 answered at intake", str(counts["answered_at_intake"]))
    table.add_row("不予派单 not dispatched", str(counts["not_dispatched"]))
    table.add_row("待派单 awaiting dispatch", str(counts["awaiting_dispatch"]))
    table.add_row("派单 dispatched", str(counts["dispatched"]))
    table.add_row("  直派 direct dispatch", str(counts["direct"]))
    table.add_row("  区级转派 via the district", str(counts["via_district"]))
    table.add_row("退单 returns", str(sum(t.return_count for t in in_period)))
    table.add_row("重办 reopened", str(sum(t.reopen_count for t in in_period)))
    table.add_row("月末在办 open at the month's end", str(counts["open"]))
    audit = run.result.summary.audit
    table.add_row("派单核验 不一致 dispatch audit: mismatched", str(audit.get("mismatch", 0)))
    reply = run.result.summary.sla.get("reply", {})
    for status, label in [(s, lab) for s, lab in STATUS_LABELS.items() if reply.get(s.value)]:
        table.add_row(f"办理时限 reply: {label}", str(reply[status.value]))
    return table


def _run_month(year: int, month: int, seed: int, months: int, per_month: int | None) -> MonthlyRun:
    from jiesu.report import run_sample_month  # noqa: PLC0415 - keep `jiesu --help` fast

    bar, advance = _progress()
    if bar is None:
        return run_sample_month(
            year=year, month=month, seed=seed, months=months, per_month=per_month
        )
    with bar:  # pragma: no cover - only on a real terminal
        return run_sample_month(
            year=year, month=month, seed=seed, months=months, per_month=per_month, progress=advance
        )


Year = Annotated[int, typer.Option(help="Year of the scored month.")]
Month = Annotated[int, typer.Option(min=1, max=12, help="The scored month (1-12).")]
Seed = Annotated[int, typer.Option(help="Seed of the generated sample data.")]
Months = Annotated[
    int, typer.Option(min=1, max=12, help="Months in the trend, the scored one included.")
]
PerMonth = Annotated[
    int | None, typer.Option(min=1, help="Complaints per month (default: seasonal volume).")
]


@app.command()
def demo(
    year: Year = 2025,
    month: Month = 3,
    seed: Seed = 2025,
    months: Months = 3,
    per_month: PerMonth = 1200,
    output: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        "jiesu-report.html"
    ),
    top: Annotated[int, typer.Option(min=1, help="Units shown per ranking group.")] = 5,
) -> None:
    """Run the main job on the bundled sample district (演示): route, lifecycle, deadlines, scores, report.

    Generates the sample district's complaints, routes each one, runs its lifecycle and deadlines, scores
    and ranks the units, prints the ranked scorecard and writes the monthly report.
    """
    from jiesu.report import report_data, write_report  # noqa: PLC0415 - keep `jiesu --help` fast

    try:
        run = _run_month(year, month, seed, months, per_month)
    except JiesuError as error:
        raise _fail(error) from error
    console.print(_summary_table(run))
    for table in _scorecard_tables(run, top=top):
        console.print(table)
    path = write_report(report_data(run), output)
    console.print(f"报告 report: [bold]{path}[/]")


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML report.")],
    year: Year = 2025,
    month: Month = 3,
    seed: Seed = 2025,
    months: Months = 3,
    per_month: PerMonth = None,
    district: DistrictOption = None,
    tickets: Annotated[
        Path | None,
        typer.Option("--tickets", "-t", help="The district's export (with --district)."),
    ] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Report on the good rows.")] = False,
) -> None:
    """Write the monthly report (月度报告) as one self-contained HTML file.

    With ``--district DIR --tickets FILE`` the report of that district's export for ``--year``/``--month``;
    otherwise the report of a generated month of the sample district.
    """
    from jiesu.report import month_report_data, report_data, write_report  # noqa: PLC0415 - keep `jiesu --help` fast

    if (district is None) != (tickets is None):
        raise typer.BadParameter("give --district and --tickets together")
    try:
        if district is not None and tickets is not None:
            from jiesu.month import MonthJob  # noqa: PLC0415 - keep `jiesu --help` fast

            chosen = _district(district)
            result = MonthJob(chosen).run(
                tickets, period=f"{year:04d}-{month:02d}", skip_bad=skip_bad
            )
            path = write_report(month_report_data(result, chosen), output)
        else:
            run = _run_month(year, month, seed, months, per_month)
            path = write_report(report_data(run), output)
    except JiesuError as error:
        raise _fail(error) from error
    console.print(f"报告 report: {path}")


# --- calendar and deadline -------------------------------------------------------------------------


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{field}: not an ISO date (YYYY-MM-DD): {text!r}") from None


BeyondChoice = Literal["none", "weekdays", "statutory"]


def _calendar(beyond: BeyondChoice) -> WorkCalendar:
    """A new calendar for one command (so that its coverage warning, once per calendar, is shown)."""
    from jiesu.calendar import WorkCalendar  # noqa: PLC0415 - keep `jiesu --help` fast

    return WorkCalendar(beyond_coverage="raise" if beyond == "none" else beyond)


@contextlib.contextmanager
def _coverage_notes() -> Iterator[None]:
    """Print the calendar's coverage warnings as notes on stderr (the answer itself stays on stdout)."""
    from jiesu.errors import CoverageWarning  # noqa: PLC0415 - keep `jiesu --help` fast

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CoverageWarning)
        yield
    for item in caught:
        if issubclass(item.category, CoverageWarning):
            err_console.print(
                f"note 注意: {item.message}", markup=False, highlight=False, soft_wrap=True
            )
        else:  # pragma: no cover - other warnings pass through unchanged
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


def _calendar_fail(error: JiesuError) -> typer.Exit:
    """Like :func:`_fail`, with the command's own way out of a date beyond the notices."""
    from jiesu.errors import CalendarCoverageError  # noqa: PLC0415 - keep `jiesu --help` fast

    exit_ = _fail(error)
    if isinstance(error, CalendarCoverageError):
        err_console.print(
            "hint: --beyond-coverage statutory follows the statutory holidays after the last notice",
            markup=False,
            highlight=False,
        )
    return exit_


Beyond = Annotated[
    BeyondChoice,
    typer.Option(
        "--beyond-coverage",
        help="Dates without a notice: none (refuse), statutory (the 放假办法's holidays, no 调休 "
        "guessed; recommended) or weekdays (weekday only: 元旦 etc. count as working days).",
    ),
]


@calendar_app.command("is-workday")
def is_workday(
    day: Annotated[str, typer.Argument(help="A date, YYYY-MM-DD.")],
    beyond_coverage: Beyond = "none",
) -> None:
    """Say whether a day is a working day in China (是否工作日), and why."""
    date = _date(day, "day")
    try:
        with _coverage_notes():
            cal = _calendar(beyond_coverage)
            work = cal.is_workday(date)
            name = cal.holiday_name(date)
            basis = cal.basis(date)
    except JiesuError as error:
        raise _calendar_fail(error) from error
    kind = "工作日 workday" if work else "休息日 day off"
    weekend = date.weekday() >= 5  # noqa: PLR2004 - Saturday is 5
    why = name or ("调休上班 adjusted working day" if work and weekend else "")
    note = {
        "notice": "",
        "statutory": " [provisional: statutory holidays only, no notice yet 待定]",
        "weekdays": " [provisional: by weekday only, no notice 待定]",
    }[basis]
    console.print(
        f"{date} {'周' + '一二三四五六日'[date.weekday()]}: {kind}"
        + (f" ({why})" if why else "")
        + note,
        markup=False,
        highlight=False,
    )


@calendar_app.command("add")
def add_workdays(
    day: Annotated[str, typer.Argument(help="A date, YYYY-MM-DD.")],
    n: Annotated[
        int,
        typer.Argument(help="Working days to add; to go back, write -- before a negative number."),
    ],
    beyond_coverage: Beyond = "none",
) -> None:
    """Add working days to a date (加工作日)."""
    date = _date(day, "day")
    try:
        with _coverage_notes():
            result = _calendar(beyond_coverage).add_workdays(date, n)
    except JiesuError as error:
        raise _calendar_fail(error) from error
    console.print(str(result))


@calendar_app.command("count")
def count_workdays(
    start: Annotated[str, typer.Argument(help="First date, YYYY-MM-DD (excluded).")],
    end: Annotated[str, typer.Argument(help="Last date, YYYY-MM-DD (included).")],
    beyond_coverage: Beyond = "none",
) -> None:
    """Count the working days in (start, end] (间隔工作日数)."""
    a, b = _date(start, "start"), _date(end, "end")
    try:
        with _coverage_notes():
            count = _calendar(beyond_coverage).workdays_between(a, b)
    except JiesuError as error:
        raise _calendar_fail(error) from error
    console.print(str(count))


@app.command()
def deadline(
    start: Annotated[str, typer.Argument(help="When the clock starts: ISO 8601 with offset.")],
    limit: Annotated[str, typer.Argument(help="The limit: 24h, 7d, 5wd (working days) or 16wh.")],
    now: Annotated[
        str | None, typer.Option(help="The instant to read the status at (default: now).")
    ] = None,
    stop: Annotated[str | None, typer.Option(help="When the milestone was met, if it was.")] = None,
    beyond_coverage: Beyond = "none",
) -> None:
    """Compute a deadline and its status (时限), counting China's working days and hours."""
    import pendulum  # noqa: PLC0415 - keep `jiesu --help` fast

    from jiesu.calendar import clock  # noqa: PLC0415 - keep `jiesu --help` fast
    from jiesu.model import Duration, aware  # noqa: PLC0415 - keep `jiesu --help` fast

    def instant(text: str, field: str) -> pendulum.DateTime:
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise typer.BadParameter(f"{field}: not an ISO 8601 time: {text!r}") from None
        return aware(parsed, field=field)  # a time without an offset is refused, never guessed

    try:
        started = instant(start, "start")
        with _coverage_notes():
            result = clock(
                _calendar(beyond_coverage),
                started,
                Duration.parse(limit),
                now=instant(now, "now") if now else pendulum.now("Asia/Shanghai"),
                stop=instant(stop, "stop") if stop else None,
            )
    except JiesuError as error:
        raise _calendar_fail(error) from error
    table = Table(title="时限 deadline")
    table.add_column("field")
    table.add_column("value")
    table.add_row("start 起算", result.start.to_iso8601_string())
    table.add_row("limit 时限", str(result.limit))
    table.add_row("due 到期", result.due.to_iso8601_string())
    table.add_row("status 状态", result.status.value)
    table.add_row("remaining 剩余", f"{result.remaining:g}")
    if result.provisional:
        table.add_row(
            "note", "provisional: the next year's holiday notice may still move this date"
        )
    console.print(table)


# --- route -----------------------------------------------------------------------------------------


def _district(folder: Path | None) -> District:
    """The district of ``--district DIR``, or the bundled sample."""
    from jiesu.month import District  # noqa: PLC0415 - keep `jiesu --help` fast

    return District.sample() if folder is None else District.load(folder)


DistrictOption = Annotated[
    Path | None,
    typer.Option("--district", "-d", help="A district folder (district.toml); default the sample."),
]


@app.command()
def route(
    lon: Annotated[float | None, typer.Argument(help="Longitude of the complaint.")] = None,
    lat: Annotated[float | None, typer.Argument(help="Latitude of the complaint.")] = None,
    category: Annotated[str, typer.Option(help="Dispatch catalogue category code.")] = "03.01.01",
    crs: Annotated[str, typer.Option(help="WGS84, CGCS2000, GCJ02 or BD09.")] = "GCJ02",
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="A JSON Lines file of complaints to route.")
    ] = None,
    lang: Annotated[str, typer.Option(help="Explanation language: zh, en or both.")] = "both",
    district: DistrictOption = None,
) -> None:
    """Route a point or a file of complaints (派单) on a district (default the sample), with the reasons."""
    import pendulum  # noqa: PLC0415 - keep `jiesu --help` fast

    from jiesu.model import Complaint, Location, load_jsonl  # noqa: PLC0415 - keep `jiesu --help` fast

    if lang not in ("zh", "en", "both"):
        raise typer.BadParameter(f"lang: one of zh, en, both; got {lang!r}")
    try:
        chosen = _district(district)
        router = chosen.router
        if file is not None:
            complaints, bad = load_jsonl(file, Complaint, errors="collect")
            batch = router.route_many(complaints)
            table = Table(title=f"{file.name}: {len(complaints)} routed")
            for column in ("complaint", "lead", "mode", "reason"):
                table.add_column(column)
            for row in batch.rows:
                decision = row.decision
                if decision is None:
                    table.add_row(row.complaint_id, "—", "refused", str(row.error))
                else:
                    table.add_row(
                        decision.complaint_id,
                        decision.lead,
                        decision.mode.label,
                        decision.reason_en,
                    )
            console.print(table)
            if bad:
                raise _fail(bad)
            return
        if lon is None or lat is None:
            raise typer.BadParameter("give LON LAT, or --file")
        complaint = Complaint(
            id="CLI",
            received_at=pendulum.now(chosen.timezone),
            channel="web",
            kind="complaint",
            urgency="normal",
            category=category,
            location=Location(lon, lat, crs),
        )
        console.print(
            router.route(complaint).explain(cast("Literal['zh', 'en', 'both']", lang)),
            highlight=False,
        )
    except JiesuError as error:
        raise _fail(error) from error


# --- score -----------------------------------------------------------------------------------------


@app.command()
def score(
    table: Annotated[
        Path,
        typer.Argument(help="Tickets: CSV (UTF-8/BOM or GB18030), Excel, Parquet or JSON Lines."),
    ],
    rules: Annotated[
        str, typer.Option(help="A rules preset name or a TOML file.")
    ] = "beijing-2021",
    headers: Annotated[
        str, typer.Option(help="Column names: zh (工单编号, 承办单位…) or en.")
    ] = "zh",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=".csv, .parquet or .json")
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding: auto, utf-8-sig or gb18030.")
    ] = "auto",
) -> None:
    """Score a table of tickets (三率考评): rates, composite and rank per unit and period.

    Every bad row is reported with its row number and the command exits with status 1; no row is dropped.
    """
    from jiesu.io import read_table  # noqa: PLC0415 - keep `jiesu --help` fast
    from jiesu.scoring import ColumnMap, Rules, score_frame  # noqa: PLC0415 - keep `jiesu --help` fast

    if headers not in ("zh", "en"):
        raise typer.BadParameter(f"headers: zh or en; got {headers!r}")
    if not table.exists():
        raise typer.BadParameter(f"table: no such file: {table}")
    try:
        chosen = Rules.from_toml(rules) if rules.endswith(".toml") else Rules.preset(rules)
        frame = read_table(table, encoding=encoding)
        columns = ColumnMap.chinese() if headers == "zh" else ColumnMap()
        result = score_frame(frame, rules=chosen, columns=columns, headers="zh")
    except ValidationReport as report:
        raise _fail(_where(report, frame, csv=table.suffix.lower() == ".csv")) from report
    except JiesuError as error:
        raise _fail(error) from error
    if output is None:
        _print_scorecard(result)
        return
    _write(result, output)
    console.print(f"成绩 scorecard: {output}")


_SHOWN = (
    "承办单位",
    "考核周期",
    "工单量",
    "有效回访量",
    "响应率",
    "解决率",
    "满意率",
    "综合成绩",
    "排名",
    "等级",
    "状态",
)
"""The scorecard columns ``jiesu score`` prints; files get every column."""


def _print_scorecard(result: pa.Table) -> None:
    shown = Table(title="成绩 scorecard")
    names = [n for n in _SHOWN if n in result.column_names]
    for name in names:
        shown.add_column(
            name, justify="left" if name in ("承办单位", "考核周期", "等级", "状态") else "right"
        )
    for row in result.to_pylist():
        cells = []
        for name in names:
            value = row[name]
            cells.append(
                "—" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)
            )
        shown.add_row(*cells)
    console.print(shown)


def _where(report: ValidationReport, frame: pa.Table, *, csv: bool) -> ValidationReport:
    """Name each bad row by its 1-based number, its line in a CSV file (header: line 1) and its ticket id."""
    ids = frame.column("工单编号").to_pylist() if "工单编号" in frame.column_names else []
    problems = []
    for p in report.problems:
        index = p.row  # the 0-based row of the table, right even when ticket ids repeat
        if isinstance(index, int):
            line = f"line {index + 2}, " if csv else ""
            ticket = f"工单编号 {ids[index]}" if index < len(ids) else ""
            detail = f" ({line}{ticket})".replace(", )", ")") if line or ticket else ""
            where: int | str = f"{index + 1}{detail}"
        else:
            where = index
        problems.append(Problem(where, p.field, p.value, p.reason))
    return ValidationReport(problems, total=report.total)


def _write(result: pa.Table, output: Path) -> None:
    import pyarrow.csv as pacsv  # noqa: PLC0415 - the io extra is optional
    import pyarrow.parquet as pq  # noqa: PLC0415 - the io extra is optional

    suffix = output.suffix.lower()
    if suffix == ".parquet":
        pq.write_table(result, output)
    elif suffix == ".json":
        import json  # noqa: PLC0415 - only this branch needs it

        output.write_text(
            json.dumps(result.to_pylist(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    elif suffix == ".csv":
        # UTF-8 with BOM, so that spreadsheet software reads the Chinese headers.
        with output.open("wb") as fh:
            fh.write(b"\xef\xbb\xbf")
            pacsv.write_csv(result, fh)
    else:
        raise typer.BadParameter(f"output: .csv, .parquet or .json; got {output.name!r}")


# --- a district's own month ----------------------------------------------------------------------


@app.command()
def init(
    folder: Annotated[
        Path, typer.Argument(help="The folder to create (must not hold a district).")
    ],
) -> None:
    """Create a district folder to fill in (新建辖区配置), copied from the sample with comments."""
    from jiesu.month import init_folder  # noqa: PLC0415 - keep `jiesu --help` fast

    try:
        written = init_folder(folder)
    except JiesuError as error:
        raise _fail(error) from error
    console.print(f"辖区配置 district folder: {folder} ({len(written)} files)")
    console.print(
        "Edit district.toml and replace each file with your own, then run: jiesu check "
        + str(folder)
    )


@app.command()
def check(
    folder: Annotated[Path, typer.Argument(help="A district folder (district.toml).")],
) -> None:
    """Validate a district folder (校验辖区配置): exit 0, or 1 with every problem of every file."""
    try:
        chosen = _district(folder)
    except JiesuError as error:
        raise _fail(error) from error
    console.print(
        f"{chosen.name}: {len(chosen.units)} units, {len(chosen.catalogue.categories)} categories, "
        f"{len(chosen.territory.areas)} areas, rules {chosen.rules.name}, deadlines "
        f"{chosen.deadlines.name}, zone {chosen.timezone} — ok"
    )


@app.command()
def month(
    folder: Annotated[Path, typer.Argument(help="A district folder (district.toml).")],
    tickets: Annotated[
        Path,
        typer.Option(
            "--tickets",
            "-t",
            help="The export: CSV (UTF-8/BOM/GB18030), .xlsx, Parquet, JSON Lines.",
        ),
    ],
    period: Annotated[str, typer.Option(help="The scored month, YYYY-MM.")],
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="Where the files go.")],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Score the good rows; count the bad ones as skipped.")
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(help="When clocks are read, ISO with offset (default the month's end)."),
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding: auto, utf-8, utf-8-sig or gb18030.")
    ] = "auto",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no tables.")
    ] = False,
) -> None:
    """Run a district's month (月度考评) on its export and write the scorecard, tickets, problems and report.

    Writes ``scorecard.csv`` / ``scorecard.xlsx``, ``tickets.csv``, ``problems.csv`` and ``report.html``
    into OUTPUT_DIR (made when missing). With bad rows and no ``--skip-bad`` only ``problems.csv`` is
    written and the exit status is 1.
    """
    if not tickets.exists():
        raise typer.BadParameter(f"tickets: no such file: {tickets}")
    try:  # a missing output folder is made, as a user expects; a file in its place is refused
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise typer.BadParameter(f"output-dir: not a folder: {output_dir}") from None
    try:
        chosen = _district(folder)
        result = _run_job(chosen, tickets, period=period, now=now, encoding=encoding, quiet=quiet)
        _write_month(result, chosen, output_dir, skip_bad=skip_bad, quiet=quiet)
    except JiesuError as error:
        raise _fail(error) from error


@app.command()
def daily(
    folder: Annotated[Path, typer.Argument(help="A district folder (district.toml).")],
    tickets: Annotated[
        Path,
        typer.Option(
            "--tickets",
            "-t",
            help="The export: CSV (UTF-8/BOM/GB18030), .xlsx, Parquet, JSON Lines.",
        ),
    ],
    date: Annotated[str, typer.Option("--date", help="The day, YYYY-MM-DD (the district's zone).")],
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-o", help="Also write daily.csv and cards.csv here."),
    ] = None,
    secret_env: Annotated[
        str | None,
        typer.Option(
            "--caller-secret-env",
            help="An environment variable holding the caller-key secret (finds the day's repeats).",
        ),
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="CSV encoding: auto, utf-8, utf-8-sig or gb18030.")
    ] = "auto",
) -> None:
    """The daily brief (日梳理): the day's volume, supervision cards, early-warning alerts and repeats.

    Reads the export in the district's zone, sets bad rows aside (counted, listed by ``jiesu month``),
    and prints the seven days ending on DATE, the red and yellow cards per unit at the end of the day,
    the day's alerts and — with ``--caller-secret-env`` — the day's repeated tickets.
    """
    import os  # noqa: PLC0415 - only this command reads the environment

    from jiesu.month import daily_brief  # noqa: PLC0415 - keep `jiesu --help` fast

    if not tickets.exists():
        raise typer.BadParameter(f"tickets: no such file: {tickets}")
    secret = None
    if secret_env is not None:
        secret = os.environ.get(secret_env)
        if not secret:
            raise typer.BadParameter(f"caller-secret-env: {secret_env} is not set")
    try:
        chosen = _district(folder)
        brief = daily_brief(chosen, tickets, date=date, caller_secret=secret, encoding=encoding)
    except JiesuError as error:
        raise _fail(error) from error
    names = {u.code: u.name for u in chosen.units}
    for table in _daily_tables(brief, names):
        console.print(table)
    if output_dir is not None:
        from jiesu.io import write_table  # noqa: PLC0415 - the io extra is optional

        try:
            output_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise typer.BadParameter(f"output-dir: not a folder: {output_dir}") from None
        for name, table in (("daily.csv", brief.days), ("cards.csv", _cards(brief, names))):
            path = write_table(table, output_dir / name)
            console.print(f"写出 wrote: {path}", highlight=False)


def _cards(brief: Any, names: dict[str, str]) -> pa.Table:  # noqa: ANN401 - a DailyBrief
    """The cards with Chinese headers and local due times (no personal field is in the job's table)."""
    import pendulum  # noqa: PLC0415 - keep `jiesu --help` fast
    import pyarrow as pa  # noqa: PLC0415 - the io extra is optional

    rows = brief.cards.to_pylist()
    zone = brief.now.timezone_name
    return pa.table(
        {
            "工单编号": pa.array([r["ticket_id"] for r in rows], pa.string()),
            "承办单位": pa.array([names.get(r["unit"], r["unit"]) for r in rows], pa.string()),
            "督办": pa.array(["红牌" if r["card"] == "red" else "黄牌" for r in rows], pa.string()),
            "办结时限": pa.array(
                [
                    pendulum.instance(r["due"]).in_timezone(zone).format("YYYY-MM-DD HH:mm")
                    for r in rows
                ],
                pa.string(),
            ),
        }
    )


def _daily_tables(brief: Any, names: dict[str, str]) -> list[Table]:  # noqa: ANN401 - a DailyBrief
    days = Table(title=f"{brief.result.district} {brief.date} 日梳理 the last seven days")
    heads = (
        "日期",
        "受理",
        "直派",
        "转派",
        "退单",
        "回访",
        "响应率",
        "解决率",
        "满意率",
        "超期",
        "重复",
    )
    for head in heads:
        days.add_column(head, justify="left" if head == "日期" else "right")
    keys = (
        "received",
        "direct",
        "via_district",
        "returned",
        "callbacks",
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "overdue",
        "repeats",
    )
    for row in brief.days.to_pylist():
        days.add_row(row["period"], *("" if row.get(k) is None else str(row[k]) for k in keys))
    cards = Table(title=f"督办 supervision cards at {brief.now.format('YYYY-MM-DD HH:mm')}")
    for head in ("单位", "红牌", "黄牌"):
        cards.add_column(head, justify="left" if head == "单位" else "right")
    for row in brief.cards_by_unit.to_pylist()[:10]:
        cards.add_row(names.get(row["unit"], row["unit"]), str(row["red"]), str(row["yellow"]))
    warn = Table(title="预警 alerts of the day (未诉先办)")
    for head in ("区域", "诉求分类", "当日", "预期", "p"):
        warn.add_column(head, justify="left" if head in ("区域", "诉求分类") else "right")
    for row in brief.alerts.to_pylist():
        warn.add_row(
            names.get(row["area"], str(row["area"])),
            str(row["category"]),
            str(row["count"]),
            f"{row['expected']:.2f}",
            f"{row['p_value']:.1e}",
        )
    out = [days, cards, warn, *_repeat_tables(brief, names)]
    skipped = brief.result.skipped
    if skipped:
        err_console.print(f"跳过坏行 skipped {skipped} bad rows (run jiesu month to list them)")
    return out


def _repeat_tables(brief: Any, names: dict[str, str]) -> list[Table]:  # noqa: ANN401 - a DailyBrief
    out = []
    if "caller_key" in brief.result.tickets.column_names:
        repeats = Table(title="屡办不成 repeated tickets of the day")
        for head in ("工单编号", "单位", "诉求分类", "第几次"):
            repeats.add_column(head)
        for row in brief.repeats.to_pylist():
            repeats.add_row(
                row["ticket_id"],
                names.get(row["unit"], str(row["unit"])),
                str(row["category"]),
                str(row["repeat_index"]),
            )
        out.append(repeats)
    return out


def _run_job(
    district: District, tickets: Path, *, period: str, now: str | None, encoding: str, quiet: bool
) -> MonthResult:
    """The month's job, every bad row kept (the caller decides whether to score them)."""
    from jiesu.month import MonthJob  # noqa: PLC0415 - keep `jiesu --help` fast

    job = MonthJob(district)
    bar, advance = (None, None) if quiet else _progress()
    if bar is None:
        return job.run(tickets, period=period, now=now, encoding=encoding, skip_bad=True)
    with bar:  # pragma: no cover - only on a real terminal
        return job.run(
            tickets, period=period, now=now, encoding=encoding, skip_bad=True, progress=advance
        )


def _write_month(
    result: MonthResult, district: District, folder: Path, *, skip_bad: bool, quiet: bool
) -> None:
    from jiesu.month import write_outputs  # noqa: PLC0415 - keep `jiesu --help` fast
    from jiesu.report import month_report_data, write_report  # noqa: PLC0415 - keep `jiesu --help` fast

    names = {u.code: u.name for u in district.units}
    refuse = bool(result.problems) and not skip_bad
    written = write_outputs(
        result, folder, names=names, zone=district.timezone, problems_only=refuse
    )
    if refuse:
        err_console.print(
            f"[bold red]{len(result.problems.rows)} bad rows[/] of {result.problems.total}: "
            f"see {written[0]}; nothing scored (use --skip-bad to score the good rows)"
        )
        for line in result.problems.lines()[:20]:
            err_console.print(f"  {line}", markup=False, highlight=False)
        raise typer.Exit(EXIT_DATA)
    report_path = write_report(month_report_data(result, district), folder / "report.html")
    if result.skipped:
        console.print(f"跳过坏行 skipped {result.skipped} bad rows (listed in problems.csv)")
    if not quiet:
        for table in _month_tables(result, names):
            console.print(table)
    for path in (*written, report_path):
        console.print(f"写出 wrote: {path}", highlight=False)


def _month_tables(result: MonthResult, names: dict[str, str]) -> list[Table]:
    counts = result.summary.counts
    summary = Table(title=f"{result.district} {result.period} 月度概况 summary")
    summary.add_column("指标 measure")
    summary.add_column("数量 count", justify="right")
    for key, label in (
        ("rows", "导出行 export rows"),
        ("received", "本月受理 received this month"),
        ("bad_rows", "坏行 bad rows"),
        ("scored", "纳入考评 scored rows"),
    ):
        summary.add_row(label, str(counts[key]))
    for key, label in (
        ("match", "派单一致"),
        ("mismatch", "派单不一致"),
        ("unverifiable", "无法核验"),
    ):
        summary.add_row(f"派单核验 {label}", str(result.summary.audit.get(key, 0)))
    card = Table(title=f"{result.period} 三率考评 scorecard (top 10 per group)")
    for column in ("分组", "排名", "单位", "工单", "有效回访", "综合成绩", "等级"):
        card.add_column(column, justify="left" if column in ("分组", "单位", "等级") else "right")
    shown: dict[str, int] = {}
    for s in result.scores():
        group = str(s.group or "")
        if s.rank is None or shown.get(group, 0) >= 10:  # noqa: PLR2004 - ten rows per group
            continue
        shown[group] = shown.get(group, 0) + 1
        card.add_row(
            group,
            str(s.rank),
            names.get(str(s.unit), str(s.unit)),
            str(s.volume),
            str(s.valid),
            str(s.composite),
            s.grade or "",
        )
    return [summary, card]


def main() -> None:
    """Entry point of the ``jiesu`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover - run as `python -m jiesu.cli`
    main()
