"""What organisers give relays by hand: tags (for audiences) and the organiser role.

The CLI (`relais admin tag|grant|revoke`) and the dashboard's relay page both change a
relay through these, so a tag is cleaned the same way whichever way it was given.
"""

from __future__ import annotations

import re

from bot.i18n import Text, _
from bot.models import Relay, Role

MAX_TAG = 32
# Audiences match tags in the list's JSON text and read "tag=a,b" from one word: a tag is
# one word, with no quote, backslash, comma or =.
_TAG = re.compile(r'^[^"\\\s,=]+$')


class TagRefused(ValueError):
    """A label that cannot be a tag; `reason` says why, in either language."""

    def __init__(self, reason: Text) -> None:
        super().__init__(str(reason))
        self.reason = reason


def clean_tag(label: str) -> str:
    """The tag as stored: trimmed, lower-case; refused when empty, too long, or holding a
    character an audience could not match (quote, backslash, comma, =)."""
    tag = label.strip().lower()
    if not tag or len(tag) > MAX_TAG or not _TAG.match(tag):
        raise TagRefused(
            _(
                "a tag is one word of 1 to {count} characters, without quotes, commas or =",
                count=MAX_TAG,
            )
        )
    return tag


def add_tag(*, relay: Relay, label: str) -> str:
    """Give the relay this tag (once); returns the tag as stored."""
    tag = clean_tag(label)
    relay.tags = sorted({*relay.tags, tag})
    return tag


def remove_tag(*, relay: Relay, label: str) -> None:
    tag = label.strip().lower()
    relay.tags = [kept for kept in relay.tags if kept != tag]


def set_role(*, relay: Relay, role: Role) -> None:
    """Organiser: may broadcast from the chat (/diffuser). Relay: a plain relay again."""
    relay.role = role
