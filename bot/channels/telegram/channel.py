"""The Telegram channel: messages out through the Bot API, at Telegram's pace.

Text messages and button acknowledgements are JSON calls made directly (api.py); media
go through python-telegram-bot's Bot, which uploads files. Both take their base URL from
RELAIS_TELEGRAM_API_URL, so a local Bot API server or a test fake can stand in. Options
are inline buttons. A campaign file is uploaded once, then sent by the file_id Telegram
gave it (media.py).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram import Message as TelegramMessage
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

from bot.channels.base import (
    Channel,
    DeliveryError,
    Pacing,
    RateLimited,
    Rejected,
    Resources,
    Temporary,
    Unreachable,
)
from bot.channels.telegram.api import BotApi
from bot.channels.telegram.media import CampaignFiles
from bot.channels.telegram.updates import CHANNEL, MEDIA_URL_PREFIX
from bot.conversation.values import MediaKind
from bot.domain.media_library import MediaLibrary
from bot.outbound import ButtonAck, Message, Option, Outbound

logger = logging.getLogger(__name__)
# Opt in to what python-telegram-bot will do in its next major version (durations as
# timedelta), as it asks; otherwise it warns on every 429 it raises.
os.environ.setdefault("PTB_TIMEDELTA", "1")

CAPTION_LIMIT = 1024
# Short labels share a row, like a phone keyboard; long ones get a row each.
_SHORT_LABEL = 16
# Telegram allows about one message a second to one chat.
CHAT_SPACING = 1.0
# Sends in flight at once: at least CONCURRENCY, so a few sends stalled until their
# timeout leave enough to keep the pace; at a high pace, enough to keep it across the
# round trip (IN_FLIGHT_SECONDS of sends), up to MAX_IN_FLIGHT. The pace, not the number
# in flight, decides when each send leaves, so more in flight sends no bunches. Text goes
# over one pool (api.py); media through python-telegram-bot's clients, POOL_SIZE
# connections each: one httpx pool of 64 stalled near 250 messages/s on the 2-core machine
# where several pools reached 750-915.
CONCURRENCY = 8
IN_FLIGHT_SECONDS = 0.064
MAX_IN_FLIGHT = 64
POOL_SIZE = 16


def in_flight(rate: float) -> int:
    """How many sends the channel keeps in flight at `rate` messages/s."""
    return max(CONCURRENCY, min(MAX_IN_FLIGHT, math.ceil(rate * IN_FLIGHT_SECONDS)))


# Seconds to wait for the Bot API's answer to a message, apart from the pace: a stalled
# send fails soon, is retried later, and holds nothing else back.
SEND_TIMEOUT = 5.0
# A campaign file being uploaded (a voice note, a video) may take Telegram longer to
# answer (the upload itself has python-telegram-bot's media_write_timeout).
UPLOAD_TIMEOUT = 30.0


def keyboard(options: tuple[Option, ...]) -> InlineKeyboardMarkup | None:
    if not options:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for option in options:
        button = InlineKeyboardButton(option.label, callback_data=option.data)
        row = rows[-1] if rows else None
        fits = row is not None and len(row) < 2 and len(option.label) <= _SHORT_LABEL
        if row is not None and fits and all(len(b.text) <= _SHORT_LABEL for b in row):
            row.append(button)
        else:
            rows.append([button])
    return InlineKeyboardMarkup(rows)


def _markup(message: Message) -> InlineKeyboardMarkup | None:
    # The share button travels with no forward: Telegram drops a bot's buttons.
    return keyboard(message.options + ((message.share,) if message.share else ()))


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramChannel(Channel):
    """Sends deliveries through the Bot API; maps its errors to what the worker should do."""

    name = CHANNEL

    def __init__(
        self,
        *,
        token: str,
        api_url: str,
        rate: float,
        media: MediaLibrary | None = None,
        timeout: float = SEND_TIMEOUT,
    ) -> None:
        # httpx logs every request URL at INFO, and Bot API URLs carry the token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        concurrency = in_flight(rate)
        self.pacing = Pacing(rate=rate, concurrency=concurrency, spacing=CHAT_SPACING)
        self._api = BotApi(token=token, api_url=api_url, calls=concurrency, timeout=timeout)
        pools = math.ceil(concurrency / POOL_SIZE)
        self._bots = [
            Bot(
                token,
                base_url=f"{api_url}/bot",
                base_file_url=f"{api_url}/file/bot",
                request=HTTPXRequest(
                    connection_pool_size=math.ceil(concurrency / pools),
                    read_timeout=timeout,
                    write_timeout=timeout,
                    connect_timeout=timeout,
                    pool_timeout=timeout,
                ),
            )
            for _ in range(pools)
        ]
        self._turn = itertools.cycle(self._bots)
        self._ready = False
        self._starting = asyncio.Lock()
        self._files = CampaignFiles(CHANNEL, media)

    async def _initialize(self) -> None:
        """Each client's getMe, once: without the lock, every send of the first batch
        started its own, and they filled the pools before a message went out."""
        async with self._starting:
            if not self._ready:
                for bot in self._bots:
                    await bot.initialize()
                self._ready = True

    async def send(self, identifier: str, message: Outbound) -> str | None:
        if isinstance(message, ButtonAck):
            await self._acknowledge(int(identifier), message)
            return None
        if not isinstance(message, Message):
            raise Rejected(f"telegram cannot send a {type(message).__name__}")
        if message.media is None:
            return await self._send_text(int(identifier), message.text, _markup(message))
        try:
            if not self._ready:
                await self._initialize()
            sent = await self._send_media(int(identifier), message)
            return str(sent.message_id)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            raise RateLimited(wait, "telegram 429", code="429", per_destination=True) from exc
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

    async def _send_text(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> str:
        """sendMessage, as JSON: the platform's id for the message."""
        parameters: dict[str, object] = {"chat_id": chat_id, "text": text}
        if markup is not None:
            parameters["reply_markup"] = markup.to_dict()
        sent = await self._api.call("sendMessage", parameters)
        return str(sent["message_id"])

    async def _send_media(self, chat_id: int, message: Message) -> TelegramMessage:
        markup = _markup(message)
        text = message.text
        media = message.media
        assert media is not None  # noqa: S101 - text alone goes by _send_text
        bot = self._bot
        send_media: dict[str, Callable[..., Awaitable[TelegramMessage]]] = {
            MediaKind.PHOTO: bot.send_photo,
            MediaKind.VOICE: bot.send_voice,
            MediaKind.VIDEO: bot.send_video,
            MediaKind.AUDIO: bot.send_audio,
        }
        send = send_media.get(media.kind, bot.send_document)
        fits = len(text) <= CAPTION_LIMIT
        caption = (text or None) if fits else None
        if media.path is None:  # a file Telegram already has (a relay's own media)
            file_id = str(media.url or "").removeprefix(MEDIA_URL_PREFIX)
            sent = await send(chat_id, file_id, caption=caption, reply_markup=markup)
        else:
            sent = await self._files.send(
                media.path,
                lambda file: send(
                    chat_id,
                    file,
                    caption=caption,
                    reply_markup=markup,
                    read_timeout=UPLOAD_TIMEOUT,
                ),
            )
        if not fits:  # the text would not fit under the picture: it follows it
            return await bot.send_message(chat_id, text, reply_markup=markup)
        return sent

    async def _acknowledge(self, chat_id: int, ack: ButtonAck) -> None:
        """Stop the button spinning, then take the buttons off the message they were on."""
        try:
            if ack.callback_query_id is not None:
                query = {"callback_query_id": ack.callback_query_id}
                await self._api.call("answerCallbackQuery", query)
        except DeliveryError as exc:
            if exc.code != "400":
                raise
            # A query older than 15 minutes cannot be answered; nothing is lost.
            logger.info("callback query not answered: %s", exc)
        if ack.message_id is None:
            return
        try:
            edit = {"chat_id": chat_id, "message_id": ack.message_id}
            await self._api.call("editMessageReplyMarkup", edit)
        except DeliveryError as exc:
            if exc.code != "400":
                raise
            # Already edited (a double tap) or deleted: the buttons are gone either way.
            logger.info("buttons not removed: %s", exc)

    @property
    def _bot(self) -> Bot:
        """The next of the channel's clients, in turn."""
        return next(self._turn)

    async def close(self) -> None:
        await self._api.close()
        if self._ready:
            for bot in self._bots:
                await bot.shutdown()
            self._ready = False


def build(resources: Resources) -> Channel | None:
    settings = resources.settings
    if settings.telegram_token is None:
        return None
    return TelegramChannel(
        token=settings.telegram_token.get_secret_value(),
        api_url=settings.telegram_api_url,
        rate=settings.telegram_rate,
        media=resources.media,
    )
