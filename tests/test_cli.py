"""The `relais` command line: help, configuration errors, schema checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "web", "worker", "db"):
        assert command in result.output


def test_a_bad_setting_stops_with_the_variable_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RELAIS_TIMEZONE", "Mars/Olympus")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "RELAIS_TIMEZONE: unknown time zone 'Mars/Olympus'" in result.output


@pytest.mark.parametrize("command", ["serve", "web", "worker"])
def test_servers_refuse_an_unmigrated_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RELAIS_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    result = runner.invoke(app, [command])
    assert result.exit_code == 1
    assert "run `relais db upgrade`" in result.output


def test_db_upgrade_then_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert (tmp_path / "relais.db").exists()  # the default database, in the working directory
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 0
    revision = result.output.split("database: ")[1].split(";")[0]
    assert revision != "empty"
    assert f"code: {revision}" in result.output
