"""Alembic owns the schema: migrations match the model and go both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.db import make_engine
from bot.migrations import (
    SchemaOutOfDate,
    alembic_config,
    check_up_to_date,
    current_revision,
    head_revision,
    upgrade,
)
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


def test_the_head_found_without_alembic_is_alembics() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()
    assert head_revision() is not None


def test_the_revision_read_without_alembic_is_alembics_at_every_step(fresh_url: str) -> None:
    engine = make_engine(fresh_url)

    def alembics() -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    assert current_revision(engine) is None
    assert alembics() is None
    script = ScriptDirectory.from_config(alembic_config(fresh_url))
    for revision in reversed([step.revision for step in script.walk_revisions()]):
        upgrade(fresh_url, revision)
        assert current_revision(engine) == alembics() == revision
    check_up_to_date(engine)
    command.downgrade(alembic_config(fresh_url), "-1")
    assert current_revision(engine) == alembics() != head_revision()
    with pytest.raises(SchemaOutOfDate, match=f"at revision {alembics()}, the code needs 0"):
        check_up_to_date(engine)
    command.downgrade(alembic_config(fresh_url), "base")
    assert current_revision(engine) is None
    with pytest.raises(SchemaOutOfDate, match="at revision none"):
        check_up_to_date(engine)
    engine.dispose()


def _migration(folder: Path, name: str, header: str) -> None:
    body = '"""A migration."""\n\nimport sqlalchemy as sa\n\n' + header + "\n\n"
    body += "def upgrade() -> None:\n    revision = 'not me'\n"
    (folder / f"{name}.py").write_text(body)


def test_the_head_follows_merges_and_refuses_two_heads(tmp_path: Path) -> None:
    _migration(tmp_path, "a", 'revision = "a1"\ndown_revision = None')
    _migration(tmp_path, "b", "revision: str = 'b2'\ndown_revision: str | None = 'a1'")
    _migration(tmp_path, "c", 'revision = "c3"  # a branch\ndown_revision = "a1"')
    with pytest.raises(SchemaOutOfDate, match="several heads: b2, c3"):
        head_revision(tmp_path)
    _migration(tmp_path, "d", 'revision = "d4"\ndown_revision = ("b2", "c3")')
    assert head_revision(tmp_path) == "d4"
    script = ScriptDirectory(str(tmp_path.parent), version_locations=[str(tmp_path)])
    assert script.get_current_head() == "d4"


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
