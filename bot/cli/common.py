"""What every `relais` command needs: the settings, logging, a database session."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory
from bot.enums import Language
from bot.i18n import Text, _
from bot.settings import Settings, SettingsError, load_settings


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs request URLs, and Telegram's carry the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO)  # its DEBUG shows chat ids


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def check_schema(engine: Engine) -> None:
    from bot.migrations import SchemaOutOfDate, check_up_to_date

    try:
        check_up_to_date(engine)
    except SchemaOutOfDate as exc:
        typer.echo(f"Cannot start: {exc}", err=True)
        raise typer.Exit(1) from exc


@contextmanager
def database(current: Settings) -> Iterator[sessionmaker[Session]]:
    """A session factory on a migrated database, disposed of afterwards."""
    engine = make_engine(current.database_url)
    try:
        check_schema(engine)
        yield make_session_factory(engine)
    finally:
        engine.dispose()


# Answers to a yes/no question, in the prompt's language (and English, which typer knew).
_ANSWERS: dict[Language, tuple[frozenset[str], frozenset[str], str]] = {
    Language.FR: (frozenset({"oui", "o", "y", "yes"}), frozenset({"non", "n", "no"}), "o/N"),
    Language.BM: (
        frozenset({"awɔ", "awo", "a", "y", "yes", "oui", "o"}),
        frozenset({"ayi", "n", "no", "non"}),
        "awɔ/AYI",
    ),
}


def confirm(question: Text, language: Language) -> bool:
    """Ask a yes/no question in `language`; no unless the answer says yes. Accepts
    oui/o/non/n in French, awɔ/ayi in Bambara (and y/n)."""
    yes, no, hint = _ANSWERS[language]

    while True:
        answer = typer.prompt(
            f"{question.render(language)} [{hint}]", default="", show_default=False
        )
        word = str(answer).strip().lower()
        if word in yes:
            return True
        if word in no or not word:
            return False
        typer.echo(_("Answer {answers}.", answers=hint).render(language), err=True)
