"""`relais broadcast` and `relais admin` as an organiser types them."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.db import unit_of_work
from bot.models import Broadcast, Delivery, DeliveryStatus, Language, Relay, Role
from tests.factories import make_relay

Factory = sessionmaker[Session]
runner = CliRunner()


@pytest.fixture
def relays(database_url: str, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> Factory:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    with unit_of_work(factory) as session:
        make_relay(session, address="console:awa", language=Language.BM, place="kayes")
        make_relay(session, address="console:ali", language=Language.FR, place="kita")
        make_relay(session, address="console:ina", language=Language.FR, place="kayes")
    return factory


def test_grant_revoke_and_tag(relays: Factory) -> None:
    assert runner.invoke(app, ["admin", "grant", "console:awa"]).exit_code == 0
    assert runner.invoke(app, ["admin", "tag", "console:awa", "Ambassadeur"]).exit_code == 0
    with relays() as session:
        awa = session.scalars(select(Relay).where(Relay.address == "console:awa")).one()
        assert (awa.role, awa.tags) == (Role.ORGANISER, ["ambassadeur"])
    assert (
        runner.invoke(app, ["admin", "tag", "console:awa", "ambassadeur", "--remove"]).exit_code
        == 0
    )
    assert runner.invoke(app, ["admin", "revoke", "console:awa"]).exit_code == 0
    with relays() as session:
        awa = session.scalars(select(Relay).where(Relay.address == "console:awa")).one()
        assert (awa.role, awa.tags) == (Role.RELAY, [])
    unknown = runner.invoke(app, ["admin", "grant", "telegram:999"])
    assert unknown.exit_code == 2
    assert "doit d'abord s'inscrire" in unknown.output
    assert runner.invoke(app, ["admin", "grant", "not-an-address"]).exit_code == 2


def test_create_shows_the_audience_and_sends_only_once_confirmed(relays: Factory) -> None:
    command = [
        "broadcast",
        "create",
        "--audience",
        "place=kayes",
        "--fr",
        "Venez !",
        "--bm",
        "Aw ka na!",
    ]
    declined = runner.invoke(app, command, input="n\n")
    assert declined.exit_code == 1
    assert "2 relais, envoi maintenant" in declined.output
    with relays() as session:
        assert session.scalars(select(Broadcast)).all() == []
    sent = runner.invoke(app, [*command, "--yes"])
    assert sent.exit_code == 0, sent.output
    with relays() as session:
        payloads = {
            address: payload["text"]
            for address, payload in session.execute(
                select(Relay.address, Delivery.payload).join(
                    Delivery, Delivery.relay_id == Relay.id
                )
            )
        }
    assert payloads == {"console:awa": "Aw ka na!", "console:ina": "Venez !"}


def test_status_follow_and_cancel(relays: Factory) -> None:
    runner.invoke(app, ["broadcast", "create", "--fr", "Venez !", "--bm", "Aw ka na!", "--yes"])
    with relays() as session:
        number = session.scalars(select(Broadcast.id)).one()
    shown = runner.invoke(app, ["broadcast", "status", str(number)])
    assert shown.exit_code == 0
    assert "en attente d’envoi" in shown.output  # the status in French, not "queued"
    with unit_of_work(relays) as session:  # the worker sends one
        first = session.scalars(select(Delivery.id).order_by(Delivery.id)).first()
        session.execute(
            update(Delivery).where(Delivery.id == first).values(status=DeliveryStatus.SENT)
        )
    cancelled = runner.invoke(app, ["broadcast", "cancel", str(number)])
    assert "2 envoi(s) retiré(s)" in cancelled.output
    followed = runner.invoke(
        app, ["broadcast", "status", str(number), "--follow", "--timeout", "5"]
    )
    assert followed.exit_code == 0
    assert "annulée" in followed.output
    assert "3/3" in followed.output  # every delivery reached an end
    assert runner.invoke(app, ["broadcast", "status", "999"]).exit_code == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--audience", "colour=red", "--fr", "x"], "--audience"),
        (["--audience", "all"], "--fr et --bm"),
    ],
)
def test_bad_input_is_refused_clearly(relays: Factory, arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["broadcast", "create", *arguments, "--yes"])
    assert result.exit_code == 2
    assert message in result.output


def test_the_organiser_can_read_it_in_bambara(relays: Factory) -> None:
    result = runner.invoke(app, ["admin", "grant", "console:nobody", "--lang", "bm"])
    assert result.exit_code == 2
    assert "Rela si tɛ console:nobody la" in result.output
