"""The SQL an engine sends to its driver, watched for the length of a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent inside the block, its whitespace collapsed to single spaces."""
    seen: list[str] = []

    def _seen(_c: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", _seen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
