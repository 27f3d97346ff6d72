"""Quiet hours hold every push the relay did not ask for, until they end; never a reply,
never an urgent broadcast."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.whatsapp import window
from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Inbound
from bot.db import unit_of_work
from bot.domain import broadcasts, quiet_hours
from bot.domain.broadcasts import Audience
from bot.models import (
    Answer,
    Broadcast,
    BroadcastState,
    Contest,
    Delivery,
    Language,
    Question,
    Vote,
)
from bot.outbound import Message
from tests import quiet_campaign
from tests.contest_factories import make_contest, make_poll, tick
from tests.factories import make_delivery, make_relay
from tests.quiet_campaign import NIGHT

Factory = sessionmaker[Session]
BAMAKO = ZoneInfo("Africa/Bamako")  # UTC+0 all year: local time is UTC
# In the days to come, so that what a test does not date (a reply) is before EVENING.
DAY = datetime.now(UTC).date() + timedelta(days=2)
EVENING = datetime.combine(DAY, time(22, 0), tzinfo=UTC)
MORNING = datetime.combine(DAY + timedelta(days=1), time(7, 0), tzinfo=UTC)
TEXTS = {"fr": "Venez samedi !", "bm": "Aw ka na sibiridon!"}


def add_campaign(factory: Factory, quiet: dict[str, str] | None = None) -> int:
    """A campaign running on EVENING's day, with quiet hours 21:00–07:00 unless told."""
    return quiet_campaign.add_campaign(factory, quiet=NIGHT if quiet is None else quiet, around=DAY)


def queued(factory: Factory, source_kind: str) -> list[Delivery]:
    with factory() as session:
        return list(session.scalars(select(Delivery).where(Delivery.source_kind == source_kind)))


@pytest.fixture
def relays(factory: Factory) -> list[int]:
    with unit_of_work(factory) as session:
        return [
            make_relay(session, address="console:awa", language=Language.BM, place="kayes").id,
            make_relay(session, address="console:ali", language=Language.FR, place="kita").id,
        ]


def test_the_quiet_hours_in_force_and_when_they_end(factory: Factory) -> None:
    with factory() as session:
        assert quiet_hours.held_until(session=session, now=EVENING) is None  # no campaign
    add_campaign(factory)
    with factory() as session:
        assert quiet_hours.held_until(session=session, now=EVENING) == MORNING
        after_midnight = MORNING - timedelta(hours=4)
        assert quiet_hours.held_until(session=session, now=after_midnight) == MORNING
        assert quiet_hours.held_until(session=session, now=MORNING) is None
        assert quiet_hours.held_until(session=session, now=EVENING - timedelta(hours=2)) is None
    day = quiet_hours.QuietHours(time(12, 0), time(14, 0), BAMAKO)
    assert day.ends(MORNING + timedelta(hours=6)) == MORNING + timedelta(hours=7)
    assert day.ends(MORNING + timedelta(hours=8)) is None


def test_a_campaign_without_quiet_hours_holds_nothing(factory: Factory) -> None:
    add_campaign(factory, quiet={})
    with factory() as session:
        assert quiet_hours.held_until(session=session, now=EVENING) is None


def create(factory: Factory, *, urgent: bool = False) -> int:
    with unit_of_work(factory) as session:
        broadcast = broadcasts.create(
            session=session,
            audience=Audience(),
            texts=TEXTS,
            created_by="cli",
            now=EVENING,
            urgent=urgent,
        )
        broadcasts.start(session=session, broadcast=broadcast, now=EVENING, zone=BAMAKO)
        return broadcast.id


def test_a_broadcast_at_22_waits_until_7(factory: Factory, relays: list[int]) -> None:
    add_campaign(factory)
    number = create(factory)
    assert queued(factory, "broadcast") == []
    with factory() as session:
        broadcast = session.get_one(Broadcast, number)
        assert broadcast.state is BroadcastState.SCHEDULED
        assert broadcasts.held_until(session=session, broadcast=broadcast, now=EVENING) == MORNING
    with unit_of_work(factory) as session:
        early = MORNING - timedelta(minutes=1)
        assert broadcasts.start_due(session=session, now=early, zone=BAMAKO) == 0
    with unit_of_work(factory) as session:
        assert broadcasts.start_due(session=session, now=MORNING, zone=BAMAKO) == 2
    assert len(queued(factory, "broadcast")) == 2


