"""A claim on PostgreSQL finds its rows through indexes, never by reading the whole
delivery table, both before the table has statistics and once it has.

With 100,000 queued, a statement of the claim that read the whole table made each claim
take 20-35 ms instead of 7-10, and two workers at 300/s fell to 0.65 of the rate: once
analyzed, `attempts <> 0` (found through no index) had the waiting-behind check read every
row; before any statistics, the last-sent look-up did."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.db import make_engine, make_session_factory
from bot.migrations import upgrade
from scheduler.claims import claim
from tests.bulk import queue_broadcast
from tests.databases import postgres_database

pytestmark = pytest.mark.postgres
QUEUED = 20_000


def _claim_statements(url: str) -> list[tuple[str, Any]]:
    """Every statement one claim of 50 runs (rolled back), with its parameters."""
    engine = make_engine(url)
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    with make_session_factory(engine)() as session:
        claimed = claim(session=session, now=datetime.now(UTC), limit=50)
        session.rollback()
    engine.dispose()
    assert len(claimed) == 50
    return seen


def _plans(url: str, statements: list[tuple[str, Any]]) -> list[str]:
    engine = make_engine(url)
    plans = []
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
                cursor.execute("EXPLAIN " + statement, parameters)
                plans.append("\n".join(line for (line,) in cursor.fetchall()))
    engine.dispose()
    return plans


@pytest.mark.parametrize("analyzed", [False, True], ids=["no statistics", "analyzed"])
def test_a_claim_reads_no_whole_table(analyzed: bool) -> None:
    with postgres_database() as url:
        upgrade(url)
        queue_broadcast(url, QUEUED, first_chat=900_000)
        if analyzed:
            engine = make_engine(url)
            with engine.begin() as connection:
                connection.execute(text("ANALYZE delivery; ANALYZE relay"))
            engine.dispose()
        plans = _plans(url, _claim_statements(url))
    assert len(plans) >= 3  # the due rows, when each relay last got one, the marking
    for plan in plans:
        assert "Seq Scan on delivery" not in plan, plan
