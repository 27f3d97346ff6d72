"""Contests and polls written straight into the database, for the tests that use them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.contests import tick as contest_tick
from bot.models import Contest, ContestState, Delivery, Poll, Question

Factory = sessionmaker[Session]
ZONE = ZoneInfo("Africa/Bamako")
QUESTIONS = [
    {
        "text": {"fr": "Qui élit le maire ?", "bm": "Jɔn bɛ mɛri sugandi?"},
        "choices": [
            {"fr": "Le gouverneur", "bm": "Gofɛrinɛri"},
            {"fr": "Le conseil communal", "bm": "Komini ladilikɛlaw"},
            {"fr": "Le préfet", "bm": "Perefɛ"},
        ],
        "correct": 1,
    },
    {
        "text": {
            "fr": "Quelle part de femmes la loi demande-t-elle ?",
            "bm": "Sariya bɛ musow hakɛ jumɛn ɲini?",
        },
        "choices": [
            {"fr": "10 %", "bm": "10 %"},
            {"fr": "30 %", "bm": "30 %"},
            {"fr": "50 %", "bm": "50 %"},
            {"fr": "Aucune", "bm": "Foyi"},
        ],
        "correct": 1,
    },
]
_numbers = itertools.count(1)


def make_contest(
    factory: Factory, questions: list[dict[str, Any]] = QUESTIONS, **overrides: Any
) -> int:
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        values: dict[str, Any] = {
            "slug": f"quiz-{next(_numbers)}",
            "title": {"fr": "Quiz de la gouvernance", "bm": "Ɲininkali ɲɔgɔndan"},
            "prize": {"fr": "Du crédit téléphonique", "bm": "Telefɔni wari"},
            "state": ContestState.DRAFT,
            "opens_at": now - timedelta(minutes=1),
            "closes_at": now + timedelta(hours=2),
            "points": 10,
            "speed_bonus": 5,
            "speed_minutes": 60,
            "audience": {},
            **overrides,
        }
        contest = Contest(**values)
        session.add(contest)
        session.flush()
        for position, question in enumerate(questions):
            session.add(Question(contest_id=contest.id, position=position, media={}, **question))
        return contest.id


def make_poll(factory: Factory, **overrides: Any) -> int:
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        values: dict[str, Any] = {
            "slug": f"poll-{next(_numbers)}",
            "question": {
                "fr": "Les femmes doivent-elles siéger au conseil ?",
                "bm": "Musow ka kan ka sigi ladilikɛlaw cɛma wa?",
            },
            "choices": [{"fr": "Oui", "bm": "Awɔ"}, {"fr": "Non", "bm": "Ayi"}],
            "opens_at": now - timedelta(minutes=1),
            "closes_at": now + timedelta(hours=2),
            "threshold": 3,
            "audience": {},
            **overrides,
        }
        poll = Poll(**values)
        session.add(poll)
        session.flush()
        return poll.id


def tick(factory: Factory, now: datetime | None = None) -> contest_tick.Tick:
    with unit_of_work(factory) as session:
        return contest_tick.tick(session=session, now=now or datetime.now(UTC), zone=ZONE)


def sent(factory: Factory, source_kind: str, relay_id: int) -> list[dict[str, Any]]:
    """Payloads of this kind queued for this relay, oldest first."""
    with factory() as session:
        rows = session.scalars(
            select(Delivery)
            .where(Delivery.source_kind == source_kind, Delivery.relay_id == relay_id)
            .order_by(Delivery.id)
        )
        return [row.payload for row in rows]
