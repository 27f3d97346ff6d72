"""Engine, sessions and the unit of work every entry point opens once."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table, bindparam, create_engine, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.attributes import manager_of_class, set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.pool import ConnectionPoolEntry

from bot.driver_state import keep_writes_back
from bot.precompiled import Precompiled

M = TypeVar("M")
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for the write lock


def make_engine(url: str | URL) -> Engine:
    """Create the engine, with SQLite set up for one writer at a time and no lost updates."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.driver == "psycopg":
            keep_writes_back(engine.dialect)  # replies sent with the next statement
        return engine
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    # IMMEDIATE takes the write lock up front: a read-then-write unit of work can never
    # fail half-way because another writer got in between. Emitted by this engine's
    # dialect rather than from a "begin" event listener: any connection event makes every
    # statement walk the engine's (otherwise empty) execute and cursor event lists, about
    # 8 % of a webhook's unit of work.
    engine.dialect.do_begin = _begin_immediate  # type: ignore[method-assign]
    return engine


def _begin_immediate(dbapi_connection: Any) -> None:
    dbapi_connection.execute("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with factory() as session, session.begin():
        yield session


def core(session: Session) -> Connection:
    """The session's connection, for a Core statement on the hot path, once pending ORM
    changes are flushed (as Session.execute's autoflush would): the ORM's execution layers
    cost as much as a small statement itself, and give a table's statement nothing."""
    session.flush()  # nothing to do, and cheap, when no ORM object changed
    return session.connection()


def as_loaded(session: Session, mapped: type[M], row: Sequence[Any]) -> M:
    """The object of a Core row of `mapped`'s table (every column, in the table's order), in
    the session as if the ORM had loaded it: the object already there takes the row's
    values (as populate_existing would), else a new one is added, unchanged.

    On the webhook's hot path the ORM's loading of one row (from_statement, result
    processing, instances) cost 175-280 µs; the Core row and this, 100 µs.
    """
    columns = _KEYS.get(mapped) or _column_keys(mapped)
    existing = session.identity_map.get(identity_key(mapped, row[0]))
    if existing is not None:
        for key, value in zip(columns, row, strict=True):
            set_committed_value(existing, key, value)
        return existing
    instance = manager_of_class(mapped).new_instance()
    state = instance.__dict__
    for key, value in zip(columns, row, strict=True):
        state[key] = value
    make_transient_to_detached(instance)  # its identity from the primary key, no history
    session.add(instance)
    return instance


_KEYS: dict[Any, tuple[str, ...]] = {}


def _column_keys(mapped: Any) -> tuple[str, ...]:
    """The attribute of each of the table's columns, in the table's order; the primary key
    must come first (as_loaded reads the identity from it)."""
    mapper: Mapper[Any] = mapped.__mapper__
    table = mapper.local_table
    (primary,) = mapper.primary_key
    if next(iter(table.columns)) is not primary:
        raise TypeError(f"{mapped.__name__}: the primary key is not the first column")
    keys = tuple(mapper.get_property_by_column(column).key for column in table.columns)
    return _KEYS.setdefault(mapped, keys)


def insert_ignore(
    session: Session, table: Table, values: Mapping[str, Any], *, unique: list[str]
) -> int | None:
    """Insert a row unless one with the same unique key exists; return the new id or None.

    ON CONFLICT DO NOTHING is race-safe on both databases: two requests carrying the
    same platform message can never both insert it.
    """
    connection = core(session)
    statement = _insert_ignore(connection.dialect.name, table, tuple(unique), tuple(values))
    inserted = statement.scalar(connection, values)
    return int(inserted) if inserted is not None else None


@functools.cache
def _insert_ignore(
    dialect: str, table: Table, unique: tuple[str, ...], columns: tuple[str, ...]
) -> Precompiled:
    # Built once for each set of columns given, and run below SQLAlchemy's execution
    # layers: a webhook inserts three or four rows, and building and cache-keying a fresh
    # statement for each cost more than running it.
    return Precompiled(insert_ignore_statement(dialect, table, unique, columns))


def insert_ignore_statement(
    dialect: str, table: Table, unique: tuple[str, ...], columns: tuple[str, ...]
) -> Any:
    """insert_ignore's statement, each column's parameter named after it: for a statement
    that runs it inside another (a CTE)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in columns})
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    )


def ping(session: Session) -> None:
    session.execute(select(1)).scalar_one()
