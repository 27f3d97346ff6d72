"""What Relais keeps on each psycopg connection: each precompiled statement's cursor, and
the writes kept back to go with the connection's next statement (bot/precompiled.py).

A psycopg cursor that runs the same statement again keeps the loaders it made for the
result's columns and the dumpers of the parameters; a new cursor makes them again. So
each statement keeps its cursor for as long as the driver's connection lives: the relay's
`UPDATE … RETURNING` of 20 columns took 157–179 µs of CPU against 181–212 µs with a new
cursor each time, a one-column look-up 87–106 against 102–129 µs (machine G). A connection
is used by one thread at a time, and a cursor's rows are read in full before it runs
again. sqlite3's cursors cost next to nothing to make: there, each statement gets a new
one, closed once read.

A webhook's last statement queues its replies, and nothing of that message reads them
back: kept back, they go with the next webhook's first statement in one pipeline, one
round trip instead of two (that pair alone, in process: 373 against 247 µs of wall time,
CPU unchanged). Whatever the connection runs next sends them first: a precompiled
statement in its own pipeline, any other statement through the dialect's execute, and
the commit. A rollback drops them, as it would have undone them. One that fails is raised
by the statement that sent it (the group commit sends them itself after its last piece of
work, so that a failing one fails that work, not the group's commit). The dialect's
methods are wrapped rather than listened to: any connection event makes every statement
walk the engine's event lists.

State is kept by driver connection, weakly: a connection the pool replaces takes its
cursors and anything kept back with it.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

Written = tuple[str, list[Any]]  # a statement's SQL and the driver's arguments, each row
_CURSORS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_KEPT_BACK: weakref.WeakKeyDictionary[Any, list[Written]] = weakref.WeakKeyDictionary()
_DIALECTS: weakref.WeakSet[Dialect] = weakref.WeakSet()  # those that keep writes back


def keeps_cursors(dialect: Dialect) -> bool:
    return dialect.driver == "psycopg"


def kept_cursor(dbapi: Any, sql: str) -> Any:
    """This psycopg connection's cursor for `sql`, made the first time."""
    cursors = _CURSORS.get(dbapi)
    if cursors is None:
        cursors = _CURSORS[dbapi] = {}
    cursor = cursors.get(sql)
    if cursor is None or cursor.closed:
        cursor = cursors[sql] = dbapi.cursor()
    return cursor


def forget_cursor(dbapi: Any, sql: str) -> None:
    """After an error: the statement gets a new cursor next time."""
    _CURSORS.get(dbapi, {}).pop(sql, None)


def run(cursor: Any, sql: str, arguments: list[Any], *, many: bool = True) -> None:
    if many and len(arguments) > 1:
        cursor.executemany(sql, arguments)
    else:  # one row: psycopg's executemany would enter and sync a pipeline for it
        cursor.execute(sql, arguments[0])


def keeps_writes_back(dialect: Dialect) -> bool:
    return dialect in _DIALECTS


def keep_back(dbapi: Any, sql: str, arguments: list[Any]) -> None:
    _KEPT_BACK.setdefault(dbapi, []).append((sql, arguments))


def kept_back(dbapi: Any) -> list[Written]:
    """The writes kept back on this connection, taken: the caller sends them."""
    return _KEPT_BACK.pop(dbapi, None) or []


def run_all(dbapi: Any, written: list[Written]) -> None:
    """Writes kept back, each on its statement's cursor (inside the caller's pipeline)."""
    for sql, arguments in written:
        run(kept_cursor(dbapi, sql), sql, arguments)


def send_kept_back(dbapi: Any) -> None:
    """Send the writes kept back on this driver connection, if any, in one pipeline (the
    driver's error if one fails)."""
    pending = kept_back(dbapi)
    if pending:
        with dbapi.pipeline():
            run_all(dbapi, pending)


def send_before_commit(connection: Connection) -> None:
    """What `connection` keeps back, sent now, a failing one raised as SQLAlchemy's error."""
    if not keeps_writes_back(connection.dialect):
        return
    dbapi = connection.connection.dbapi_connection
    statements = [sql for sql, _ in _KEPT_BACK.get(dbapi, ())]
    try:
        send_kept_back(dbapi)
    except connection.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            ";\n".join(statements),
            None,
            exc,
            connection.dialect.loaded_dbapi.Error,
            dialect=connection.dialect,
        ) from exc


def keep_writes_back(dialect: Dialect) -> None:
    """Let this psycopg dialect's connections keep writes back: whatever a connection runs
    next, commits included, sends them first; a rollback drops them."""
    import psycopg  # only for a PostgreSQL engine: SQLite's never loads it

    if not psycopg.Pipeline.is_supported():  # libpq older than 14
        return
    execute, executemany = dialect.do_execute, dialect.do_executemany
    no_params, commit, rollback = (
        dialect.do_execute_no_params,
        dialect.do_commit,
        dialect.do_rollback,
    )

    def do_execute(cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        send_kept_back(cursor.connection)
        execute(cursor, statement, parameters, context)

    def do_executemany(cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        send_kept_back(cursor.connection)
        executemany(cursor, statement, parameters, context)

    def do_execute_no_params(cursor: Any, statement: Any, context: Any = None) -> None:
        send_kept_back(cursor.connection)
        no_params(cursor, statement, context)

    def do_commit(connection: Any) -> None:  # SQLAlchemy passes the pool's proxy
        send_kept_back(getattr(connection, "dbapi_connection", connection))
        commit(connection)

    def do_rollback(connection: Any) -> None:
        _KEPT_BACK.pop(getattr(connection, "dbapi_connection", connection), None)
        rollback(connection)

    dialect.do_execute = do_execute  # type: ignore[method-assign]
    dialect.do_executemany = do_executemany  # type: ignore[method-assign]
    dialect.do_execute_no_params = do_execute_no_params  # type: ignore[method-assign]
    dialect.do_commit = do_commit  # type: ignore[method-assign,assignment]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign,assignment]
    _DIALECTS.add(dialect)
