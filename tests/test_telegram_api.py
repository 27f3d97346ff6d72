"""The Telegram channel's direct JSON calls (bot/channels/telegram/api.py) read every
answer of the fake Telegram as python-telegram-bot reads it: the same kind of failure,
the same words recorded, and the same message sent."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from bot.channels.base import DeliveryError, RateLimited, Rejected, Temporary, Unreachable
from bot.channels.telegram.api import describe
from bot.channels.telegram.channel import TelegramChannel
from bot.outbound import ButtonAck, Message, Option
from tests.fakes.telegram import FakeTelegram

T = TypeVar("T")


def with_channel(
    telegram: FakeTelegram, use: Callable[[TelegramChannel], Awaitable[T]], *, rate: float = 25
) -> T:
    async def run() -> T:
        channel = TelegramChannel(token=telegram.token, api_url=telegram.api_url, rate=rate)
        try:
            return await use(channel)
        finally:
            await channel.close()

    return asyncio.run(run())


def refusal(telegram: FakeTelegram, chat_id: int = 5) -> DeliveryError:
    async def use(channel: TelegramChannel) -> DeliveryError:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(str(chat_id), Message("hi"))
        return caught.value

    return with_channel(telegram, use)


def test_a_text_goes_as_json_with_its_buttons_and_returns_the_message_id(
    telegram: FakeTelegram,
) -> None:
    message = Message("Kan sugandi", options=(Option("Bamanankan", "lang:bm"),))
    sent = with_channel(telegram, lambda channel: channel.send("42", message))
    [call] = telegram.calls_to("sendMessage")
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "Kan sugandi"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Bamanankan", "callback_data": "lang:bm"}]]
    }
    assert sent == str(telegram.messages(42)[-1]["message_id"])


def test_429_is_rate_limited_for_that_chat_for_retry_after(telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", status=429, retry_after=7)
    error = refusal(telegram)
    assert isinstance(error, RateLimited)
    assert (error.retry_after, error.code, error.per_destination) == (7.0, "429", True)
    assert str(error) == "telegram 429"


def test_403_blocked_is_unreachable(telegram: FakeTelegram) -> None:
    telegram.block(5)
    error = refusal(telegram)
    assert isinstance(error, Unreachable)
    assert str(error) == "telegram 403: Forbidden: bot was blocked by the user"
    assert error.code == "403"


def test_400_chat_not_found_is_unreachable_and_other_400s_are_rejected(
    telegram: FakeTelegram,
) -> None:
    telegram.forget_chat(5)
    gone = refusal(telegram)
    assert isinstance(gone, Unreachable)
    assert (str(gone), gone.code) == ("telegram 400: Chat not found", "400")
    telegram.fail_next("sendMessage", status=400, description="Bad Request: message is too long")
    refused = refusal(telegram, chat_id=6)
    assert isinstance(refused, Rejected)
    assert (str(refused), refused.code) == ("telegram 400: Message is too long", "400")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (502, "telegram: NetworkError: Bad Gateway"),
        (500, "telegram: NetworkError: Internal Server Error (500)"),
        (401, "telegram: InvalidToken: Unauthorized"),
    ],
)
def test_server_errors_and_a_wrong_token_are_temporary(
    telegram: FakeTelegram, status: int, words: str
) -> None:
    telegram.fail_next("sendMessage", status=status)
    error = refusal(telegram)
    assert type(error) is Temporary
    assert str(error) == words


def test_no_answer_is_temporary() -> None:
    async def use(channel: TelegramChannel) -> DeliveryError:
        with pytest.raises(DeliveryError) as caught:
            await channel.send("5", Message("hi"))
        return caught.value

    async def run() -> DeliveryError:
        channel = TelegramChannel(token="1:x", api_url="http://127.0.0.1:9", rate=25, timeout=2)
        try:
            return await use(channel)
        finally:
            await channel.close()

    error = asyncio.run(run())
    assert type(error) is Temporary
    assert str(error).startswith("telegram: NetworkError: aiohttp.ClientConnectorError")


def test_an_acknowledgement_shrugs_off_a_400_and_passes_on_a_429(telegram: FakeTelegram) -> None:
    too_old = "Bad Request: query is too old"
    telegram.fail_next("answerCallbackQuery", status=400, description=too_old)
    telegram.fail_next("editMessageReplyMarkup", status=400)
    ack = ButtonAck(callback_query_id="q1", message_id=3)
    assert with_channel(telegram, lambda channel: channel.send("5", ack)) is None
    telegram.fail_next("answerCallbackQuery", status=429, retry_after=2)

    async def limited(channel: TelegramChannel) -> RateLimited:
        with pytest.raises(RateLimited) as caught:
            await channel.send("5", ack)
        return caught.value

    assert with_channel(telegram, limited).retry_after == 2.0


def test_descriptions_are_worded_as_python_telegram_bot_words_them() -> None:
    assert describe("Bad Request: chat not found") == "Chat not found"
    assert describe("Forbidden: bot was blocked by the user") == (
        "Forbidden: bot was blocked by the user"
    )
    assert describe("Error: boom") == "Boom"


@contextmanager
def raw_server(answer: bytes | None, heard: list[bytes] | None = None) -> Iterator[str]:
    """A server on 127.0.0.1 that reads a request (into `heard`), then sends `answer` and
    closes (None: says nothing and keeps the connection open until the test ends)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            request = connection.recv(65536)
            if heard is not None:
                heard.append(request)
            if answer is None:
                held.append(connection)
                continue
            connection.sendall(answer)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def failure_from(api_url: str, timeout: float = 5) -> DeliveryError:
    async def run() -> DeliveryError:
        channel = TelegramChannel(token="1:x", api_url=api_url, rate=25, timeout=timeout)
        try:
            with pytest.raises(DeliveryError) as caught:
                await channel.send("5", Message("hi"))
            return caught.value
        finally:
            await channel.close()

    return asyncio.run(run())


