"""`relais quiz list` in a narrow terminal: ids are never cut, other columns wrap."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from tests.contest_factories import make_contest, make_poll

runner = CliRunner()


@pytest.mark.parametrize("columns", [80, 50, 100])
def test_ids_are_whole_in_a_narrow_terminal(
    database_url: str,
    factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    columns: int,
) -> None:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    make_contest(
        factory,
        slug="quiz-nos-droits-et-devoirs",
        title={"fr": "Nos droits et nos devoirs de citoyens, en dix questions " * 3, "bm": "—"},
    )
    make_poll(factory, slug="sondage-conseil-communal-2026")
    result = runner.invoke(app, ["quiz", "list"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert "quiz-nos-droits-et-devoirs" in result.output
    assert "sondage-conseil-communal-2026" in result.output
    assert "…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= columns
