"""Time between two stored instants, as one SQL expression on both databases.

SQLite keeps times as text and has no interval type; PostgreSQL subtracts timestamps.
Whole milliseconds are exact on both: SQLite's julianday() holds an instant as whole
milliseconds, so rounding the difference gives it back without float drift at an exact
boundary (48 hours to the millisecond is inside the window, on either database).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, SQLColumnExpression
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

HOUR_MS = 3_600_000


class MillisecondsBetween(FunctionElement[int]):
    type = BigInteger()
    inherit_cache = True
    name = "milliseconds_between"


def milliseconds_between(
    start: SQLColumnExpression[Any], end: SQLColumnExpression[Any]
) -> MillisecondsBetween:
    """end − start in whole milliseconds (negative when end comes first)."""
    return MillisecondsBetween(start, end)


def _operands(element: MillisecondsBetween, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    start, end = element.clauses
    return compiler.process(start, **kw), compiler.process(end, **kw)


@compiles(MillisecondsBetween, "sqlite")
def _sqlite(element: MillisecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _operands(element, compiler, **kw)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400000) AS INTEGER)"


@compiles(MillisecondsBetween, "postgresql")
def _postgresql(element: MillisecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _operands(element, compiler, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) * 1000) AS BIGINT)"
