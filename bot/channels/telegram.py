"""Telegram: an Update into an Inbound, a delivery payload into Bot API calls.

Parsing uses python-telegram-bot's types; sending uses its Bot with base_url taken from
RELAIS_TELEGRAM_API_URL, so a local Bot API server or a test fake can stand in.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import RateLimited as RateLimitedError
from bot.channels.base import Rejected, Temporary, Unreachable
from bot.conversation.values import Choice, Inbound, Media, MediaKind
from bot.domain.media_library import MediaLibrary, MediaNotFound

logger = logging.getLogger(__name__)
# Opt in to what python-telegram-bot will do in its next major version (durations as
# timedelta), as it asks; otherwise it warns on every 429 it raises.
os.environ.setdefault("PTB_TIMEDELTA", "1")

CHANNEL = "telegram"
MEDIA_URL_PREFIX = "telegram-file:"
CAPTION_LIMIT = 1024
# Short labels share a row, like a phone keyboard; long ones get a row each.
_SHORT_LABEL = 16


class UpdateError(ValueError):
    """A body that is not a Telegram Update."""


@dataclass(frozen=True)
class ParsedUpdate:
    update_id: int
    inbound: Inbound | None
    acknowledgement: dict[str, Any] | None


def _name(first: str | None, last: str | None) -> str | None:
    name = " ".join(part for part in (first, last) if part)
    return name[:128] or None


def _media(message: Message) -> tuple[Media, ...]:
    found: list[Media] = []
    if message.photo:
        found.append(Media(MediaKind.PHOTO, MEDIA_URL_PREFIX + message.photo[-1].file_id))
    for kind, item in (
        (MediaKind.VOICE, message.voice),
        (MediaKind.AUDIO, message.audio),
        (MediaKind.VIDEO, message.video or message.video_note),
        (MediaKind.DOCUMENT, message.document),
    ):
        if item is not None:
            content_type = getattr(item, "mime_type", None)
            found.append(Media(kind, MEDIA_URL_PREFIX + item.file_id, content_type))
    return tuple(found)


def parse_update(data: object) -> ParsedUpdate:
    """Read a webhook body; only private chats talk to the conversation."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise UpdateError("not a Telegram Update: no integer update_id")
    try:
        update = Update.de_json(data, bot=None)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise UpdateError(f"not a Telegram Update: {exc}") from exc
    if update is None:
        raise UpdateError("not a Telegram Update")

    query = update.callback_query
    if query is not None:
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        ack: dict[str, Any] = {"callback_query_id": query.id}
        if message is not None:
            ack["message_id"] = message.message_id
        choice = Choice.unpack(query.data or "")
        inbound = Inbound(
            address=f"{CHANNEL}:{chat_id}",
            choice=choice,
            text=None if choice else query.data,
            display_name=_name(query.from_user.first_name, query.from_user.last_name),
        )
        return ParsedUpdate(update.update_id, inbound, ack)

    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return ParsedUpdate(update.update_id, None, None)
    sender = message.from_user
    inbound = Inbound(
        address=f"{CHANNEL}:{message.chat.id}",
        text=message.text or message.caption,
        media=_media(message),
        display_name=_name(sender.first_name, sender.last_name) if sender else None,
    )
    return ParsedUpdate(update.update_id, inbound, None)


def keyboard(options: list[dict[str, str]]) -> InlineKeyboardMarkup | None:
    if not options:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for option in options:
        button = InlineKeyboardButton(option["label"], callback_data=option["data"])
        row = rows[-1] if rows else None
        fits = row is not None and len(row) < 2 and len(option["label"]) <= _SHORT_LABEL
        if row is not None and fits and all(len(b.text) <= _SHORT_LABEL for b in row):
            row.append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows)


