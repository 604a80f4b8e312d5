"""The ``jiesu`` command (命令行): demo, calendar, deadline, route, score and report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from jiesu.errors import MissingDependencyError
from jiesu.model import Ticket, example_tickets

if TYPE_CHECKING:
    from collections.abc import Sequence

try:
    import typer
    from rich.console import Console
    from rich.table import Table
except ImportError as exc:  # pragma: no cover - exercised only without the cli extra installed
    raise MissingDependencyError(exc.name or "typer", extra="cli") from exc

app = typer.Typer(
    name="jiesu",
    help="jiesu 接诉: 12345 hotline tickets, working calendar, routing and scoring.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Jiesu 接诉: 12345 hotline tickets, working calendar, routing and scoring."""


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
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the sample month.")] = 2025,
) -> None:
    """Run the main job on the bundled sample and print the result (演示)."""
    console = Console()
    tickets = example_tickets(seed)
    console.print(summary_table(tickets, title=f"jiesu demo (seed {seed}): 示例工单"))
    for ticket in tickets:
        console.print(history_table(ticket))


def main() -> None:
    """Entry point of the ``jiesu`` console script."""
    app()
