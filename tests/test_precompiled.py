"""Precompiled statements (bot/precompiled.py) answer what Connection.execute answers, on
both databases: the same rows and types, Python-side defaults computed for each row, the
driver's errors raised as SQLAlchemy's, a lost connection invalidated, what it cannot do
refused up front, and every statement visible to whatever watches the connection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, bindparam, event, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, unit_of_work
from bot.domain.relays import HEARD_FROM_ADDRESS
from bot.enums import DeliveryStatus, Language, RelayStatus
from bot.models import Delivery, Relay
from bot.precompiled import Precompiled
from tests.databases import postgres_database
from tests.factories import make_relay

NOW = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
_DELIVERIES: Any = Delivery.__table__
_QUEUE = Precompiled(
    insert(_DELIVERIES).values(
        {
            name: bindparam(name, type_=_DELIVERIES.c[name].type)
            for name in ("relay_id", "source_kind", "source_ref", "payload", "status")
        }
    )
)
_QUEUED = select(
    Delivery.source_ref, Delivery.attempts, Delivery.created_at, Delivery.next_attempt_at
).where(Delivery.source_kind == "precompiled")


def _relays(factory: sessionmaker[Session], *addresses: str) -> list[int]:
    with unit_of_work(factory) as session:
        return [
            make_relay(session, address=address, channel="telegram", language=Language.BM).id
            for address in addresses
        ]


def test_rows_and_their_types_are_those_of_connection_execute(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    _relays(factory, "telegram:81001", "telegram:81002")
    heard = Precompiled(HEARD_FROM_ADDRESS)
    with engine.begin() as connection:
        ours = heard.first(connection, {"at_address": "telegram:81001", "now": NOW})
        theirs = connection.execute(
            HEARD_FROM_ADDRESS, {"at_address": "telegram:81002", "now": NOW}
        ).one()
        missing = heard.first(connection, {"at_address": "telegram:nobody", "now": NOW})
    assert ours is not None
    assert missing is None
    names = [column.name for column in HEARD_FROM_ADDRESS.exported_columns]
    mine, other = dict(zip(names, ours, strict=True)), dict(zip(names, theirs, strict=True))
    assert mine["address"] == "telegram:81001"
    assert mine["language"] is Language.BM
    assert mine["status"] is RelayStatus.ACTIVE
    assert mine["last_inbound_at"] == NOW
    assert mine["last_inbound_at"].tzinfo is not None
    assert mine["held"] is False
    different = {"id", "address", "referral_code", "created_at", "updated_at", "consent_at"}
    for name in names:
        assert type(mine[name]) is type(other[name]), name
        if name not in different:
            assert mine[name] == other[name], name


def test_python_side_defaults_are_computed_for_each_row(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    (relay,) = _relays(factory, "telegram:81003")
    before = datetime.now(UTC)
    rows = [
        {
            "relay_id": relay,
            "source_kind": "precompiled",
            "source_ref": str(n),
            "payload": {"text": f"message {n}", "language": "bm"},
            "status": DeliveryStatus.QUEUED,
        }
        for n in range(3)
    ]
    with engine.begin() as connection:
        _QUEUE.many(connection, rows)
        stored = connection.execute(_QUEUED.order_by(Delivery.id)).all()
    assert [row.source_ref for row in stored] == ["0", "1", "2"]
    assert [row.attempts for row in stored] == [0, 0, 0]  # a value default
    for row in stored:  # a function default (utcnow), called for this execution
        assert before <= row.created_at <= datetime.now(UTC)
        assert before <= row.next_attempt_at <= datetime.now(UTC)


def test_a_value_the_statement_carries_is_given_and_a_missing_one_is_named(
    engine: Engine,
) -> None:
    carried = Precompiled(
        select(bindparam("given", 41) + 1, bindparam("asked", type_=Relay.id.type))
    )
    with engine.connect() as connection:
        assert carried.first(connection, {"asked": 7}) == (42, 7)
        with pytest.raises(TypeError, match="'asked'"):
            carried.first(connection, {})


def test_a_driver_error_is_sqlalchemys_with_the_drivers_inside(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    (relay,) = _relays(factory, "telegram:81004")
    row = {"relay_id": relay, "source_kind": "precompiled", "source_ref": "twice"}
    row.update(payload={}, status=DeliveryStatus.QUEUED)
    with engine.connect() as connection:
        _QUEUE.many(connection, [row])
        with pytest.raises(IntegrityError) as raised:
            _QUEUE.many(connection, [row])
        connection.rollback()
    assert isinstance(raised.value.orig, engine.dialect.loaded_dbapi.IntegrityError)
    if engine.dialect.name == "postgresql":  # what the group commit's retry reads
        assert raised.value.orig.sqlstate == "23505"


@pytest.mark.postgres
def test_a_lost_connection_is_invalidated_as_connection_execute_would() -> None:
    one = Precompiled(select(bindparam("n", type_=Relay.id.type)))
    with postgres_database() as url:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                assert one.scalar(connection, {"n": 1}) == 1
                pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
                with engine.connect() as other:
                    other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                with pytest.raises(DBAPIError) as raised:
                    one.scalar(connection, {"n": 2})
                assert raised.value.connection_invalidated
                assert connection.invalidated
            with engine.connect() as connection:  # the pool gives a live one again
                assert one.scalar(connection, {"n": 3}) == 3
        finally:
            engine.dispose()


def test_what_it_cannot_do_is_refused_when_compiled(engine: Engine) -> None:
    expanding = Precompiled(select(Relay.id).where(Relay.id.in_(bindparam("ids", expanding=True))))
    with engine.connect() as connection, pytest.raises(TypeError, match="'ids'"):
        expanding.rows(connection, {"ids": [1, 2]})


@pytest.mark.postgres
def test_on_postgresql_a_statement_keeps_its_cursor_while_its_connection_lives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One driver cursor a statement and connection: made once, kept across executions
    (whatever the parameters' types), given up after an error, never shared with another
    connection."""
    pair = Precompiled(
        select(bindparam("n", type_=Relay.id.type), bindparam("t", type_=Relay.address.type))
    )
    made: list[psycopg.Cursor[Any]] = []
    cursor = psycopg.Connection.cursor

    def counted(self: psycopg.Connection[Any], *args: Any, **kwargs: Any) -> Any:
        made.append(cursor(self, *args, **kwargs))
        return made[-1]

    with postgres_database() as url:
        engine = make_engine(url)
        try:
            with engine.connect() as connection, engine.connect() as other:
                connection.exec_driver_sql("SELECT 1")
                other.exec_driver_sql("SELECT 1")
                monkeypatch.setattr(psycopg.Connection, "cursor", counted)
                given = [(1, "a"), (None, "b"), (3, None), (4, "d")]
                assert [pair.first(connection, {"n": n, "t": t}) for n, t in given] == given
                assert len(made) == 1
                assert pair.first(other, {"n": 5, "t": "e"}) == (5, "e")
                assert len(made) == 2
                assert made[1].connection is not made[0].connection
                with pytest.raises(DBAPIError):
                    pair.first(connection, {"n": "not a number", "t": "f"})
                connection.rollback()
                assert pair.first(connection, {"n": 6, "t": "g"}) == (6, "g")
                assert len(made) == 3
                assert made[0].closed
                assert not made[2].closed
        finally:
            engine.dispose()


def test_a_watched_connection_sees_every_statement_and_gets_the_same_answer(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    _relays(factory, "telegram:81005")
    heard = Precompiled(HEARD_FROM_ADDRESS)
    seen: list[str] = []

    def _seen(_c: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with engine.begin() as connection:
        quiet = heard.first(connection, {"at_address": "telegram:81005", "now": NOW})
        assert seen == []
        event.listen(engine, "before_cursor_execute", _seen)
        try:
            watched = heard.first(
                connection, {"at_address": "telegram:81005", "now": NOW + timedelta(1)}
            )
        finally:
            event.remove(engine, "before_cursor_execute", _seen)
    assert len(seen) == 1
    assert seen[0].startswith("UPDATE relay SET")
    assert quiet is not None
    assert watched is not None
    assert watched[0] == quiet[0]
    assert [type(value) for value in watched] == [type(value) for value in quiet]
