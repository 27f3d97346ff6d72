"""The fake Telegram refuses what the real Bot API refuses: missing or malformed
parameters, texts and captions over their limits, oversized callback data, buttons
without exactly one action."""

from __future__ import annotations

import json

import pytest
from telegram import Bot, InlineKeyboardButton, Message
from telegram.error import BadRequest

from tests.fakes.telegram import FakeTelegram
from tests.telegram_clients import keyboard, post, with_bot


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
