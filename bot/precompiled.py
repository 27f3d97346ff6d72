"""Core statements compiled once and run on the database driver's cursor: the hot path's.

A webhook runs five or so small statements. Through `Connection.execute` each one pays
SQLAlchemy's execution layers: the compiled cache's look-up, an execution context, the
result's metadata (on PostgreSQL, psycopg builds an object for each column of
`cursor.description` on every call), the row's processing. The relay's
`UPDATE … RETURNING` took 30 µs of CPU that way on SQLite and 19 µs here; 104 against
54 µs on PostgreSQL.

`Precompiled` keeps what SQLAlchemy itself would use, taken once per dialect from the
statement's compiled form through its public attributes: the SQL string, the order of
its parameters, each parameter's and each returned column's type processors, and the
Python-side defaults (a value, or a function of nothing such as `utcnow`) of the columns
an INSERT or UPDATE leaves out, computed for each row as SQLAlchemy computes them.

What it does not do is refused when the statement is compiled, not met later: an
expanding IN, a parameter computed at execution, a name that needs escaping, a default
run by the database (a sequence, a SQL expression). A default that reads the execution's
context fails when it is called.

A driver error is raised as SQLAlchemy's own (`sqlalchemy.exc.DBAPIError` and its
subclasses, the driver's inside), and a lost connection is invalidated, as
`Connection.execute` does: callers and the group commit's retry see what they always saw.
While an execute or cursor event listener, an error handler or echo watches the
connection (a test counting statements, an instrumentation), the statement goes through
`Connection.execute` instead, so whatever watches still sees every statement.

On psycopg each statement keeps its driver cursor, and `later` keeps a write back to go
with the connection's next statement (bot/driver_state.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.expression import SelectBase

from bot.driver_state import (
    forget_cursor,
    keep_back,
    keeps_cursors,
    keeps_writes_back,
    kept_back,
    kept_cursor,
    run,
    run_all,
)

Row = tuple[Any, ...]
Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters, in the statement's order
    positional: bool
    given: Mapping[str, Any]  # values the statement carries itself
    defaults: tuple[tuple[str, Any, bool], ...]  # (parameter, value or function, called?)
    binds: Mapping[str, Processor]
    results: tuple[Processor | None, ...] | None  # None: the statement returns no rows


class Precompiled:
    """One Core statement; `rows`, `first`, `scalar` or `many` run it on a connection."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def rows(self, connection: Connection, parameters: Mapping[str, Any]) -> list[Row]:
        """Every row the statement returns, each column processed as SQLAlchemy would."""
        compiled = self._compiled(connection.dialect)
        if _observed(connection):
            if compiled.results is None:
                connection.execute(self.statement, parameters)  # type: ignore[call-overload]
                return []
            result = connection.execute(self.statement, parameters)  # type: ignore[call-overload]
            return [tuple(row) for row in result]
        cursor, kept = self._execute(connection, compiled, [parameters], many=False)
        try:
            fetched = cursor.fetchall() if compiled.results is not None else []
        finally:
            if not kept:
                cursor.close()
        return [_processed(compiled, row) for row in fetched]

    def first(self, connection: Connection, parameters: Mapping[str, Any]) -> Row | None:
        """The first row, or None (every row is fetched: a RETURNING's rows all count)."""
        rows = self.rows(connection, parameters)
        return rows[0] if rows else None

    def scalar(self, connection: Connection, parameters: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self.first(connection, parameters)
        return row[0] if row is not None else None

    def many(self, connection: Connection, parameters: Sequence[Mapping[str, Any]]) -> None:
        """The statement once for each set of parameters (no rows back), in one call (one
        row: one execute; psycopg's executemany would enter and sync a pipeline for it)."""
        if not parameters:
            return
        compiled = self._compiled(connection.dialect)
        if compiled.results is not None:
            raise TypeError("many() takes a statement that returns no rows")
        if _observed(connection):
            connection.execute(self.statement, list(parameters))  # type: ignore[call-overload]
            return
        cursor, kept = self._execute(connection, compiled, parameters, many=True)
        if not kept:
            cursor.close()

    def later(self, connection: Connection, parameters: Sequence[Mapping[str, Any]]) -> None:
        """As many(), but on PostgreSQL sent with whatever this connection runs next, in
        the same round trip (bot/driver_state.py); at once elsewhere, or when watched."""
        if not parameters:
            return
        compiled = self._compiled(connection.dialect)
        held = keeps_writes_back(connection.dialect) and not _observed(connection)
        if compiled.results is not None or not held:
            self.many(connection, parameters)
            return
        if not connection.in_transaction():
            connection.begin()
        arguments = [_arguments(compiled, given) for given in parameters]
        keep_back(connection.connection.dbapi_connection, compiled.sql, arguments)

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect)
        if compiled is None:
            compiled = self._by_dialect[dialect] = _compile(self.statement, dialect)
        return compiled

    def _execute(
        self,
        connection: Connection,
        compiled: _Compiled,
        parameters: Iterable[Mapping[str, Any]],
        *,
        many: bool,
    ) -> tuple[Any, bool]:
        """The cursor the statement ran on, and whether it is kept for the next time."""
        if not connection.in_transaction():
            connection.begin()  # as Connection.execute's autobegin would
        arguments = [_arguments(compiled, given) for given in parameters]
        raw = connection.connection
        dbapi: Any = raw.dbapi_connection
        kept = keeps_cursors(connection.dialect)
        cursor = kept_cursor(dbapi, compiled.sql) if kept else raw.cursor()
        pending = kept_back(dbapi) if kept else []
        try:
            if pending:  # written before, sent now: one round trip for all
                with dbapi.pipeline():
                    run_all(dbapi, pending)
                    run(cursor, compiled.sql, arguments, many=many)
            else:
                run(cursor, compiled.sql, arguments, many=many)
        except connection.dialect.loaded_dbapi.Error as exc:
            if kept:
                forget_cursor(dbapi, compiled.sql)
            cursor.close()
            lost = connection.dialect.is_disconnect(exc, dbapi, cursor)
            sent = [sql for sql, _ in pending]
            error = DBAPIError.instance(
                ";\n".join([*sent, compiled.sql]),
                arguments if many else arguments[0],
                exc,
                connection.dialect.loaded_dbapi.Error,
                hide_parameters=connection.engine.hide_parameters,
                connection_invalidated=lost,
                dialect=connection.dialect,
                ismulti=many,
            )
            if lost:
                connection.invalidate(exc)
            raise error from exc
        return cursor, kept


