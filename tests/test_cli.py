from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jiesu import cli
from jiesu.model import example_tickets

runner = CliRunner()


def test_demo_prints_histories_and_states() -> None:
    result = runner.invoke(cli.app, ["demo", "--seed", "7"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "jiesu demo (seed 7)" in result.output
    for ticket in example_tickets(7):
        assert ticket.id in result.output
        assert ticket.state_label in result.output
    assert "受理 → 派单 → 签收 → 退单申请 → 退单审核" in result.output
    assert "13800000" not in result.output  # callers stay out of the demo


def test_demo_seed_moves_times() -> None:
    first = runner.invoke(cli.app, ["demo", "--seed", "1"], env={"COLUMNS": "200"}).output
    second = runner.invoke(cli.app, ["demo", "--seed", "2"], env={"COLUMNS": "200"}).output
    assert first != second
    assert [t.state for t in example_tickets(1)] == [t.state for t in example_tickets(2)]


def test_history_table_rows() -> None:
    ticket = example_tickets()[2]
    table = cli.history_table(ticket)
    assert table.row_count == len(ticket.events)
    assert cli.summary_table([ticket], title="t").row_count == 1


def test_main_runs_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["jiesu", "--help"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 0
