"""After STOP, a relay who writes gets one short reminder of how to come back, in their
language, and nothing else: no kit, no post, no quiz question, no poll or its results.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.conversation.values import ChoiceKind
from bot.db import unit_of_work
from bot.domain.campaign_store import store_campaign
from bot.models import Answer, Delivery, DeliveryStatus, Poll, Relay, RelayStatus, Vote
from bot.outbound import Message, from_json
from scheduler.calendar import materialise_due
from tests.contest_factories import make_contest, make_poll, sent, tick
from tests.factories import converse, existing_relay, make_campaign, make_delivery, make_post
from tests.test_kit_today import KIT

Factory = sessionmaker[Session]
ZONE = ZoneInfo("Africa/Bamako")
REMINDER = {
    "fr": "Vous avez quitté Relais. Envoyez /start pour revenir.",
    "bm": "I bɔra Relais la. /start walima DON ci walasa ka segin.",
}
WORDS = [
    "/kit", "KIT", "/aujourdhui", "bi", "/aide", "?", "/score", "/classement", "/resultats",
    "/langue", "/lieu", "partagé", "n y'a ci", "/diffuser", "2", "fila", "deux", "B",
    "Oui", "bonjour", "i ni ce",
]  # fmt: skip
_chats = itertools.count(7100)


def stopped_relay(factory: Factory, router: Router, language: str) -> str:
    """A relay who joined, was sent a post, a quiz question and a poll, then left."""
    address = f"console:stopped-{next(_chats)}"
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")
    tick(factory)  # the contest's question and the poll, sent
    with unit_of_work(factory) as session:
        materialise_due(session=session, now=datetime.now(UTC))
    [confirmation] = converse(factory, router, address, "STOP")
    assert "/start" in confirmation["text"]
    assert existing_relay(factory, address).status is RelayStatus.STOPPED
    return address


@pytest.fixture
def campaign(factory: Factory) -> None:
    """A running campaign with a kit and today's post, a quiz and a poll open."""
    day = datetime.now(UTC).astimezone(ZONE).date()
    post = make_post(id="jour", day=day, at=time(0, 0))
    with unit_of_work(factory) as session:
        store_campaign(
            session=session,
            campaign=make_campaign(post, kit=KIT, start=day, end=day, quiet_hours=None),
            now=datetime.now(UTC),
        )
    make_contest(factory)
    make_poll(factory)


def choices(factory: Factory, relay_id: int) -> list[str]:
    """Every button the relay was ever sent, and a few more."""
    pressed = ["lang:fr", "lang:bm", "place:kayes", f"{ChoiceKind.SHARE.value}:jour"]
    for kind in ("question", "poll", "post"):
        for payload in sent(factory, kind, relay_id):
            pressed += [option["data"] for option in payload.get("options", [])]
    return pressed


@pytest.mark.usefixtures("campaign")
@pytest.mark.parametrize("language", ["fr", "bm"])
def test_whatever_a_stopped_relay_sends_gets_one_reminder(
    factory: Factory, router: Router, language: str
) -> None:
    address = stopped_relay(factory, router, language)
    relay_id = existing_relay(factory, address).id
    buttons = choices(factory, relay_id)
    assert len(buttons) > 6  # the question's and the poll's buttons are among them
    for word in WORDS:
        answer = converse(factory, router, address, word)
        assert [payload["text"] for payload in answer] == [REMINDER[language]], word
    for data in buttons:
        answer = converse(factory, router, address, choice=data)
        assert [payload["text"] for payload in answer] == [REMINDER[language]], data
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
        assert session.scalar(select(func.count()).select_from(Vote)) == 0
        relay = session.get_one(Relay, relay_id)
        assert relay.status is RelayStatus.STOPPED
        assert relay.state is None
    # Coming back works, and leaving again is confirmed once more.
    [welcome] = converse(factory, router, address, "/start")
    assert existing_relay(factory, address).status is RelayStatus.ACTIVE
    assert welcome["text"] != REMINDER[language]


@pytest.mark.usefixtures("campaign")
def test_nothing_is_queued_for_a_stopped_relay(factory: Factory, router: Router) -> None:
    address = stopped_relay(factory, router, "fr")
    relay_id = existing_relay(factory, address).id
    with factory() as session:
        before = session.scalar(select(func.max(Delivery.id))) or 0
    # A second quiz and poll open, the campaign's posts come due, the poll closes.
    make_contest(factory)
    make_poll(factory)
    tick(factory)
    with unit_of_work(factory) as session:
        materialise_due(session=session, now=datetime.now(UTC))
        for poll in session.scalars(select(Poll)):
            poll.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    tick(factory, datetime.now(UTC) + timedelta(minutes=1))
    with factory() as session:
        queued = session.scalars(
            select(Delivery).where(Delivery.relay_id == relay_id, Delivery.id > before)
        ).all()
    assert queued == []


def test_what_waited_for_the_relay_to_write_is_withdrawn_at_stop(
    factory: Factory, router: Router
) -> None:
    address = "whatsapp:+22370007001"
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice="lang:fr")
    converse(factory, router, address, choice="place:kayes")
    with unit_of_work(factory) as session:
        relay = session.merge(existing_relay(factory, address))
        held = make_delivery(session, relay, Message("Appel du jour"), kind="broadcast")
        session.get_one(Delivery, held).status = DeliveryStatus.HELD
    converse(factory, router, address, "STOP")
    [reminder] = converse(factory, router, address, "bonjour")  # would reopen the window
    assert reminder["text"] == REMINDER["fr"]
    with factory() as session:
        row = session.get_one(Delivery, held)
        assert row.status is DeliveryStatus.CANCELLED
        assert from_json(row.payload) == Message("Appel du jour")
