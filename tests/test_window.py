"""WhatsApp's 24-hour window and daily tier, decided with an injected clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Decision, Later, Send, Skip
from bot.channels.whatsapp import window
from bot.channels.whatsapp.window import WINDOW
from bot.db import unit_of_work
from bot.domain.outbox import Claimed, release_held
from bot.models import Delivery, DeliveryStatus, Relay
from bot.outbound import Message, Nudge, Template, TemplateMessage, from_json
from scheduler import claims
from tests.factories import make_delivery, make_relay

Factory = sessionmaker[Session]
_numbers = itertools.count(1)
# The clock the engine is given: after the deliveries are queued (at the real time), so
# they are due whatever day the tests run. It is read when the tests are collected, and
# a full run reaches them many minutes later: an hour ahead leaves room for that.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
NUDGE = "HX" + "1" * 32
TEMPLATE = Template("HX" + "2" * 32, {"1": "Kayes"})
POLICY = window.WhatsAppPolicy(daily_limit=2, nudge_templates={"bm": NUDGE})


def claimed(
    factory: Factory, *, last_inbound: datetime | None, message: Message | Nudge
) -> Claimed:
    with unit_of_work(factory) as session:
        relay = make_relay(
            session,
            address=f"whatsapp:+2237{next(_numbers):07d}",
            channel="whatsapp",
            last_inbound_at=last_inbound,
            language="bm",
        )
        make_delivery(session, relay, message, ref="p")
    with unit_of_work(factory) as session:
        return claims.claim(session=session, now=NOW, limit=1)[0]


def decide(factory: Factory, item: Claimed, now: datetime = NOW) -> Decision:
    with unit_of_work(factory) as session:
        return window.decide(session=session, item=item, now=now, policy=POLICY)


def test_inside_the_window_a_free_form_message_goes(factory: Factory) -> None:
    item = claimed(
        factory,
        last_inbound=NOW - timedelta(hours=23, minutes=59),
        message=Message("t", template=TEMPLATE),
    )
    decision = decide(factory, item)
    assert isinstance(decision, Send)
    assert decision.message == Message("t")  # no template needed inside the window


def test_outside_the_window_a_template_goes(factory: Factory) -> None:
    item = claimed(
        factory,
        last_inbound=NOW - timedelta(hours=24),
        message=Message("t", template=TEMPLATE),
    )
    decision = decide(factory, item)
    assert isinstance(decision, Send)
    assert decision.message == TemplateMessage(TEMPLATE)


def test_outside_the_window_without_template_it_is_held_and_the_relay_nudged_once(
    factory: Factory,
) -> None:
    item = claimed(factory, last_inbound=NOW - timedelta(days=3), message=Message("t"))
    assert isinstance(decide(factory, item), Skip)
    with factory() as session:
        held = session.get_one(Delivery, item.id)
        assert held.status is DeliveryStatus.HELD
        assert held.error_code == "window"
        nudges = session.scalars(select(Delivery).where(Delivery.source_kind == "nudge")).all()
        assert [from_json(n.payload) for n in nudges] == [Nudge(Template(NUDGE), "bm")]
        relay = session.get_one(Relay, item.relay_id)
        assert relay.nudged_at == NOW

    with unit_of_work(factory) as session:  # a second held message the same day
        make_delivery(session, session.get_one(Relay, item.relay_id), Message("u"), ref="p2")
    with unit_of_work(factory) as session:
        later = claims.claim(session=session, now=NOW, limit=5)
    second = next(c for c in later if c.message == Message("u"))
    decide(factory, second, NOW + timedelta(hours=2))
    with factory() as session:
        assert (
            len(session.scalars(select(Delivery).where(Delivery.source_kind == "nudge")).all()) == 1
        )

    with unit_of_work(factory) as session:  # the relay answers the nudge
        relay = session.get_one(Relay, item.relay_id)
        assert release_held(session=session, relay=relay, now=NOW) == 2
    with factory() as session:
        assert session.get_one(Delivery, item.id).status is DeliveryStatus.QUEUED


def test_a_nudge_is_dropped_once_the_relay_has_written(factory: Factory) -> None:
    item = claimed(
        factory,
        last_inbound=NOW - timedelta(minutes=5),
        message=Nudge(Template(NUDGE)),
    )
    assert isinstance(decide(factory, item), Skip)
    with factory() as session:
        assert session.get_one(Delivery, item.id).status is DeliveryStatus.CANCELLED


def test_the_daily_tier_makes_new_conversations_wait(factory: Factory) -> None:
    opened = []
    for hours in (20, 10):  # two relays already reached with a template: the tier of 2 is full
        item = claimed(
            factory,
            last_inbound=None,
            message=Message(f"{hours}", template=TEMPLATE),
        )
        with unit_of_work(factory) as session:
            claims.mark_sent(
                session=session,
                item=item,
                now=NOW - timedelta(hours=hours),
                platform_id=f"SM{hours}",
                template_sid=TEMPLATE.sid,
            )
        opened.append(item)
    third = claimed(factory, last_inbound=None, message=Message("third", template=TEMPLATE))
    decision = decide(factory, third)
    assert isinstance(decision, Later)
    assert decision.until == NOW - timedelta(hours=20) + WINDOW
    # A relay already in today's conversations is not a new one.
    with unit_of_work(factory) as session:
        relay = session.get_one(Relay, opened[0].relay_id)
        make_delivery(session, relay, Message("again", template=TEMPLATE), ref="again")
    with unit_of_work(factory) as session:
        again = next(
            c
            for c in claims.claim(session=session, now=NOW, limit=5)
            if isinstance(c.message, Message) and c.message.text == "again"
        )
    assert isinstance(decide(factory, again), Send)
