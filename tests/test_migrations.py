"""Alembic owns the schema: migrations match the model and go both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db import make_engine
from bot.migrations import SchemaOutOfDate, alembic_config, check_up_to_date, head_revision, upgrade
from bot.models import Base
from tests.databases import postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with postgres_database() as url:
        yield url


def test_migrations_build_exactly_the_model(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_nothing_and_back(fresh_url: str) -> None:
    upgrade(fresh_url)
    command.downgrade(alembic_config(fresh_url), "base")
    engine = make_engine(fresh_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(fresh_url)
    assert {"relay", "inbound_message", "delivery"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_an_unmigrated_database_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(SchemaOutOfDate, match="run `relais db upgrade`"):
        check_up_to_date(engine)
    engine.dispose()
    assert head_revision() is not None


def test_relay_history_is_backfilled_from_what_relays_say_today(fresh_url: str) -> None:
    upgrade(fresh_url, "0007")
    engine = make_engine(fresh_url)
    made = "2026-11-02 08:00:00+00:00"
    later = "2026-11-05 09:30:00+00:00"
    rows = [  # (status, place, stopped_at, erased_at)
        ("active", "kayes", None, None),
        ("stopped", "kita", later, None),
        ("erased", "nioro", later, later),
        ("unreachable", "kayes", None, None),
        ("active", None, None, None),  # never finished joining: no history
    ]
    with engine.begin() as connection:
        for number, (status, place, stopped, erased) in enumerate(rows, start=1):
            connection.execute(
                text(
                    "INSERT INTO relay (id, address, channel, language, place, role, status,"
                    " tags, created_at, updated_at, stopped_at, erased_at) VALUES (:id,"
                    " :address, 'telegram', 'bm', :place, 'relay', :status, '[]', :made,"
                    " :later, :stopped, :erased)"
                ),
                {
                    "id": number,
                    "address": f"telegram:{number}",
                    "place": place,
                    "status": status,
                    "made": made,
                    "later": later,
                    "stopped": stopped,
                    "erased": erased,
                },
            )
    upgrade(fresh_url)
    with engine.connect() as connection:
        events = connection.execute(
            text("SELECT relay_id, kind, place FROM relay_event ORDER BY relay_id, at, kind")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in events] == [
        (1, "joined", "kayes"),
        (2, "joined", "kita"),
        (2, "stopped", "kita"),
        (3, "joined", "nioro"),
        (3, "erased", "nioro"),
        (4, "joined", "kayes"),
        (4, "unreachable", "kayes"),
    ]
