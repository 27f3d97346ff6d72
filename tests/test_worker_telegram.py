"""The delivery worker against the loopback fake of the Telegram Bot API."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.console.channel import ConsoleChannel
from bot.channels.telegram.channel import TelegramChannel
from bot.db import make_engine, make_session_factory, unit_of_work
from bot.models import ChannelRate, Delivery, DeliveryStatus, Relay, RelayStatus
from bot.outbound import from_json
from scheduler import claims
from scheduler.worker import DeliveryWorker
from tests.factories import deliveries, make_delivery, make_relay
from tests.fakes.telegram import FakeTelegram
from tests.workers import run_workers

TOKEN = "123456:TEST-token"  # the fake's default: the bot of the `telegram` fixture
Factory = sessionmaker[Session]


def run_worker(factory: Factory, fake: FakeTelegram, *, rounds: int = 1) -> int:
    async def go() -> int:
        sender = TelegramChannel(token=TOKEN, api_url=fake.api_url, rate=100)
        worker = DeliveryWorker(
            factory=factory, channels={"telegram": sender, "console": ConsoleChannel()}
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
            make_delivery(session, target, payload, kind="reply", ref=f"t{chat_id}.{number}")
        return target.id


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
        make_delivery(session, relay, queue_ack, kind="ack")
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


def test_429_holds_back_its_chat_in_order_and_no_other(
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

    with factory() as session:  # one chat's 429 is that chat's: the channel goes on
        rate = session.get(ChannelRate, "telegram")
    assert rate is None or rate.paused_until is None
    queue(factory, 84, {"text": "to another chat"})
    run_worker(factory, telegram)
    assert [call.params["text"] for call in telegram.calls_to("sendMessage")] == ["to another chat"]
    telegram.clear()

    with unit_of_work(factory) as session:  # time passes
        for row in session.scalars(select(Delivery).where(Delivery.relay_id == relay_id)):
            row.next_attempt_at = datetime.now(UTC)
    run_worker(factory, telegram)
    assert [call.params["text"] for call in telegram.calls_to("sendMessage")] == ["first", "second"]


def test_server_errors_back_off_then_give_up(factory: Factory, telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", status=502, times=claims.MAX_ATTEMPTS)
    relay_id = queue(factory, 82, {"text": "hello"})
    for attempt in range(1, claims.MAX_ATTEMPTS + 1):
        run_worker(factory, telegram)
        [row] = deliveries(factory, relay_id)
        assert row.attempts == attempt
        if attempt < claims.MAX_ATTEMPTS:
            assert row.status is DeliveryStatus.QUEUED
            assert row.next_attempt_at > datetime.now(UTC)
            with unit_of_work(factory) as session:
                session.get_one(Delivery, row.id).next_attempt_at = datetime.now(UTC)
    assert row.status is DeliveryStatus.FAILED
    assert "gave up" in (row.error or "")


def test_a_stale_claim_comes_back_to_the_queue(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        make_delivery(session, make_relay(session), {"text": "t"}, kind="reply", ref="x")
    with unit_of_work(factory) as session:
        [claimed] = claims.claim(session=session, now=datetime.now(UTC), limit=10)
    with unit_of_work(factory) as session:
        assert claims.claim(session=session, now=datetime.now(UTC), limit=10) == []
        later = datetime.now(UTC) + claims.STALE_CLAIM + timedelta(seconds=1)
        assert claims.requeue_stale(session=session, now=later) == 1
    with unit_of_work(factory) as session:
        [again] = claims.claim(session=session, now=datetime.now(UTC), limit=10)
    assert again.id == claimed.id


@pytest.mark.slow
def test_one_chat_gets_one_message_a_second_while_the_others_go_on(factory: Factory) -> None:
    with FakeTelegram(TOKEN, per_chat_per_second=1) as fake:
        busy = queue(factory, 83, {"text": "one"}, {"text": "two"}, {"text": "three"})
        others = [queue(factory, chat, {"text": "hello"}) for chat in (84, 85, 86)]
        run_worker(factory, fake)
        calls = fake.calls_to("sendMessage")
        to_busy = [call for call in calls if call.params["chat_id"] == 83]
        assert [call.params["text"] for call in to_busy] == ["one", "two", "three"]
        gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(to_busy)]
        assert min(gaps) >= 0.99
        # The other chats did not wait behind chat 83's second message.
        assert max(c.at for c in calls if c.params["chat_id"] != 83) < to_busy[1].at
        assert fake.refused == []
    for relay_id in (busy, *others):
        assert {row.status for row in deliveries(factory, relay_id)} == {DeliveryStatus.SENT}


def test_a_chat_another_worker_is_sending_to_is_not_claimed(factory: Factory) -> None:
    busy = queue(factory, 87, {"text": "one"}, {"text": "two"})
    free = queue(factory, 88, {"text": "hello"})
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:  # the first worker takes chat 87's first message
        [first] = claims.claim(session=session, now=now, limit=1)
    assert first.relay_id == busy
    with unit_of_work(factory) as session:  # a second worker: chat 87 is in other hands
        [other] = claims.claim(session=session, now=now, limit=10)
    assert other.relay_id == free
    with unit_of_work(factory) as session:
        claims.mark_sent(session=session, item=first, now=datetime.now(UTC), platform_id="1")
    with unit_of_work(factory) as session:  # done: the next one may go, a second later
        [second] = claims.claim(session=session, now=datetime.now(UTC), limit=10)
    assert second.relay_id == busy
    assert second.message == from_json({"text": "two"})
    assert second.last_sent_at is not None


@pytest.mark.slow
def test_two_workers_keep_one_chats_messages_in_order_a_second_apart(
    factory: Factory, engine: Engine
) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with FakeTelegram(TOKEN, per_chat_per_second=1) as fake:
            texts: list[dict[str, object]] = [{"text": f"m{n}"} for n in range(4)]
            queue(factory, 89, *texts)
            for chat in range(90, 100):
                queue(factory, chat, {"text": "hello"})
            both = [factory, make_session_factory(other)]
            run_workers(both, fake, 100, timeout=15, batch=2, rounds=5, interval=0.1)
            to_89 = [call for call in fake.calls_to("sendMessage") if call.params["chat_id"] == 89]
            assert [call.params["text"] for call in to_89] == ["m0", "m1", "m2", "m3"]
            assert min(b.at - a.at for a, b in itertools.pairwise(to_89)) >= 0.99
            assert len(fake.calls_to("sendMessage")) == 14
            assert fake.refused == []
    finally:
        other.dispose()


def test_the_number_of_attempts_is_a_setting(factory: Factory, telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", status=500, times=2)
    relay_id = queue(factory, 101, {"text": "hello"})

    async def attempt() -> None:
        sender = TelegramChannel(token=TOKEN, api_url=telegram.api_url, rate=100)
        worker = DeliveryWorker(factory=factory, channels={"telegram": sender}, max_attempts=2)
        await worker.run_once()
        await sender.close()

    asyncio.run(attempt())
    [row] = deliveries(factory, relay_id)
    assert (row.status, row.attempts) == (DeliveryStatus.QUEUED, 1)
    with unit_of_work(factory) as session:
        session.get_one(Delivery, row.id).next_attempt_at = datetime.now(UTC)
    asyncio.run(attempt())
    [row] = deliveries(factory, relay_id)
    assert row.status is DeliveryStatus.FAILED
    assert (row.error or "").startswith("gave up after 2 attempts")


def test_a_claim_whose_workers_keep_dying_is_given_up(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session)
        make_delivery(session, relay, {"text": "t"}, kind="reply", ref="y")
    lease = timedelta(seconds=10)
    for crash in range(1, 4):
        now = datetime.now(UTC) + crash * 2 * lease
        with unit_of_work(factory) as session:
            [claimed] = claims.claim(session=session, now=now, limit=1)
        assert claimed.attempts == crash
        with unit_of_work(factory) as session:  # the worker died; its lease runs out
            later = now + lease + timedelta(seconds=1)
            requeued = claims.requeue_stale(session=session, now=later, lease=lease, max_attempts=3)
        assert requeued == (1 if crash < 3 else 0)
    [row] = deliveries(factory, relay.id)
    assert row.status is DeliveryStatus.FAILED
    assert "worker sending it stopped" in (row.error or "")


def test_a_live_worker_renews_its_lease(factory: Factory) -> None:
    relay_id = queue(factory, 102, {"text": "one"})
    with unit_of_work(factory) as session:
        [claimed] = claims.claim(session=session, now=datetime.now(UTC), limit=1)
    later = datetime.now(UTC) + timedelta(seconds=50)
    with unit_of_work(factory) as session:
        assert claims.renew(session=session, ids=[claimed.id], now=later) == 1
    with unit_of_work(factory) as session:
        requeue_at = later + timedelta(seconds=30)
        assert claims.requeue_stale(session=session, now=requeue_at) == 0
    [row] = deliveries(factory, relay_id)
    assert row.status is DeliveryStatus.SENDING
