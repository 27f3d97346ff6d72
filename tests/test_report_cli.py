"""`relais report`: a typer group that writes the indicators with --out, prints them with
community / posts / ambassadors, and keeps deliveries and testimonies as they were."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()


@pytest.fixture
def database(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI on this test's migrated, emptied database."""
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    return database_url


def test_the_group_lists_every_report() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    for word in (
        "--out",
        "--campaign",
        "--from",
        "--to",
        "community",
        "posts",
        "ambassadors",
        "deliveries",
        "testimonies",
    ):
        assert word in result.output


def test_out_goes_without_a_subcommand(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "r"), "deliveries"])
    assert result.exit_code == 2
    assert "--out" in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.usefixtures("database")
def test_an_unknown_campaign_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "r"), "--campaign", "nope"])
    assert result.exit_code == 1
    assert "Aucune campagne «\u00a0nope\u00a0»." in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("command", ["community", "posts", "ambassadors"])
def test_a_period_that_ends_before_it_starts_is_refused(command: str) -> None:
    result = runner.invoke(
        app, ["report", command, "--from", "2026-12-08", "--to", "2026-12-01", "--lang", "bm"]
    )
    assert result.exit_code == 1
    assert "Waati daminɛ bɛ a laban kɔfɛ (2026-12-08 > 2026-12-01)." in result.output


@pytest.mark.usefixtures("database")
def test_options_given_to_the_group_reach_the_subcommand() -> None:
    result = runner.invoke(app, ["report", "--campaign", "nope", "posts"])
    assert result.exit_code == 1
    assert "nope" in result.output


@pytest.mark.usefixtures("database")
def test_out_writes_every_file_and_says_what_it_found(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "content/campaigns/engageonsnous"
    loaded = runner.invoke(app, ["campaign", "load", str(sample)])
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--out", str(out), "--campaign", "engageonsnous"])
    assert result.exit_code == 0, result.output
    assert "9 fichiers écrits dans" in result.output
    assert len(list(out.iterdir())) == 9
    with (out / "posts.csv").open(encoding="utf-8-sig", newline="") as handle:
        posts = list(csv.DictReader(handle))
    assert {post["campaign"] for post in posts} <= {"engageonsnous"}
    for command in ("community", "posts", "ambassadors"):
        shown = runner.invoke(app, ["report", command, "--campaign", "engageonsnous"])
        assert shown.exit_code == 0, shown.output