def test_an_answer_that_never_comes_times_out_as_temporary() -> None:
    started = time.monotonic()
    with raw_server(None) as url:
        error = failure_from(url, timeout=0.5)
    assert type(error) is Temporary
    assert str(error).startswith("telegram: TimedOut")
    assert time.monotonic() - started < 4


def test_an_unreadable_answer_and_a_dropped_connection_are_temporary() -> None:
    page = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\n<html>no"
    with raw_server(page) as url:
        unreadable = failure_from(url)
    assert type(unreadable) is Temporary
    assert str(unreadable) == "telegram: Invalid server response (200)"
    with raw_server(b"") as url:
        dropped = failure_from(url)
    assert type(dropped) is Temporary
    assert str(dropped).startswith("telegram: NetworkError: aiohttp.ServerDisconnectedError")


def test_one_channel_sends_from_one_event_loop_then_another(telegram: FakeTelegram) -> None:
    """A pool belongs to the loop it was opened in and is closed with the channel: a
    channel used again under a new loop (a worker restarted in the same process) opens a
    new one instead of failing."""
    channel = TelegramChannel(token=telegram.token, api_url=telegram.api_url, rate=25)

    async def send(chat: str) -> str | None:
        try:
            return await channel.send(chat, Message("hi"))
        finally:
            await channel.close()

    first = asyncio.run(send("41"))
    second = asyncio.run(send("42"))
    assert first is not None
    assert second is not None
    assert [len(telegram.messages(chat)) for chat in (41, 42)] == [1, 1]


def test_a_proxy_named_in_the_environment_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = b'{"ok":true,"result":{"message_id":7}}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (
        len(body),
        body,
    )
    heard: list[bytes] = []
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with raw_server(answer, heard) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy)

        async def send() -> str | None:
            # Nothing listens at the Bot API's own address: only the proxy can answer.
            channel = TelegramChannel(token="1:x", api_url="http://127.0.0.1:9", rate=25)
            try:
                return await channel.send("5", Message("hi"))
            finally:
                await channel.close()

        assert asyncio.run(send()) == "7"
        assert heard[0].startswith(b"POST http://127.0.0.1:9/bot1:x/sendMessage HTTP/1.1")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        bypassed = failure_from("http://127.0.0.1:9")
    assert str(bypassed).startswith("telegram: NetworkError: aiohttp.ClientConnectorError")
    assert len(heard) == 1
