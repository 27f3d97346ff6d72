"""Real databases for tests: a SQLite file, and a PostgreSQL database created per run.

PostgreSQL is used where 127.0.0.1:5432 answers (trust auth); with CI=true a missing
PostgreSQL fails the run instead of skipping, so its tests cannot silently vanish.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.db import make_engine
from bot.migrations import upgrade
from bot.models import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_required() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _libpq(url: str) -> str:
    parsed = make_url(url)
    parts = {
        "host": parsed.host or "127.0.0.1",
        "port": str(parsed.port or 5432),
        "user": parsed.username or "postgres",
        "dbname": parsed.database or "test",
    }
    if parsed.password:
        parts["password"] = parsed.password
    return " ".join(f"{key}={value}" for key, value in parts.items())


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a fresh database for this run and drop it afterwards."""
    admin = _libpq(POSTGRES_ADMIN_URL)
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if postgres_required():
            pytest.fail(f"CI=true but PostgreSQL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}")
    name = f"relais_test_{uuid.uuid4().hex[:12]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def migrated(kind: str, tmp: Path) -> Iterator[str]:
    """A database of `kind` at the migration head; yields its URL."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'relais-test.db'}"
        upgrade(url)
        yield url
        return
    with postgres_database() as url:
        upgrade(url)
        yield url


def empty_tables(url: str) -> None:
    """Remove every row, children first, keeping the schema."""
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