def _observed(connection: Connection) -> bool:
    """Whether something watches this connection's statements (an execute or cursor event
    listener, an error handler, echo): then they go through Connection.execute, where it
    sees them."""
    dispatch = connection.dispatch
    return bool(connection.engine.echo) or bool(
        dispatch.before_execute
        or dispatch.after_execute
        or dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or connection.dialect.dispatch.handle_error
    )


def _arguments(compiled: _Compiled, given: Mapping[str, Any]) -> Any:
    values = {**compiled.given, **given} if compiled.given else given
    if compiled.defaults:
        values = dict(values)
        for key, default, call in compiled.defaults:
            if key not in values:
                values[key] = default(_NO_CONTEXT) if call else default
    binds = compiled.binds
    try:
        if compiled.positional:
            return tuple(
                binds[name](values[name]) if name in binds else values[name]
                for name in compiled.names
            )
        return {
            name: binds[name](values[name]) if name in binds else values[name]
            for name in compiled.names
        }
    except KeyError as exc:
        raise TypeError(f"no value given for the parameter {exc.args[0]!r}") from None


def _processed(compiled: _Compiled, row: Sequence[Any]) -> Row:
    results = compiled.results
    assert results is not None  # noqa: S101 - rows come only from statements that return
    return tuple(
        value if process is None else process(value)
        for process, value in zip(results, row, strict=True)
    )


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a SQL statement: {statement!r}")
    name = type(statement).__name__
    defaults = tuple(
        _default(name, compiled, column, column.default) for column in compiled.insert_prefetch
    ) + tuple(
        _default(name, compiled, column, column.onupdate) for column in compiled.update_prefetch
    )
    if compiled.escaped_bind_names:
        raise TypeError(f"{name}: parameter names that need escaping")
    for key, bind in compiled.binds.items():
        if bind.expanding or bind.literal_execute or bind.callable is not None:
            raise TypeError(f"{name}: the parameter {key!r} is computed at execution")
    positional = compiled.positiontup is not None
    names = tuple(compiled.positiontup or compiled.binds)
    defaulted = {key for key, _default, _call in defaults}
    given = {
        key: bind.effective_value
        for key, bind in compiled.binds.items()
        if not bind.required and key not in defaulted
    }
    binds = {}
    for key, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds[key] = process
    # A SELECT's columns, or an INSERT's, UPDATE's or DELETE's RETURNING (none without).
    returned = list(getattr(statement, "exported_columns", ()))
    results = (
        tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in returned
        )
        if isinstance(statement, SelectBase) or returned
        else None
    )
    return _Compiled(compiled.string, names, positional, given, defaults, binds, results)


def _default(name: str, compiled: SQLCompiler, column: Any, default: Any) -> tuple[str, Any, bool]:
    """A column's Python-side default as (its parameter, the value or function, called?).
    A callable default is SQLAlchemy's wrapper, which takes the execution's context: a
    function of nothing ignores it, one that reads it gets _NoContext's error."""
    if column.key not in compiled.binds or default is None:
        raise TypeError(f"{name}: the default of {column.name} has no parameter")
    if default.is_scalar:
        return column.key, default.arg, False
    if default.is_callable:
        return column.key, default.arg, True
    raise TypeError(f"{name}: give a value for {column.name} (a default run in the database)")


class _NoContext:
    """What a precompiled statement's callable default gets for an execution context."""

    def __getattr__(self, name: str) -> Any:
        raise TypeError(f"a precompiled statement has no execution context ({name})")


_NO_CONTEXT = _NoContext()
