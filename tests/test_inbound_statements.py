"""The statements receive() runs for a message from a known relay: the relay's row gets
only last_inbound_at and updated_at, whatever the message's own fields are called (a
parameter named like a column would also set that column), in one round trip on
PostgreSQL and two on SQLite."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.inbound import receive
from bot.conversation.inbound_waiting import converse_waiting, store_waiting
from bot.conversation.router import Router
from bot.conversation.values import Inbound
from bot.db import unit_of_work
from bot.models import InboundMessage, Relay
from tests.factories import make_relay
from tests.statements import statements_run

NOW = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)


def test_a_message_marks_its_relay_and_changes_nothing_else_of_it(
    engine: Engine, factory: sessionmaker[Session], router: Router
) -> None:
    with unit_of_work(factory) as session:
        relay_id = make_relay(session, address="telegram:7007", channel="telegram").id
    with statements_run(engine) as statements, unit_of_work(factory) as session:
        fresh = receive(
            session=session,
            router=router,
            channel="whatsapp",  # not the relay's: it must stay telegram
            platform_message_id="m-7007",
            inbound=Inbound(address="telegram:7007", text="Merci pour le message"),
            raw={"text": "Merci pour le message"},
            now=NOW,
        )

    assert fresh is True
    updates = [s for s in statements if re.search(r"\bUPDATE relay SET\b", s)]
    assert len(updates) == 1
    assignments = re.search(r"UPDATE relay SET (.*?) WHERE", updates[0])
    assert assignments is not None
    assert assignments.group(1).count("=") == 2
    assert "last_inbound_at=" in updates[0]
    assert "updated_at=" in updates[0]
    stored = [s for s in statements if "INSERT INTO inbound_message" in s]
    assert len(stored) == 1
    together = engine.dialect.name == "postgresql"
    assert ("UPDATE relay" in stored[0]) is together  # one round trip on PostgreSQL
    with factory() as session:
        relay = session.get_one(Relay, relay_id)
        assert (relay.address, relay.channel) == ("telegram:7007", "telegram")
        assert relay.last_inbound_at == NOW
        assert relay.updated_at == NOW
        message = session.scalars(select(InboundMessage)).one()
        assert (message.channel, message.relay_id) == ("whatsapp", relay_id)


def test_a_message_that_waited_marks_its_relay_when_its_conversation_runs(
    engine: Engine, factory: sessionmaker[Session], router: Router
) -> None:
    """Stored under a burst, then answered: the relay is marked as heard from at the time
    the message came, by the statement that takes the mark off on PostgreSQL."""
    with unit_of_work(factory) as session:
        relay_id = make_relay(session, address="telegram:7008", channel="telegram").id
    inbound = Inbound(address="telegram:7008", text="Merci")
    with unit_of_work(factory) as session:
        inbound_id = store_waiting(
            session=session,
            channel="telegram",
            platform_message_id="m-7008",
            inbound=inbound,
            raw={"text": "Merci"},
            now=NOW,
        )
    assert inbound_id is not None
    with factory() as session:
        assert session.get_one(Relay, relay_id).last_inbound_at is None  # not yet
    with statements_run(engine) as statements, unit_of_work(factory) as session:
        ran = converse_waiting(
            session=session,
            router=router,
            channel="telegram",
            platform_message_id="m-7008",
            inbound_id=inbound_id,
            inbound=inbound,
            received_at=NOW,
        )

    assert ran is True
    taken = [s for s in statements if "UPDATE inbound_message SET waiting" in s]
    assert len(taken) == 1
    together = engine.dialect.name == "postgresql"
    assert ("UPDATE relay SET" in taken[0]) is together  # one round trip on PostgreSQL
    with factory() as session:
        relay = session.get_one(Relay, relay_id)
        assert relay.last_inbound_at == NOW
        assert session.get_one(InboundMessage, inbound_id).waiting is False
