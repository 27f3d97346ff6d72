"""The delivery worker against the loopback fake of the Telegram Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.console import ConsoleSender
from bot.channels.telegram import TelegramSender
from bot.db import unit_of_work
from bot.models import Delivery, DeliveryStatus, Relay, RelayStatus
from bot.outbox import enqueue
from scheduler import outbox
from scheduler.worker import DeliveryWorker
from tests.factories import make_relay
from tests.fakes.telegram import FakeTelegram

TOKEN = "123456:TEST-token"
Factory = sessionmaker[Session]


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as fake:
        yield fake


def run_worker(factory: Factory, fake: FakeTelegram, *, rounds: int = 1) -> int:
    async def go() -> int:
        sender = TelegramSender(token=TOKEN, api_url=fake.api_url, rate=100)
        worker = DeliveryWorker(
            factory=factory, senders={"telegram": sender, "console": ConsoleSender()}
        )
        handled = 0
        for _ in range(rounds):
            handled += await worker.run_once()
        await sender.close()
        return handled

    return asyncio.run(go())


def queue(factory: Factory, chat_id: int, *payloads: dict[str, object], **relay: object) -> int:
    with unit_of_work(factory) as session:
        target = make_relay(session, address=f"telegram:{chat_id}", channel="telegram", **relay)
        for number, payload in enumerate(payloads):
            enqueue(
                session=session,
                source_kind="reply",
                source_ref=f"t{chat_id}.{number}",
                payload=payload,
                relay=target,
            )
        return target.id


def deliveries(factory: Factory, relay_id: int) -> list[Delivery]:
    with factory() as session:
        return list(
            session.scalars(
                select(Delivery).where(Delivery.relay_id == relay_id).order_by(Delivery.id)
            )
        )


def test_options_become_an_inline_keyboard_and_the_message_id_is_kept(
    factory: Factory, telegram: FakeTelegram
) -> None:
    options = [
        {"label": "Bamanankan", "data": "lang:bm"},
        {"label": "Français", "data": "lang:fr"},
        {"label": "Nioro du Sahel et environs", "data": "place:nioro"},
    ]
    relay_id = queue(factory, 77, {"text": "Kan sugandi", "options": options})
    assert run_worker(factory, telegram) == 1
    [call] = telegram.calls_to("sendMessage")
    assert call.params["chat_id"] == 77
    assert call.params["text"] == "Kan sugandi"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [[button["callback_data"] for button in row] for row in keyboard] == [
        ["lang:bm", "lang:fr"],
        ["place:nioro"],
    ]
    [row] = deliveries(factory, relay_id)
    assert row.status is DeliveryStatus.SENT
    assert row.platform_message_id
    assert row.sent_at
    assert telegram.refused == []


def test_a_pressed_button_is_answered_and_its_keyboard_removed(
    factory: Factory, telegram: FakeTelegram
) -> None:
    queue(factory, 78, {"text": "Kan sugandi", "options": [{"label": "A", "data": "lang:bm"}]})
    run_worker(factory, telegram)
    [sent] = telegram.calls_to("sendMessage")
    message_id = telegram.messages(78)[-1]["message_id"]
    queue_ack = {"ack": {"callback_query_id": "cq-1", "message_id": message_id}}
    with unit_of_work(factory) as session:
        relay = session.scalars(select(Relay).where(Relay.address == "telegram:78")).one()
        enqueue(session=session, source_kind="ack", source_ref="1", payload=queue_ack, relay=relay)
    run_worker(factory, telegram)
    assert [
        call.params["callback_query_id"] for call in telegram.calls_to("answerCallbackQuery")
    ] == ["cq-1"]
    [edit] = telegram.calls_to("editMessageReplyMarkup")
    assert edit.params["chat_id"] == 78
    assert edit.params["message_id"] == message_id
    assert sent.params["reply_markup"]
    assert telegram.refused == []


def test_blocked_by_the_user_marks_the_relay_unreachable_and_cancels_its_queue(
    factory: Factory, telegram: FakeTelegram
) -> None:
    telegram.block(79)
    relay_id = queue(factory, 79, {"text": "one"}, {"text": "two"})
    run_worker(factory, telegram)
    first, second = deliveries(factory, relay_id)
    assert first.status is DeliveryStatus.FAILED
    assert "blocked" in (first.error or "")
    assert second.status is DeliveryStatus.CANCELLED
    with factory() as session:
        assert session.get_one(Relay, relay_id).status is RelayStatus.UNREACHABLE
    assert telegram.calls_to("sendMessage") == []


def test_chat_not_found_is_unreachable_too(factory: Factory, telegram: FakeTelegram) -> None:
    telegram.forget_chat(80)
    relay_id = queue(factory, 80, {"text": "hello"})
    run_worker(factory, telegram)
    with factory() as session:
        assert session.get_one(Relay, relay_id).status is RelayStatus.UNREACHABLE


def test_429_waits_retry_after_and_keeps_the_order(
    factory: Factory, telegram: FakeTelegram
) -> None:
    telegram.fail_next("sendMessage", status=429, retry_after=7)
    relay_id = queue(factory, 81, {"text": "first"}, {"text": "second"})
    before = datetime.now(UTC)
    run_worker(factory, telegram)
    first, second = deliveries(factory, relay_id)
    assert first.status is DeliveryStatus.QUEUED
    assert first.attempts == 0
    assert first.next_attempt_at >= before + timedelta(seconds=6)
    assert second.status is DeliveryStatus.QUEUED  # never overtakes the first
    assert telegram.calls_to("sendMessage") == []

    with unit_of_work(factory) as session:  # time passes
        for row in session.scalars(select(Delivery).where(Delivery.relay_id == relay_id)):
            row.next_attempt_at = datetime.now(UTC)
    run_worker(factory, telegram)
    assert [call.params["text"] for call in telegram.calls_to("sendMessage")] == ["first", "second"]


def test_server_errors_back_off_then_give_up(factory: Factory, telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", status=502, times=outbox.MAX_ATTEMPTS)
    relay_id = queue(factory, 82, {"text": "hello"})
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        run_worker(factory, telegram)
        [row] = deliveries(factory, relay_id)
        assert row.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert row.status is DeliveryStatus.QUEUED
            assert row.next_attempt_at > datetime.now(UTC)
            with unit_of_work(factory) as session:
                session.get_one(Delivery, row.id).next_attempt_at = datetime.now(UTC)
    assert row.status is DeliveryStatus.FAILED
    assert "gave up" in (row.error or "")


def test_a_stale_claim_comes_back_to_the_queue(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session)
        enqueue(
            session=session, source_kind="reply", source_ref="x", payload={"text": "t"}, relay=relay
        )
    with unit_of_work(factory) as session:
        [claimed] = outbox.claim(session=session, now=datetime.now(UTC), limit=10)
    with unit_of_work(factory) as session:
        assert outbox.claim(session=session, now=datetime.now(UTC), limit=10) == []
        later = datetime.now(UTC) + outbox.STALE_CLAIM + timedelta(seconds=1)
        assert outbox.requeue_stale(session=session, now=later) == 1
    with unit_of_work(factory) as session:
        [again] = outbox.claim(session=session, now=datetime.now(UTC), limit=10)
    assert again.id == claimed.id
