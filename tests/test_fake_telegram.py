"""Tests of the fake Telegram Bot API (tests/fakes/telegram.py), through the real
python-telegram-bot client and through raw HTTP: what it records, how tests wait on it,
and the method table it serves."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, Message

from tests.fakes.telegram import Call, FakeTelegram
from tests.fakes.telegram_protocol import METHODS_FILE
from tests.telegram_clients import keyboard, post, with_bot


def test_get_me_lets_ptb_initialise(telegram: FakeTelegram) -> None:
    async def use(bot: Bot) -> tuple[int, str | None, bool]:
        return bot.id, bot.username, bot.bot.is_bot

    assert with_bot(telegram, use) == (123456, "relais_test_bot", True)
    assert [c.method for c in telegram.calls] == ["getMe"]
    assert telegram.refused == []


def test_api_url_is_loopback_and_stop_closes_the_port() -> None:
    fake = FakeTelegram("42:abc")
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.api_url
    with fake:
        url = fake.api_url
        assert url.startswith("http://127.0.0.1:")
        assert post(fake, "getMe").json()["result"]["id"] == 42
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{url}/bot42:abc/getMe", timeout=2)


def test_send_message_is_recorded_with_its_reply_markup_decoded(telegram: FakeTelegram) -> None:
    markup = keyboard(InlineKeyboardButton("Oui, je relaie ɛ", callback_data="relay:yes"))

    async def use(bot: Bot) -> list[Message]:
        first = await bot.send_message(1001, "Bonjour ɔ", reply_markup=markup)
        second = await bot.send_message(1001, "Encore")
        other = await bot.send_message(2002, "Ailleurs")
        return [first, second, other]

    first, second, other = with_bot(telegram, use)
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.chat.id == 1001
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.username == "relais_test_bot"
    assert first.reply_markup == markup
    assert second.reply_markup is None

    [call, *_] = telegram.calls_to("sendMessage")
    assert call.params == {
        "chat_id": 1001,
        "text": "Bonjour ɔ",
        "reply_markup": {
            "inline_keyboard": [[{"text": "Oui, je relaie ɛ", "callback_data": "relay:yes"}]]
        },
    }
    assert len(telegram.calls_to("SENDMESSAGE")) == 3
    assert [m["text"] for m in telegram.messages(1001)] == ["Bonjour ɔ", "Encore"]
    assert telegram.refused == []


def test_json_bodies_query_strings_and_method_case_are_accepted(telegram: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "url": "https://example.org"}]]}
    by_json = post(
        telegram, "sendmessage", json={"chat_id": 7, "text": "a", "reply_markup": markup}
    )
    by_query = post(telegram, "SendMessage", params={"chat_id": "7", "text": "b"})
    by_get = httpx.get(f"{telegram.api_url}/bot{telegram.token}/getMe", timeout=10)

    assert by_json.status_code == by_query.status_code == by_get.status_code == 200
    assert by_json.json()["result"]["reply_markup"] == markup
    assert by_query.json()["result"]["message_id"] == 2
    assert [c.params for c in telegram.calls_to("sendMessage")] == [
        {"chat_id": 7, "text": "a", "reply_markup": markup},
        {"chat_id": 7, "text": "b"},
    ]


def test_json_encoded_values_are_decoded_by_spec_type(telegram: FakeTelegram) -> None:
    entities = [{"type": "bold", "offset": 0, "length": 3}]
    response = post(
        telegram,
        "sendMessage",
        data={
            "chat_id": "-1001234",
            "text": "123",
            "entities": json.dumps(entities),
            "disable_notification": "true",
            "message_thread_id": "5",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["chat"]["type"] == "supergroup"
    assert telegram.calls_to("sendMessage")[0].params == {
        "chat_id": -1001234,
        "text": "123",  # String fields stay strings even when they look like numbers
        "entities": entities,
        "disable_notification": True,
        "message_thread_id": 5,
    }


def test_calls_are_frozen_records_and_clear_forgets_them(telegram: FakeTelegram) -> None:
    post(telegram, "getMe")
    post(telegram, "sendMessage", data={"chat_id": "1"})
    [call] = telegram.calls
    with pytest.raises(dataclasses.FrozenInstanceError):
        call.method = "other"  # type: ignore[misc]
    assert isinstance(call.at, float)
    assert len(telegram.refused) == 1
    telegram.clear()
    assert telegram.calls == []
    assert telegram.refused == []


def test_wait_for_blocks_until_the_call_arrives(telegram: FakeTelegram) -> None:
    def later() -> None:
        time.sleep(0.3)
        post(telegram, "sendMessage", data={"chat_id": 1, "text": "late"})

    thread = threading.Thread(target=later)
    started = time.monotonic()
    thread.start()
    calls = telegram.wait_for(lambda c: c.params.get("text") == "late", method="sendMessage")
    thread.join()
    assert time.monotonic() - started >= 0.25
    assert [c.params["text"] for c in calls] == ["late"]


def test_wait_for_times_out_with_a_summary(telegram: FakeTelegram) -> None:
    post(telegram, "sendMessage", data={"chat_id": 1, "text": "only one"})
    post(telegram, "sendMessage", data={"chat_id": 1})
    with pytest.raises(AssertionError) as caught:
        telegram.wait_for(method="sendMessage", count=2, timeout=0.3)
    summary = str(caught.value)
    assert "2 call(s) to sendMessage, 1 matched" in summary
    assert "only one" in summary
    assert "message text is empty" in summary
    with pytest.raises(AssertionError):
        telegram.wait_for(lambda c: isinstance(c, Call) and c.method == "getMe", timeout=0.1)


def test_the_fake_never_logs_the_token(
    telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    telegram.fail_next("getMe", status=500)
    post(telegram, "getMe")
    post(telegram, "getMe")
    post(telegram, "sendMessage", data={"chat_id": 1})
    post(telegram, "getMe", token="1:wrong")
    ours = [r for r in caplog.records if r.name.startswith(("tests.fakes", "uvicorn"))]
    assert any("refused" in r.getMessage() for r in ours)
    assert all(telegram.token not in r.getMessage() for r in ours)


def test_method_table_covers_the_spec() -> None:
    table = json.loads(METHODS_FILE.read_text(encoding="utf-8"))
    assert "PaulSonOfLars/telegram-bot-api-spec" in table["source"]
    methods = table["methods"]
    assert len(methods) >= 150
    send = {f["name"]: f for f in methods["sendMessage"]["fields"]}
    assert send["chat_id"] == {"name": "chat_id", "types": ["Integer", "String"], "required": True}
    assert send["text"]["required"] is True
    assert methods["sendMessage"]["returns"] == ["Message"]
    assert methods["getMe"] == {"returns": ["User"], "fields": []}
    assert all("description" not in f for m in methods.values() for f in m["fields"])
