"""Each channel's pacing, as the worker applies it: a pressed button is acknowledged
outside the message rate, and a message waits for it."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.channel import TelegramChannel
from bot.db import unit_of_work
from bot.models import Delivery, DeliveryStatus
from bot.outbound import ButtonAck, Message
from scheduler.ratelimit import TokenBucket
from scheduler.worker import DeliveryWorker
from tests.factories import make_delivery, make_relay
from tests.fakes.telegram import FakeTelegram

Factory = sessionmaker[Session]


def test_a_button_is_acknowledged_while_the_channel_waits_out_a_pause(
    factory: Factory, telegram: FakeTelegram
) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="telegram:91", channel="telegram")
        make_delivery(session, relay, ButtonAck("cq-91"), kind="ack")
        make_delivery(session, relay, Message("Merci"), kind="reply", ref="1.0")

    sent = {"channel": "telegram", "outcome": "sent"}
    before = REGISTRY.get_sample_value("relais_sends_total", sent) or 0.0

    async def go() -> None:
        paused = TokenBucket(25)
        await paused.pause(120)  # Telegram asked to wait: no message may go for 2 minutes
        channel = TelegramChannel(token=telegram.token, api_url=telegram.api_url, rate=25)
        worker = DeliveryWorker(
            factory=factory, channels={"telegram": channel}, limiters={"telegram": paused}
        )
        assert await worker.run_once() == 2
        await channel.close()

    asyncio.run(go())
    assert [
        call.params["callback_query_id"] for call in telegram.calls_to("answerCallbackQuery")
    ] == ["cq-91"]
    assert telegram.calls_to("sendMessage") == []
    with factory() as session:
        rows = {row.source_kind: row for row in session.scalars(select(Delivery))}
    assert rows["ack"].status is DeliveryStatus.SENT
    assert rows["reply"].status is DeliveryStatus.QUEUED  # waits for the pause, not lost
    assert "paused" in str(rows["reply"].error)
    # /metrics counts the acknowledgement the platform took, and nothing for the reply.
    assert REGISTRY.get_sample_value("relais_sends_total", sent) == before + 1
