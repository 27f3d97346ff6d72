"""Fault suite: a relay who blocked the bot (Telegram 403) becomes unreachable at the
first refused send, its queue is cancelled, and it gets no further sends: a broadcast
after that leaves it out (Twilio's 21610 does the same: tests/test_worker_twilio.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.models import Delivery, DeliveryStatus, Relay, RelayStatus
from tests.fakes.telegram import FakeTelegram
from tests.test_worker_telegram import queue, run_worker

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
BLOCKED, OTHERS = [301, 302, 303], [311, 312]


def test_blocked_relays_get_no_further_sends(factory: Factory, telegram: FakeTelegram) -> None:
    for chat in BLOCKED:
        telegram.block(chat)
    ids = {chat: queue(factory, chat, {"text": "one"}, {"text": "two"}) for chat in BLOCKED}
    for chat in OTHERS:
        queue(factory, chat, {"text": "one"})
    run_worker(factory, telegram, rounds=2)
    with unit_of_work(factory) as session:
        assert all(
            session.get_one(Relay, ids[chat]).status is RelayStatus.UNREACHABLE for chat in BLOCKED
        )
        now = datetime.now(UTC)
        texts = {"fr": "Réunion samedi", "bm": "Lajɛ sibiridon"}
        broadcast = broadcasts.create(
            session=session, audience=Audience(), texts=texts, created_by="cli", now=now
        )
        broadcasts.start(session=session, broadcast=broadcast, now=now, zone=ZoneInfo("UTC"))
    run_worker(factory, telegram, rounds=3)
    sent_to = [int(call.params["chat_id"]) for call in telegram.calls_to("sendMessage")]
    assert sorted(sent_to) == sorted(OTHERS * 2)  # the reply and the broadcast, to the others
    with factory() as session:
        rows = session.scalars(select(Delivery).where(Delivery.relay_id.in_(ids.values())))
        found = sorted((row.status.value, row.source_kind) for row in rows)
    # Per blocked relay: the refused send, the cancelled one behind it, no broadcast.
    assert found == sorted(
        [(DeliveryStatus.FAILED.value, "reply"), (DeliveryStatus.CANCELLED.value, "reply")]
        * len(BLOCKED)
    )
