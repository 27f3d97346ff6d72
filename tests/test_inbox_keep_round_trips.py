"""Keeping a message for the team looks for a waiting thread and inserts the entry: one
statement on PostgreSQL (the look-up reads the snapshot from before the insert), two on
SQLite, with the same acknowledgements either way."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from tests.factories import converse, new_relay
from tests.statements import statements_run

ADDRESS = "telegram:94001"
ACK_FR = "Merci\u00a0! Votre message est bien parvenu à l'équipe de la campagne."


def test_a_message_for_the_team_is_kept_in_one_statement_on_postgresql(
    engine: Engine, factory: sessionmaker[Session], router: Router
) -> None:
    new_relay(factory, address=ADDRESS, channel="telegram")
    with statements_run(engine) as statements:
        first = converse(factory, router, ADDRESS, "Quand est la prochaine réunion ?")
    second = converse(factory, router, ADDRESS, "Et où ?")

    touching = [s for s in statements if "inbox_entry" in s]
    postgres = engine.dialect.name == "postgresql"
    assert len(touching) == (1 if postgres else 2), touching
    if postgres:
        assert touching[0].startswith("WITH ")
        assert "INSERT INTO inbox_entry" in touching[0]
        assert "SELECT inbox_entry.id AS id FROM inbox_entry WHERE" in touching[0]
    [acknowledged] = first  # nothing was waiting before it
    assert acknowledged["text"].startswith(ACK_FR)
    assert second == []  # the first still waits: kept in silence
