"""Writes kept back (`Precompiled.later`): on PostgreSQL a webhook's replies go with the
connection's next statement. Whatever runs next sees them, the commit stores them, a
rollback drops them, and one that fails fails the statement that sent it and, in a group
commit, only the work that wrote it. On SQLite they are written at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import core
from bot.domain.outbox import enqueue_many
from bot.group_commit import GroupCommit
from bot.models import Delivery, Relay
from bot.outbound import Message
from bot.precompiled import Precompiled
from tests.factories import new_relay

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
_COUNT = Precompiled(
    select(func.count()).select_from(Delivery).where(Delivery.source_kind == "kept")
)


def _reply(session: Session, relay_id: int, ref: str) -> None:
    relay = session.get_one(Relay, relay_id)
    enqueue_many(
        session=session,
        messages=[("kept", ref, Message(text=f"réponse {ref}"))],
        relay=relay,
        now=NOW,
        later=True,
    )


def _stored(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        refs = session.scalars(select(Delivery.source_ref).where(Delivery.source_kind == "kept"))
        return sorted(refs)


def _sent_nothing_yet(connection: Connection) -> bool:
    """Whether the driver connection has sent nothing since its last transaction."""
    dbapi: Any = connection.connection.dbapi_connection
    if not isinstance(dbapi, psycopg.Connection):
        return False
    return dbapi.info.transaction_status is psycopg.pq.TransactionStatus.IDLE


READS: dict[str, Callable[[Connection], int]] = {
    "precompiled": lambda connection: _COUNT.scalar(connection, {}),
    "core": lambda connection: connection.execute(
        select(func.count()).select_from(Delivery).where(Delivery.source_kind == "kept")
    ).scalar_one(),
    "driver sql": lambda connection: connection.exec_driver_sql(
        "SELECT count(*) FROM delivery WHERE source_kind = 'kept'"
    ).scalar_one(),
}


@pytest.mark.parametrize("read", list(READS))
def test_whatever_runs_next_sees_the_replies(
    factory: sessionmaker[Session], read: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    relay_id = new_relay(factory, address="telegram:93001", channel="telegram")
    pipelines: list[object] = []
    pipeline = psycopg.Connection.pipeline

    def counted(self: psycopg.Connection[Any]) -> Any:
        pipelines.append(self)
        return pipeline(self)

    monkeypatch.setattr(psycopg.Connection, "pipeline", counted)
    with factory() as session:
        relay = session.get_one(Relay, relay_id)
        session.commit()  # a new transaction next: nothing sent in it yet
        enqueue_many(
            session=session,
            messages=[("kept", "1", Message(text="Reçu")), ("kept", "2", Message(text="Merci"))],
            relay=relay,
            now=NOW,
            later=True,
        )
        connection = core(session)
        postgres = connection.dialect.name == "postgresql"
        assert _sent_nothing_yet(connection) is postgres
        assert READS[read](connection) == 2
        assert len(pipelines) == (1 if postgres else 0)
        session.commit()
    assert _stored(factory) == ["1", "2"]


def test_the_orm_sees_them_too(factory: sessionmaker[Session]) -> None:
    relay_id = new_relay(factory, address="telegram:93002", channel="telegram")
    with factory() as session, session.begin():
        _reply(session, relay_id, "orm")
        found = session.scalars(select(Delivery).where(Delivery.source_kind == "kept")).all()
        assert [delivery.source_ref for delivery in found] == ["orm"]


def test_the_commit_stores_them_and_a_rollback_drops_them(factory: sessionmaker[Session]) -> None:
    relay_id = new_relay(factory, address="telegram:93003", channel="telegram")
    with factory() as session, session.begin():
        _reply(session, relay_id, "committed")
    assert _stored(factory) == ["committed"]

    with factory() as session:
        session.begin()
        _reply(session, relay_id, "rolled back")
        session.rollback()
        with session.begin():  # the same driver connection, a new transaction
            session.execute(text("SELECT 1"))
    with factory() as session:
        _reply(session, relay_id, "closed without commit")
    assert _stored(factory) == ["committed"]


def test_one_that_fails_is_raised_by_the_statement_that_sends_it(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        missing = (session.scalar(select(func.max(Relay.id))) or 0) + 1000
        with pytest.raises(IntegrityError):
            _reply_then_count(session, missing)
        session.rollback()
    assert _stored(factory) == []


def _reply_then_count(session: Session, relay_id: int) -> int:
    _reply_to_missing(session, relay_id)
    return int(_COUNT.scalar(core(session), {}))


def _reply_to_missing(session: Session, relay_id: int) -> None:
    """A reply to a relay that is not there: the foreign key refuses it."""
    missing = Relay(id=relay_id, address="telegram:0", channel="telegram")
    enqueue_many(
        session=session,
        messages=[("kept", "refused", Message(text="Non"))],
        relay=missing,
        now=NOW,
        later=True,
    )


def test_in_a_group_only_the_work_that_wrote_it_fails(factory: sessionmaker[Session]) -> None:
    kept = new_relay(factory, address="telegram:93004", channel="telegram")
    with factory() as session:
        missing = (session.scalar(select(func.max(Relay.id))) or 0) + 1000

    def good(ref: str) -> Callable[[Session], str]:
        def work(session: Session) -> str:
            _reply(session, kept, ref)
            return ref

        return work

    def bad(session: Session) -> str:
        _reply_to_missing(session, missing)
        return "refused"

    async def main() -> list[Any]:
        group = GroupCommit(factory)
        works = [good("before"), bad, good("after"), bad]
        return await asyncio.gather(*(group.run(w) for w in works), return_exceptions=True)

    before, refused, after, refused_last = asyncio.run(main())
    assert (before, after) == ("before", "after")
    assert isinstance(refused, IntegrityError)
    assert isinstance(refused_last, IntegrityError)  # its write was sent before the commit
    assert _stored(factory) == ["after", "before"]


def test_the_last_work_s_failing_write_fails_that_work_not_the_group(
    factory: sessionmaker[Session],
) -> None:
    kept = new_relay(factory, address="telegram:93005", channel="telegram")
    with factory() as session:
        missing = (session.scalar(select(func.max(Relay.id))) or 0) + 1000

    def first(session: Session) -> str:
        _reply(session, kept, "first")
        time.sleep(0.2)  # the others queue meanwhile: one group, the failing work last
        return "first"

    def second(session: Session) -> str:
        _reply(session, kept, "second")
        return "second"

    def last(session: Session) -> str:
        _reply_to_missing(session, missing)
        return "refused"

    async def main() -> list[Any]:
        group = GroupCommit(factory)
        started = asyncio.ensure_future(group.run(first))
        await asyncio.sleep(0.05)
        rest = [group.run(second), group.run(last)]
        return await asyncio.gather(started, *rest, return_exceptions=True)

    done, also_done, refused = asyncio.run(main())
    assert (done, also_done) == ("first", "second")
    assert isinstance(refused, IntegrityError)
    assert _stored(factory) == ["first", "second"]
