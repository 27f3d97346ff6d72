"""Telegram: an Update into an Inbound (and, for a pressed button, its acknowledgement).

Parsing uses python-telegram-bot's types, so what Telegram sends is read as the library
reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import ChatType

from bot.conversation.values import Choice, Inbound, Media, MediaKind
from bot.outbound import ButtonAck

CHANNEL = "telegram"
MEDIA_URL_PREFIX = "telegram-file:"


class UpdateError(ValueError):
    """A body that is not a Telegram Update."""


@dataclass(frozen=True)
class ParsedUpdate:
    update_id: int
    inbound: Inbound | None
    acknowledgement: ButtonAck | None


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
        ack = ButtonAck(query.id, message.message_id if message is not None else None)
        choice = Choice.unpack(query.data or "")
        inbound = Inbound(
            address=f"{CHANNEL}:{chat_id}",
            choice=choice,
            text=None if choice else query.data,
            display_name=_name(query.from_user.first_name, query.from_user.last_name),
        )
        return ParsedUpdate(update.update_id, inbound, ack)

    reaction = update.message_reaction
    if reaction is not None:
        if reaction.chat.type != ChatType.PRIVATE:
            return ParsedUpdate(update.update_id, None, None)
        emoji = tuple(
            getattr(kind, "emoji", None) or getattr(kind, "custom_emoji_id", None) or kind.type
            for kind in reaction.new_reaction
        )
        inbound = Inbound(
            address=f"{CHANNEL}:{reaction.chat.id}",
            replied_to=str(reaction.message_id),
            reaction=emoji,
        )
        return ParsedUpdate(update.update_id, inbound, None)

    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return ParsedUpdate(update.update_id, None, None)
    sender = message.from_user
    quoted = message.reply_to_message
    inbound = Inbound(
        address=f"{CHANNEL}:{message.chat.id}",
        text=message.text or message.caption,
        media=_media(message),
        display_name=_name(sender.first_name, sender.last_name) if sender else None,
        replied_to=str(quoted.message_id) if quoted is not None else None,
    )
    return ParsedUpdate(update.update_id, inbound, None)
