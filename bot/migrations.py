"""Alembic, driven from the CLI, and the schema check made before the app starts.

The check runs at every start, so it does not import Alembic (0.15 s of a start): it
reads alembic_version with a plain statement and finds the head revision from the
`revision = ` and `down_revision = ` lines of the migration files.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "alembic" / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default; alembic/env.py keeps it

# A module-level assignment, as Alembic's template writes it: `revision = "0011"`,
# `down_revision = None`, `down_revision = ("0009", "0010")`, with an optional annotation.
_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE
)


class SchemaOutOfDate(RuntimeError):
    """The database is not at the code's migration head."""


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False  # the caller owns logging
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def current_revision(engine: Engine) -> str | None:
    """The database's revision, None when it has none (Alembic never ran on it)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        revisions = list(rows)
    if len(revisions) > 1:
        raise SchemaOutOfDate(f"the database has several revisions: {', '.join(revisions)}")
    return revisions[0] if revisions else None


def _revisions(source: str) -> tuple[str | None, tuple[str, ...]]:
    """A migration file's revision and the revisions it follows."""
    found = {name: ast.literal_eval(value) for name, value in _ASSIGNMENT.findall(source)}
    down = found.get("down_revision")
    if down is None:
        follows: tuple[str, ...] = ()
    elif isinstance(down, str):
        follows = (down,)
    else:
        follows = tuple(down)
    return found.get("revision"), follows


@cache
def head_revision(versions: Path = VERSIONS) -> str | None:
    """The revision no other migration follows, from the files in `versions`."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in versions.glob("*.py"):
        revision, follows = _revisions(path.read_text(encoding="utf-8"))
        if revision is not None:
            revisions.add(revision)
            followed.update(follows)
    heads = sorted(revisions - followed)
    if len(heads) > 1:
        raise SchemaOutOfDate(f"the migrations have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def check_up_to_date(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"the database is at revision {current or 'none'}, the code needs {head}: "
            "run `relais db upgrade`"
        )
