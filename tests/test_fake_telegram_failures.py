"""What the fake Telegram answers when things go wrong: injected errors, blocked and
unknown chats, wrong tokens and methods, rate limits."""

from __future__ import annotations

import datetime as dtm

import httpx
import pytest
from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.fakes.telegram import FakeTelegram
from tests.telegram_clients import post, with_bot


def test_fail_next_429_surfaces_as_retry_after(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns (PTBDeprecationWarning) while *building* RetryAfter unless this is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    telegram.fail_next("sendMessage", status=429, retry_after=7)

    async def use(bot: Bot) -> Message:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "first")
        assert caught.value.retry_after == dtm.timedelta(seconds=7)
        return await bot.send_message(1, "second")

    assert with_bot(telegram, use).text == "second"
    [refused] = telegram.refused
    assert (refused.status, refused.description, refused.injected) == (
        429,
        "Too Many Requests: retry after 7",
        True,
    )


def test_fail_next_bodies_and_times(telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", status=429, retry_after=3, times=2)
    telegram.fail_next("sendMessage", status=502)
    telegram.fail_next("getMe", status=403)
    answers = [post(telegram, "sendMessage", data={"chat_id": 1, "text": "t"}) for _ in range(4)]

    assert [a.status_code for a in answers] == [429, 429, 502, 200]
    assert answers[0].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert answers[2].json() == {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    assert post(telegram, "getMe").json()["description"] == "Forbidden: bot was blocked by the user"
    with pytest.raises(ValueError, match="not a Bot API method"):
        telegram.fail_next("sendMesage", status=500)


def test_server_errors_surface_as_network_errors(telegram: FakeTelegram) -> None:
    telegram.fail_next("sendMessage", status=502)

    async def use(bot: Bot) -> Message:
        return await bot.send_message(1, "t")

    with pytest.raises(NetworkError, match="Bad Gateway"):
        with_bot(telegram, use)


def test_block_answers_403_until_unblock(telegram: FakeTelegram) -> None:
    telegram.block(77)

    async def use(bot: Bot) -> tuple[str, Message]:
        with pytest.raises(Forbidden) as caught:
            await bot.send_message(77, "hello")
        await bot.send_message(78, "someone else")
        telegram.unblock(77)
        return caught.value.message, await bot.send_message(77, "hello again")

    message, sent = with_bot(telegram, use)
    assert message == "Forbidden: bot was blocked by the user"
    assert sent.chat.id == 77
    assert [(r.method, r.status, r.injected) for r in telegram.refused] == [
        ("sendMessage", 403, True)
    ]


def test_forget_chat_answers_chat_not_found(telegram: FakeTelegram) -> None:
    telegram.forget_chat(55)

    async def use(bot: Bot) -> Message:
        return await bot.send_message(55, "hello")

    with pytest.raises(BadRequest, match="Chat not found"):
        with_bot(telegram, use)
    assert (
        post(telegram, "sendMessage", data={"chat_id": "@nobody", "text": "t"}).status_code == 400
    )
    assert telegram.calls_to("sendMessage") == []


def test_wrong_token_is_401_and_ptb_raises_invalid_token(telegram: FakeTelegram) -> None:
    async def use(bot: Bot) -> None:
        return None

    with pytest.raises(InvalidToken):
        with_bot(telegram, use, token="999:wrong")
    response = post(telegram, "getMe", token="999:wrong")
    assert (response.status_code, response.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert post(telegram, "getMe", token="not-a-token").status_code == 404
    assert telegram.calls == []
    assert {r.status for r in telegram.refused} == {401, 404}


def test_unknown_method_is_404(telegram: FakeTelegram) -> None:
    response = post(telegram, "sendTelepathy", data={"chat_id": 1})
    assert (response.status_code, response.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    file = httpx.get(f"{telegram.api_url}/file/bot{telegram.token}/photos/x.jpg", timeout=10)
    assert file.status_code == 404
    assert telegram.calls == []


def test_other_spec_methods_answer_true(telegram: FakeTelegram) -> None:
    response = post(
        telegram, "setMyCommands", json={"commands": [{"command": "start", "description": "go"}]}
    )
    assert response.json() == {"ok": True, "result": True}
    assert telegram.calls_to("setMyCommands")[0].params["commands"][0]["command"] == "start"


def test_rate_limit_per_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    with FakeTelegram(per_chat_per_second=1) as telegram:

        async def use(bot: Bot) -> RetryAfter:
            await bot.send_message(1, "a")
            await bot.send_message(2, "b")  # another chat has its own budget
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(1, "c")
            return caught.value

        assert with_bot(telegram, use).retry_after == dtm.timedelta(seconds=1)
        assert [r.injected for r in telegram.refused] == [False]
        assert len(telegram.calls_to("sendMessage")) == 2
