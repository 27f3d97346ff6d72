"""Tests of the fake Telegram Bot API (tests/fakes/telegram.py), through the real
python-telegram-bot client and through raw HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dtm
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.fakes.telegram import Call, FakeTelegram, UploadedFile
from tests.fakes.telegram_protocol import METHODS_FILE

T = TypeVar("T")


def with_bot(telegram: FakeTelegram, use: Callable[[Bot], Awaitable[T]], token: str = "") -> T:
    """Run ``use`` with an initialised PTB bot pointed at the fake."""

    async def main() -> T:
        async with Bot(token or telegram.token, base_url=telegram.api_url + "/bot") as bot:
            return await use(bot)

    return asyncio.run(main())


def post(telegram: FakeTelegram, method: str, token: str = "", **kwargs: Any) -> httpx.Response:
    return httpx.post(
        f"{telegram.api_url}/bot{token or telegram.token}/{method}", timeout=10, **kwargs
    )


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


# --------------------------------------------------------------------------- basics


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


# ----------------------------------------------------------------------- validation


def test_missing_text_is_refused_and_recorded_as_refused(telegram: FakeTelegram) -> None:
    response = post(telegram, "sendMessage", data={"chat_id": "5"})
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    assert telegram.calls_to("sendMessage") == []
    [refused] = telegram.refused
    assert (refused.method, refused.status) == ("sendMessage", 400)
    assert refused.description == "Bad Request: message text is empty"
    assert refused.params == {"chat_id": 5}
    assert refused.injected is False


@pytest.mark.parametrize(
    ("data", "description"),
    [
        ({"text": "hi"}, "Bad Request: chat_id is empty"),
        ({"chat_id": "5", "text": " \n "}, "Bad Request: message text is empty"),
        (
            {"chat_id": "5", "text": "hi", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            {"chat_id": "5", "text": "hi", "reply_markup": "[1, 2]"},
            "Bad Request: object expected as reply markup",
        ),
        (
            {"chat_id": "5", "text": "hi", "reply_markup": '{"inline_keyboard": [{"text": "a"}]}'},
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an '
            "Array of Arrays",
        ),
    ],
)
def test_malformed_send_message_is_refused(
    telegram: FakeTelegram, data: dict[str, str], description: str
) -> None:
    response = post(telegram, "sendMessage", data=data)
    assert (response.status_code, response.json()["description"]) == (400, description)
    assert [r.description for r in telegram.refused] == [description]
    assert telegram.calls == []


def test_text_length_limit_is_4096(telegram: FakeTelegram) -> None:
    async def use(bot: Bot) -> Message:
        await bot.send_message(9, "x" * 4096)
        return await bot.send_message(9, "x" * 4097)

    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        with_bot(telegram, use)
    assert len(telegram.calls_to("sendMessage")) == 1
    assert [r.description for r in telegram.refused] == ["Bad Request: message is too long"]


def test_text_length_is_counted_after_entities_parsing(telegram: FakeTelegram) -> None:
    html = "<b>" + "é" * 4096 + "</b>"
    assert post(
        telegram, "sendMessage", data={"chat_id": 1, "text": html, "parse_mode": "HTML"}
    ).is_success
    too_long = post(telegram, "sendMessage", data={"chat_id": 1, "text": "é" * 4097 + "<b></b>"})
    assert too_long.json()["description"] == "Bad Request: message is too long"


def test_caption_length_limit_is_1024(telegram: FakeTelegram) -> None:
    ok = post(
        telegram,
        "sendPhoto",
        data={"chat_id": 3, "photo": "https://x.org/a.jpg", "caption": "c" * 1024},
    )
    too_long = post(telegram, "sendPhoto", data={"chat_id": 3, "photo": "x", "caption": "c" * 1025})
    assert ok.status_code == 200
    assert (too_long.status_code, too_long.json()["description"]) == (
        400,
        "Bad Request: message caption is too long",
    )


def test_callback_data_is_limited_to_64_bytes_not_characters(telegram: FakeTelegram) -> None:
    fits = "a" * 62 + "é"  # 64 bytes
    too_long = "a" * 63 + "é"  # 64 characters, 65 bytes

    async def use(bot: Bot) -> Message:
        await bot.send_message(
            1, "ok", reply_markup=keyboard(InlineKeyboardButton("b", callback_data=fits))
        )
        return await bot.send_message(
            1, "ko", reply_markup=keyboard(InlineKeyboardButton("b", callback_data=too_long))
        )

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        with_bot(telegram, use)
    assert [c.params["text"] for c in telegram.calls_to("sendMessage")] == ["ok"]
    assert [r.description for r in telegram.refused] == ["Bad Request: BUTTON_DATA_INVALID"]


@pytest.mark.parametrize(
    ("button", "description"),
    [
        (
            {"text": "no action"},
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"text": "empty data", "callback_data": ""},
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"text": "two", "callback_data": "x", "url": "https://example.org"},
            "can't parse inline keyboard button: exactly one of the optional fields must be used",
        ),
        ({"callback_data": "x"}, "can't parse inline keyboard button: Can't find field \"text\""),
    ],
)
def test_inline_buttons_need_exactly_one_action(
    telegram: FakeTelegram, button: dict[str, str], description: str
) -> None:
    markup = json.dumps({"inline_keyboard": [[button]]})
    response = post(
        telegram, "sendMessage", data={"chat_id": 1, "text": "t", "reply_markup": markup}
    )
    assert (response.status_code, response.json()["description"]) == (
        400,
        "Bad Request: " + description,
    )


# ------------------------------------------------------------- chats and failures


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


# --------------------------------------------------------- callbacks, edits, files


def test_answer_callback_query(telegram: FakeTelegram) -> None:
    async def use(bot: Bot) -> bool:
        return await bot.answer_callback_query("cbq-1", text="Merci !")

    assert with_bot(telegram, use) is True
    assert telegram.calls_to("answerCallbackQuery")[0].params == {
        "callback_query_id": "cbq-1",
        "text": "Merci !",
    }
    long = post(telegram, "answerCallbackQuery", data={"callback_query_id": "q", "text": "t" * 201})
    assert long.json()["description"] == "Bad Request: MESSAGE_TOO_LONG"


def test_edit_message_reply_markup(telegram: FakeTelegram) -> None:
    first = keyboard(InlineKeyboardButton("A", callback_data="a"))
    second = keyboard(InlineKeyboardButton("B", callback_data="b"))

    async def use(bot: Bot) -> tuple[Message | bool, list[str]]:
        sent = await bot.send_message(10, "Choose", reply_markup=first)
        edited = await bot.edit_message_reply_markup(10, sent.message_id, reply_markup=second)
        errors = []
        for chat_id, message_id in ((10, sent.message_id), (10, 999), (11, sent.message_id)):
            try:
                await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=second)
            except BadRequest as exc:
                errors.append(exc.message)
        return edited, errors

    edited, errors = with_bot(telegram, use)
    assert isinstance(edited, Message)
    assert edited.reply_markup == second
    assert edited.edit_date is not None
    assert errors[0].startswith("Message is not modified")
    assert errors[1:] == ["Message to edit not found"] * 2
    assert telegram.messages(10)[0]["reply_markup"] == second.to_dict()


def test_edit_message_text_removes_keyboard_unless_given(telegram: FakeTelegram) -> None:
    markup = keyboard(InlineKeyboardButton("A", callback_data="a"))

    async def use(bot: Bot) -> Message | bool:
        sent = await bot.send_message(10, "v1", reply_markup=markup)
        return await bot.edit_message_text("v2", chat_id=10, message_id=sent.message_id)

    edited = with_bot(telegram, use)
    assert isinstance(edited, Message)
    assert (edited.text, edited.reply_markup) == ("v2", None)


def test_send_media_by_upload_and_by_file_id(telegram: FakeTelegram) -> None:
    content = b"\x89PNG\r\n\x00\xff--boundary-like\r\n"

    async def use(bot: Bot) -> list[Message]:
        photo = await bot.send_photo(4, photo=content, caption="Affiche")
        again = await bot.send_photo(4, photo=photo.photo[-1].file_id)
        voice = await bot.send_voice(4, voice=b"OggS", filename="note.ogg")
        document = await bot.send_document(4, document=b"pdf", filename="tract.pdf")
        by_url = await bot.send_video(4, video="https://example.org/v.mp4")
        audio = await bot.send_audio(4, audio=b"ID3", filename="a.mp3")
        return [photo, again, voice, document, by_url, audio]

    photo, again, voice, document, video, audio = with_bot(telegram, use)
    assert voice.voice is not None
    assert document.document is not None
    assert video.video is not None
    assert audio.audio is not None
    assert photo.caption == "Affiche"
    assert again.photo[-1].file_id == photo.photo[-1].file_id
    assert again.photo[-1].file_unique_id == photo.photo[-1].file_unique_id
    ids = {photo.photo[-1].file_id, voice.voice.file_id, document.document.file_id}
    ids |= {video.video.file_id, audio.audio.file_id}
    assert len(ids) == 5
    assert document.document.file_name == "tract.pdf"

    uploaded = telegram.calls_to("sendPhoto")[0].params["photo"]
    assert isinstance(uploaded, UploadedFile)
    assert uploaded.data == content
    assert telegram.calls_to("sendVideo")[0].params["video"] == "https://example.org/v.mp4"
    assert post(telegram, "sendVoice", data={"chat_id": 4}).json()["description"] == (
        "Bad Request: there is no voice in the request"
    )


def test_webhook_methods(telegram: FakeTelegram) -> None:
    async def use(bot: Bot) -> tuple[bool, str, bool, str]:
        set_ok = await bot.set_webhook("https://relais.example.org/tg", secret_token="s3cret")
        url = (await bot.get_webhook_info()).url
        deleted = await bot.delete_webhook()
        return set_ok, url, deleted, (await bot.get_webhook_info()).url

    assert with_bot(telegram, use) == (True, "https://relais.example.org/tg", True, "")
    plain_http = post(telegram, "setWebhook", data={"url": "http://relais.example.org/tg"})
    assert plain_http.json()["description"] == (
        "Bad Request: bad webhook: HTTPS url must be provided for webhook"
    )


# ------------------------------------------------------------------ waiting, logging


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
