"""The CLI names what it reports: a post by its id and day, a broadcast by its first words,
a contest by its question, statuses and states in the organiser's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.models import Language, PostRow, PostStatus
from bot.outbound import Message
from tests.contest_factories import make_contest, tick
from tests.factories import make_delivery, make_relay
from tests.quiet_campaign import add_campaign

Factory = sessionmaker[Session]
runner = CliRunner()
DAY = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def sent(database_url: str, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> int:
    """A post, a broadcast and a contest question sent to one relay; the broadcast's id."""
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    campaign = add_campaign(factory, quiet={})
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="console:ali", language=Language.FR, place="kita")
        post = PostRow(
            campaign_id=campaign,
            slug="p03",
            phase="informer",
            status=PostStatus.READY,
            scheduled_at=DAY,
            expires_at=DAY + timedelta(hours=16),
            audience={},
            content={"text": {"fr": "Savez-vous ?"}},
            version="v1",
        )
        session.add(post)
        session.flush()
        make_delivery(session, relay, Message("Savez-vous ?", "fr"), kind="post", ref=str(post.id))
        broadcast = broadcasts.create(
            session=session,
            audience=Audience(),
            texts={"fr": "Venez nombreux à la session publique du conseil communal samedi à 10 h"},
            created_by="cli",
            now=datetime.now(UTC),
        )
        broadcasts.start(
            session=session,
            broadcast=broadcast,
            now=datetime.now(UTC),
            zone=ZoneInfo("Africa/Bamako"),
        )
        number = broadcast.id
    make_contest(factory, slug="quiz-nos-droits")
    tick(factory)
    return number


def test_report_deliveries_names_each_message(sent: int) -> None:
    result = runner.invoke(app, ["report", "deliveries"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "publication p03 du 3 décembre 2026" in result.output
    assert f"diffusion {sent}\u00a0: «\u00a0Venez nombreux à la session publique du conseil" in (
        result.output
    )
    assert "quiz-nos-droits, question 1\u00a0: «\u00a0Qui élit le maire ?\u00a0»" in result.output
    assert "en attente d’envoi" in result.output
    assert "broadcast:" not in result.output
    assert "question:" not in result.output


def test_broadcast_status_in_french_and_bambara(sent: int) -> None:
    french = runner.invoke(app, ["broadcast", "status", str(sent)])
    assert french.exit_code == 0, french.output
    assert "en attente d’envoi" in french.output
    bambara = runner.invoke(app, ["broadcast", "status", str(sent), "--lang", "bm"])
    assert "u bɛ ci makɔnɔ" in bambara.output
    assert "queued" not in french.output + bambara.output
