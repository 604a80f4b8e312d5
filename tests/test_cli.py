from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jiesu import cli

runner = CliRunner()


def test_demo_prints_a_table() -> None:
    result = runner.invoke(cli.app, ["demo", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "model" in result.output
    assert "7" in result.output


def test_main_runs_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["jiesu", "--help"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 0
