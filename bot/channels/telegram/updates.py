"""Telegram: an Update into an Inbound (and, for a pressed button, its acknowledgement).

The update is read from its JSON, field by field, rather than through
python-telegram-bot's types. Telegram adds fields and update types several times a
year, and a library that lags behind (a missing file_unique_id or is_bot, a poll
without a new field) would refuse the whole update. Only update_id is required: an
update whose other fields the conversation cannot read is kept raw, and not answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.conversation.values import Choice, Inbound, Media, MediaKind
from bot.outbound import ButtonAck

CHANNEL = "telegram"
MEDIA_URL_PREFIX = "telegram-file:"
ID_LIMIT = 2**63  # Telegram's ids fit in 52 bits; anything past a BIGINT is not an id
FILE_ID_LIMIT = 1000
CONTENT_TYPE_LIMIT = 128
NAME_LIMIT = 128
Fields = dict[str, Any]


class UpdateError(ValueError):
    """A body that is not a Telegram Update."""


@dataclass(frozen=True)
class ParsedUpdate:
    update_id: int
    inbound: Inbound | None
    acknowledgement: ButtonAck | None


def _fields(value: object) -> Fields | None:
    return value if isinstance(value, dict) else None


def _text(value: object, limit: int | None = None) -> str | None:
    if not isinstance(value, str) or (limit is not None and len(value) > limit):
        return None
    return value


def _id(value: object) -> int | None:
    """An integer id (a JSON true is not one), or None."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= ID_LIMIT:
        return None
    return value


def _name(person: Fields | None) -> str | None:
    if person is None:
        return None
    parts = (_text(person.get("first_name")), _text(person.get("last_name")))
    name = " ".join(part for part in parts if part)
    return name[:NAME_LIMIT] or None


def _file(kind: MediaKind, item: object) -> Media | None:
    fields = _fields(item)
    file_id = _text(fields.get("file_id"), FILE_ID_LIMIT) if fields else None
    if fields is None or not file_id:
        return None
    content_type = _text(fields.get("mime_type"), CONTENT_TYPE_LIMIT)
    return Media(kind, MEDIA_URL_PREFIX + file_id, content_type)


def _media(message: Fields) -> tuple[Media, ...]:
    found: list[Media | None] = []
    sizes = message.get("photo")
    if isinstance(sizes, list) and sizes:
        photo = _file(MediaKind.PHOTO, sizes[-1])  # the largest size comes last
        found.append(Media(photo.kind, photo.url) if photo else None)
    video = message.get("video") or message.get("video_note")
    for kind, item in (
        (MediaKind.VOICE, message.get("voice")),
        (MediaKind.AUDIO, message.get("audio")),
        (MediaKind.VIDEO, video),
        (MediaKind.DOCUMENT, message.get("document")),
    ):
        if item is not None:
            found.append(_file(kind, item))
    return tuple(media for media in found if media is not None)


def _callback(query: Fields) -> tuple[Inbound | None, ButtonAck | None]:
    """A pressed button; answered in the chat it was pressed in."""
    query_id = _text(query.get("id"), 256)
    sender = _fields(query.get("from"))
    message = _fields(query.get("message"))
    chat = _fields(message.get("chat")) if message is not None else None
    chat_id = _id(chat.get("id")) if chat is not None else None
    if chat_id is None and message is None and sender is not None:
        chat_id = _id(sender.get("id"))
    if query_id is None or chat_id is None:
        return None, None
    message_id = _id(message.get("message_id")) if message is not None else None
    data = _text(query.get("data"))
    choice = Choice.unpack(data or "")
    inbound = Inbound(
        address=f"{CHANNEL}:{chat_id}",
        choice=choice,
        text=None if choice else data,
        display_name=_name(sender),
    )
    return inbound, ButtonAck(query_id, message_id)


def _reaction(reaction: Fields) -> Inbound | None:
    """Emoji a relay set on one of our messages, in their private chat."""
    chat = _fields(reaction.get("chat"))
    chat_id = _id(chat.get("id")) if chat is not None else None
    message_id = _id(reaction.get("message_id"))
    kinds = reaction.get("new_reaction")
    if chat is None or chat.get("type") != "private" or chat_id is None or message_id is None:
        return None
    emoji = tuple(
        _text(kind.get("emoji"), 64)
        or _text(kind.get("custom_emoji_id"), 64)
        or _text(kind.get("type"), 64)
        or "?"
        for kind in (kinds if isinstance(kinds, list) else [])
        if isinstance(kind, dict)
    )
    return Inbound(address=f"{CHANNEL}:{chat_id}", replied_to=str(message_id), reaction=emoji)


def _message(message: Fields) -> Inbound | None:
    """A message in a private chat; None when its text is not text, or the chat unknown."""
    chat = _fields(message.get("chat"))
    chat_id = _id(chat.get("id")) if chat is not None else None
    if chat is None or chat.get("type") != "private" or chat_id is None:
        return None
    text, caption = message.get("text"), message.get("caption")
    if any(value is not None and not isinstance(value, str) for value in (text, caption)):
        return None
    quoted = _fields(message.get("reply_to_message"))
    quoted_id = _id(quoted.get("message_id")) if quoted is not None else None
    return Inbound(
        address=f"{CHANNEL}:{chat_id}",
        text=_text(text) or _text(caption),
        media=_media(message),
        display_name=_name(_fields(message.get("from"))),
        replied_to=str(quoted_id) if quoted_id is not None else None,
    )


def parse_update(data: object) -> ParsedUpdate:
    """Read a webhook body; only private chats talk to the conversation.

    UpdateError only when there is no usable update_id: anything else is an update,
    understood or kept for later.
    """
    update_id = _id(data.get("update_id")) if isinstance(data, dict) else None
    if not isinstance(data, dict) or update_id is None or update_id < 0:
        raise UpdateError("not a Telegram Update: no integer update_id")
    query = _fields(data.get("callback_query"))
    if query is not None:
        return ParsedUpdate(update_id, *_callback(query))
    reaction = _fields(data.get("message_reaction"))
    if reaction is not None:
        return ParsedUpdate(update_id, _reaction(reaction), None)
    message = _fields(data.get("message"))
    inbound = _message(message) if message is not None else None
    return ParsedUpdate(update_id, inbound, None)
