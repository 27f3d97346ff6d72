"""The chats the fake Telegram keeps: answered callbacks, edited messages and keyboards,
media sent by upload or by file id, and the webhook settings."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, Message
from telegram.error import BadRequest

from tests.fakes.telegram import FakeTelegram, UploadedFile
from tests.telegram_clients import keyboard, post, with_bot


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