def test_an_urgent_broadcast_is_not_held(factory: Factory, relays: list[int]) -> None:
    add_campaign(factory)
    number = create(factory, urgent=True)
    sent = queued(factory, "broadcast")
    assert len(sent) == 2
    assert all(delivery.next_attempt_at <= EVENING for delivery in sent)
    with factory() as session:
        broadcast = session.get_one(Broadcast, number)
        assert broadcast.urgent
        assert broadcasts.held_until(session=session, broadcast=broadcast, now=EVENING) is None


def test_contest_questions_and_results_wait_for_the_morning(
    factory: Factory, relays: list[int]
) -> None:
    campaign = add_campaign(factory)
    contest = make_contest(
        factory,
        campaign_id=campaign,
        opens_at=EVENING - timedelta(minutes=5),
        closes_at=EVENING + timedelta(hours=1),
        feedback_at_once=True,
    )
    assert tick(factory, EVENING).questions == 0
    with factory() as session:
        assert session.get_one(Contest, contest).state.value == "open"  # answers are taken
    assert tick(factory, EVENING + timedelta(minutes=30)).questions == 0  # still quiet
    with unit_of_work(factory) as session:  # someone answered anyway (a forwarded question)
        first = session.scalars(select(Question).where(Question.contest_id == contest)).first()
        assert first is not None
        session.add(Answer(question_id=first.id, relay_id=relays[0], choice=1, correct=True))
    closed = tick(factory, EVENING + timedelta(hours=2))
    assert closed.contest_results == 0
    with factory() as session:
        assert session.get_one(Contest, contest).state.value == "closed"  # on time
    assert queued(factory, "contest_result") == []
    assert tick(factory, MORNING).contest_results == 1
    assert tick(factory, MORNING + timedelta(minutes=1)).contest_results == 0  # once


def test_a_contest_opening_in_quiet_hours_sends_its_questions_at_7(
    factory: Factory, relays: list[int]
) -> None:
    campaign = add_campaign(factory)
    make_contest(
        factory,
        campaign_id=campaign,
        opens_at=EVENING,
        closes_at=MORNING + timedelta(days=1),
    )
    assert tick(factory, EVENING).questions == 0
    assert tick(factory, MORNING).questions == 2
    assert all(d.next_attempt_at <= MORNING for d in queued(factory, "question"))


def test_polls_and_their_results_wait_for_the_morning(factory: Factory, relays: list[int]) -> None:
    campaign = add_campaign(factory)
    poll = make_poll(
        factory,
        campaign_id=campaign,
        opens_at=EVENING,
        closes_at=EVENING + timedelta(hours=1),
        threshold=1,
    )
    assert tick(factory, EVENING).polls == 0
    with unit_of_work(factory) as session:
        session.add(Vote(poll_id=poll, relay_id=relays[1], choice=0))
    assert tick(factory, EVENING + timedelta(hours=2)).poll_results == 0
    assert tick(factory, MORNING).poll_results == 1
    assert tick(factory, MORNING + timedelta(minutes=1)).poll_results == 0


def test_a_poll_open_in_the_morning_is_sent_then(factory: Factory, relays: list[int]) -> None:
    campaign = add_campaign(factory)
    make_poll(
        factory, campaign_id=campaign, opens_at=EVENING, closes_at=MORNING + timedelta(hours=2)
    )
    assert tick(factory, EVENING).polls == 0
    assert tick(factory, MORNING).polls == 2


def test_a_nudge_in_quiet_hours_leaves_at_7(factory: Factory) -> None:
    add_campaign(factory)
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="whatsapp:+22370000001", place="kayes")
        delivery = make_delivery(session, relay, Message("Venez samedi !", "fr"))
        window.hold(
            session=session,
            delivery_id=delivery,
            relay=relay,
            now=EVENING,
            nudge_templates={"fr": "HXnudge"},
        )
    [nudge] = queued(factory, window.NUDGE_SOURCE)
    assert nudge.next_attempt_at == MORNING


def test_a_reply_at_22_is_not_held(factory: Factory, router: Router) -> None:
    add_campaign(factory)
    with unit_of_work(factory) as session:
        make_relay(session, address="console:awa", place="kayes")
    with unit_of_work(factory) as session:
        receive(
            session=session,
            router=router,
            channel="console",
            platform_message_id="m1",
            inbound=Inbound(address="console:awa", text="/aide"),
            raw={"text": "/aide"},
            now=EVENING,
        )
    replies = queued(factory, "reply")
    assert replies
    assert all(reply.next_attempt_at == EVENING for reply in replies)  # due at once, not MORNING
