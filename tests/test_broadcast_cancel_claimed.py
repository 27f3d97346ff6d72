"""Cancelling a broadcast reaches the messages a worker has already claimed but not yet
handed to a platform: each is checked just before its send (issue 14, defect 10)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.channel import TelegramChannel
from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.models import Broadcast, Delivery, DeliveryStatus
from scheduler.ratelimit import TokenBucket
from scheduler.worker import DeliveryWorker
from tests.factories import new_relay
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
BAMAKO = ZoneInfo("Africa/Bamako")
RELAYS = 12


class CancelsAfterFirst(TokenBucket):
    """A pace that lets two messages go, then has the organiser cancel the broadcast while
    the rest of the worker's batch is claimed and waits for its turn."""

    def __init__(self, factory: Factory, broadcast_id: int) -> None:
        super().__init__(1000)
        self.factory, self.broadcast_id, self.turns = factory, broadcast_id, 0
        self.withdrawn = -1

    def cancel(self) -> int:
        with unit_of_work(self.factory) as session:
            broadcast = session.get_one(Broadcast, self.broadcast_id)
            return broadcasts.cancel(session=session, broadcast=broadcast, now=datetime.now(UTC))

    async def acquire(self) -> float:
        self.turns += 1
        if self.turns == 3:
            self.withdrawn = await asyncio.to_thread(self.cancel)
        return await super().acquire()


def test_a_cancel_reaches_what_a_worker_claimed_and_has_not_sent(
    factory: Factory, telegram: FakeTelegram
) -> None:
    for number in range(RELAYS):
        new_relay(factory, address=f"telegram:{700 + number}", channel="telegram")
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        texts = {"fr": "Réunion samedi", "bm": "Lajɛ sibiridon"}
        broadcast = broadcasts.create(
            session=session, audience=Audience(), texts=texts, created_by="cli", now=now
        )
        broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO)
        broadcast_id = broadcast.id
    pace = CancelsAfterFirst(factory, broadcast_id)

    # At 100/s the channel keeps 8 sends in flight: fewer than the broadcast, so the bound
    # below says something.
    channel = TelegramChannel(token=telegram.token, api_url=telegram.api_url, rate=100)

    async def go() -> int:
        worker = DeliveryWorker(
            factory=factory, channels={"telegram": channel}, limiters={"telegram": pace}
        )
        try:
            return await worker.run_once()
        finally:
            await channel.close()

    assert asyncio.run(go()) == RELAYS  # the whole broadcast was claimed in one batch
    sent = len(telegram.calls_to("sendMessage"))
    with factory() as session:
        counts = dict(
            session.execute(
                select(Delivery.status, func.count())
                .where(Delivery.source_kind == "broadcast")
                .group_by(Delivery.status)
            ).all()
        )
    # Only what took its turn before the cancel went out (at most the sends in flight).
    assert channel.pacing.concurrency == 8
    assert sent <= 2 + channel.pacing.concurrency, sent
    assert counts.get(DeliveryStatus.SENT, 0) == sent
    assert counts.get(DeliveryStatus.CANCELLED, 0) == RELAYS - sent
    assert pace.withdrawn >= RELAYS - sent
    assert set(counts) <= {DeliveryStatus.SENT, DeliveryStatus.CANCELLED}