def _file_id(message: Message) -> str | None:
    """What Telegram calls the file it just received, to send it again without uploading."""
    if message.photo:
        return message.photo[-1].file_id
    for item in (message.voice, message.video, message.audio, message.document):
        if item is not None:
            return item.file_id
    return None


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends deliveries through the Bot API; maps its errors to what the worker should do."""

    channel = CHANNEL

    def __init__(
        self, *, token: str, api_url: str, rate: float, media: MediaLibrary | None = None
    ) -> None:
        # httpx logs every request URL at INFO, and Bot API URLs carry the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self.rate = rate
        request = HTTPXRequest(connection_pool_size=8, read_timeout=15, connect_timeout=10)
        self._bot = Bot(
            token,
            base_url=f"{api_url}/bot",
            base_file_url=f"{api_url}/file/bot",
            request=request,
        )
        self._ready = False
        self._media = media

    async def send(self, identifier: str, payload: dict[str, Any]) -> str | None:
        try:
            if not self._ready:
                await self._bot.initialize()
                self._ready = True
            if "ack" in payload:
                await self._acknowledge(int(identifier), payload["ack"])
                return None
            message = await self._send_message(int(identifier), payload)
            return str(message.message_id)
        except RetryAfter as exc:
            raise RateLimitedError(_seconds(exc.retry_after), "telegram 429", code="429") from exc
        except Forbidden as exc:
            raise Unreachable(f"telegram 403: {exc.message}", code="403") from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise Unreachable(f"telegram 400: {exc.message}", code="400") from exc
            raise Rejected(f"telegram 400: {exc.message}", code="400") from exc
        except (TimedOut, NetworkError, InvalidToken) as exc:
            raise Temporary(f"telegram: {exc.__class__.__name__}: {exc}") from exc
        except TelegramError as exc:
            raise Temporary(f"telegram: {exc}") from exc

    async def _send_message(self, chat_id: int, payload: dict[str, Any]) -> Message:
        markup = keyboard(payload.get("options") or [])
        text = payload.get("text") or ""
        media = payload.get("media")
        if not media:
            return await self._bot.send_message(chat_id, text, reply_markup=markup)
        send_media: dict[str, Callable[..., Awaitable[Message]]] = {
            MediaKind.PHOTO: self._bot.send_photo,
            MediaKind.VOICE: self._bot.send_voice,
            MediaKind.VIDEO: self._bot.send_video,
            MediaKind.AUDIO: self._bot.send_audio,
        }
        send = send_media.get(media.get("kind", ""), self._bot.send_document)
        fits = len(text) <= CAPTION_LIMIT
        caption = (text or None) if fits else None
        if "path" not in media:  # a file Telegram already has (a relay's own media)
            file_id = str(media["url"]).removeprefix(MEDIA_URL_PREFIX)
            message = await send(chat_id, file_id, caption=caption, reply_markup=markup)
        else:
            message = await self._send_campaign_file(send, chat_id, media["path"], caption, markup)
        if not fits:  # the text would not fit under the picture: it follows it
            return await self._bot.send_message(chat_id, text, reply_markup=markup)
        return message

    async def _send_campaign_file(
        self,
        send: Callable[..., Awaitable[Message]],
        chat_id: int,
        reference: str,
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> Message:
        """Upload a campaign file the first time, then reuse the file_id Telegram gave."""
        library = self._media
        if library is None:
            raise Rejected("campaign media cannot be sent: no media library")
        try:
            path = await asyncio.to_thread(library.resolve, reference)
        except MediaNotFound as exc:
            raise Rejected(f"campaign media missing: {reference}") from exc
        sha256 = await asyncio.to_thread(library.digest, path)
        known = await asyncio.to_thread(library.file_id, CHANNEL, sha256)
        if known is not None:
            return await send(chat_id, known, caption=caption, reply_markup=markup)
        with path.open("rb") as handle:
            message = await send(chat_id, handle, caption=caption, reply_markup=markup)
        if (file_id := _file_id(message)) is not None:
            await asyncio.to_thread(library.remember, CHANNEL, sha256, file_id)
        return message

    async def _acknowledge(self, chat_id: int, ack: dict[str, Any]) -> None:
        """Stop the button spinning, then take the buttons off the message they were on."""
        try:
            await self._bot.answer_callback_query(ack["callback_query_id"])
        except BadRequest as exc:
            # A query older than 15 minutes cannot be answered; nothing is lost.
            logger.info("callback query not answered: %s", exc.message)
        message_id = ack.get("message_id")
        if message_id is None:
            return
        try:
            await self._bot.edit_message_reply_markup(chat_id, int(message_id), reply_markup=None)
        except BadRequest as exc:
            # Already edited (a double tap) or deleted: the buttons are gone either way.
            logger.info("buttons not removed: %s", exc.message)

    async def close(self) -> None:
        if self._ready:
            await self._bot.shutdown()
            self._ready = False
