"""End to end: `relais serve` as a subprocess, the fake Telegram as the platform.

A relay joins, picks Bambara and a place, switches to French and leaves, as Telegram
would drive it: updates posted to the webhook, replies sent by the worker to the fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import callback_update, telegram_update
from tests.fakes.telegram import Call, FakeTelegram
from tests.serving import fake_settings, post_update, query, relais_serve
from tests.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHAT = 990011


@pytest.fixture
def served(tmp_path: Path, telegram: FakeTelegram) -> Iterator[tuple[str, Path]]:
    """`relais serve` talking to the fake Telegram; yields its URL and database file."""
    with relais_serve(tmp_path, **fake_settings(telegram)) as served:
        yield served.url, served.database
    server_log = served.log.read_text()
    assert telegram.token not in server_log
    assert telegram.token.partition(":")[2] not in server_log


def last_message(telegram: FakeTelegram, count: int) -> Call:
    calls = telegram.wait_for(method="sendMessage", count=count, timeout=15)
    return calls[-1]


def press(telegram: FakeTelegram, url: str, message: Call, data: str) -> None:
    sent = telegram.messages(CHAT)
    message_id = next(
        m["message_id"] for m in reversed(sent) if m.get("text") == message.params["text"]
    )
    post_update(url, callback_update(data, chat_id=CHAT, message_id=message_id))


def test_join_bambara_place_french_stop(served: tuple[str, Path], telegram: FakeTelegram) -> None:
    url, database = served
    start = telegram_update("/start", chat_id=CHAT, first_name="Fatoumata")
    post_update(url, start)
    post_update(url, start)  # Telegram retried: nothing more happens
    welcome = last_message(telegram, 1)
    buttons = [
        b["callback_data"] for row in welcome.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == ["lang:bm", "lang:fr"]

    press(telegram, url, welcome, "lang:bm")
    place = last_message(telegram, 2)
    assert place.params["text"].startswith("I sigilen bɛ min?")
    telegram.wait_for(method="answerCallbackQuery", count=1, timeout=15)
    telegram.wait_for(method="editMessageReplyMarkup", count=1, timeout=15)

    press(telegram, url, place, "place:kayes")
    done = last_message(telegram, 3)
    assert done.params["text"].startswith("I bisimila kampaɲi ka relaw cɛma")

    post_update(url, telegram_update("/langue", chat_id=CHAT))
    prompt = last_message(telegram, 4)
    press(telegram, url, prompt, "lang:fr")
    assert last_message(telegram, 5).params["text"].startswith("C'est fait")

    post_update(url, telegram_update("STOP", chat_id=CHAT))
    assert last_message(telegram, 6).params["text"].startswith("Vous avez quitté Relais")
    forged = httpx.post(
        f"{url}/webhooks/telegram",
        json=telegram_update("/start", chat_id=CHAT),
        headers={"X-Telegram-Bot-Api-Secret-Token": "forged"},
    )
    assert forged.status_code == 403

    # A reply is queued before its webhook answers 200, and marked sent once the fake
    # accepted it: with nothing left queued or sending, every message has arrived.
    statuses = eventually(
        lambda: query(database, "SELECT DISTINCT status FROM delivery"),
        until=lambda found: not {("queued",), ("sending",)} & set(found),
        awaiting="no delivery left queued or sending",
    )
    assert statuses == [("sent",)]
    assert len(telegram.calls_to("sendMessage")) == 6
    assert telegram.refused == []
    [relay] = query(
        database,
        "SELECT language, place, status, stopped_at FROM relay WHERE address = :a",
        a=f"telegram:{CHAT}",
    )
    [(inbound,)] = query(database, "SELECT count(*) FROM inbound_message")
    assert relay[:3] == ("fr", "kayes", "stopped")
    assert relay[3] is not None
    assert inbound == 6  # the replayed /start and the forged update are not stored
