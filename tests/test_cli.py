"""The `relais` command line: help, configuration errors, schema checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.conversation.handlers import build_router
from bot.db import make_engine, make_session_factory, unit_of_work
from bot.models import Delivery, DeliveryStatus, InboundMedia, InboundMessage, Relay
from tests.factories import converse, make_delivery, make_relay

runner = CliRunner()
Factory = sessionmaker[Session]


@pytest.fixture
def default_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Factory]:
    """`relais db upgrade` run in an empty folder: the default database, relais.db there."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'relais.db'}")
    yield make_session_factory(engine)
    engine.dispose()


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


def test_report_says_how_far_each_message_got_and_why(default_database: Factory) -> None:
    outcomes = [(DeliveryStatus.READ, None), *[(DeliveryStatus.HELD, "window")] * 2]
    with unit_of_work(default_database) as session:
        for number, (status, code) in enumerate(outcomes):
            address = f"whatsapp:+2237000000{number}"
            relay = make_relay(session, address=address, channel="whatsapp")
            make_delivery(session, relay, {}, ref="d1")
            session.execute(
                update(Delivery)
                .where(Delivery.relay_id == relay.id)
                .values(status=status, error_code=code)
            )
    result = runner.invoke(app, ["report", "deliveries", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert {(line["status"], line["relays"]) for line in lines} == {("held", 2), ("read", 1)}
    held = next(line for line in lines if line["status"] == "held")
    assert held["source"] == "post:d1"
    assert "fenêtre de 24 h de WhatsApp" in held["reason"]
    table = runner.invoke(app, ["report", "deliveries"])
    assert table.exit_code == 0
    assert "post:d1" in table.output


def test_testimonies_show_media_by_place_never_by_person(default_database: Factory) -> None:
    converse(default_database, build_router(), "console:awa", "/start", name="Awa Traoré")
    with unit_of_work(default_database) as session:
        relay = session.scalars(select(Relay)).one()
        relay.place = "kita"
        message = session.scalars(select(InboundMessage)).one()
        session.add(
            InboundMedia(
                inbound_id=message.id,
                relay_id=relay.id,
                kind="voice",
                url="https://api.twilio.com/Media/ME1",
                content_type="audio/ogg",
            )
        )
    result = runner.invoke(app, ["report", "testimonies", "--json"])
    assert result.exit_code == 0, result.output
    [line] = [json.loads(line) for line in result.output.splitlines()]
    assert (line["kind"], line["place"], line["url"]) == (
        "voice",
        "kita",
        "https://api.twilio.com/Media/ME1",
    )
    assert "awa" not in result.output.lower()
