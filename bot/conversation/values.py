"""Plain values that cross the boundary between a channel and the conversation."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.i18n import Text
from bot.outbound import Message

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data


class ChoiceKind(enum.StrEnum):
    LANGUAGE = "lang"
    PLACE = "place"
    ERASE = "erase"
    AUDIENCE = "aud"
    BROADCAST = "bcast"
    QUIZ = "quiz"  # "<question id>.<choice index>"
    POLL = "poll"  # "<poll id>.<choice index>"
    SHARE = "share"  # "<post id>": the relay says they passed the post on
    REACH = "reach"  # "<post id>.<1|2|6>": how widely (one group, 2 to 5, more than 5)


# "<id>.<index>" in ASCII digits, the id small enough for an INTEGER column.
NUMBERED = frozenset({ChoiceKind.QUIZ, ChoiceKind.POLL})
NUMBERED_VALUE = re.compile(r"[0-9]{1,9}\.[0-9]{1,3}")


@dataclass(frozen=True)
class Choice:
    """A typed button payload, packed as "kind:value" into at most 64 bytes."""

    kind: ChoiceKind
    value: str

    def pack(self) -> str:
        data = f"{self.kind.value}:{self.value}"
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"choice {data!r} is over {CALLBACK_DATA_LIMIT} bytes")
        return data

    @classmethod
    def unpack(cls, data: str) -> Choice | None:
        kind, sep, value = data.partition(":")
        if not sep or not value:
            return None
        try:
            choice = cls(ChoiceKind(kind), value)
        except ValueError:
            return None
        if choice.kind in NUMBERED and not NUMBERED_VALUE.fullmatch(value):
            return None  # what no button of ours carries: "².1", or an id no row can have
        return choice


class MediaKind(enum.StrEnum):
    PHOTO = "photo"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Media:
    kind: MediaKind
    url: str
    content_type: str | None = None


@dataclass(frozen=True)
class Inbound:
    """What a relay sent, whatever the channel: text, a pressed option, media."""

    address: str
    text: str | None = None
    choice: Choice | None = None
    media: tuple[Media, ...] = ()
    display_name: str | None = None
    # The platform's id of a message of ours this one quotes (a reply) or reacts to.
    replied_to: str | None = None
    # Emoji a relay set on `replied_to`: a reaction, which the conversation does not answer.
    reaction: tuple[str, ...] | None = None

    @property
    def channel(self) -> str:
        return self.address.partition(":")[0]


@dataclass(frozen=True)
class Option:
    label: Text | str
    choice: Choice


@dataclass(frozen=True)
class Reply:
    """What the bot answers, before it is rendered in a language and for a channel."""

    text: Text
    options: tuple[Option, ...] = ()
    media: Media | None = None
    both_languages: bool = False
    prompt: str | None = None  # the question this asks (a conversation state), if any
    sms_text: Text | None = None  # a shorter version where every character costs


@dataclass(frozen=True)
class Prepared:
    """Content already in the relay's language (a post, the kit): queued as it is."""

    message: Message
    # Queued under this (kind, ref) rather than as a reply: a post sent with a welcome is
    # the same delivery the clock would make, so it is never made twice.
    source: tuple[str, str] | None = None
