"""The SQLite engine's settings: WAL, foreign keys, and every transaction begun IMMEDIATE
(holding the write lock from its first statement, a read included)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.migrations import upgrade
from bot.models import Relay


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'relais.db'}"
    upgrade(url)
    return url


def test_a_unit_of_work_holds_the_write_lock_from_its_first_read(url: str) -> None:
    engine = make_engine(url)
    other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            session.scalars(select(Relay.id)).all()  # a read, and nothing written yet
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the unit of work is over
        other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()


def test_wal_and_foreign_keys_are_on(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        engine.dispose()


def test_no_connection_event_slows_every_statement(url: str) -> None:
    engine = make_engine(url)
    try:
        assert not engine._has_events  # what Connection.execute consults before each statement
    finally:
        engine.dispose()
