"""A stored platform message read again, as its webhook read it when it came.

The backlog (bot/web/backlog.py) keeps what each webhook parsed in memory; a message
left waiting by a process that stopped is read again from its stored payload here, with
the same parser and the same settings' checks as its webhook's.
"""

from __future__ import annotations

from typing import Any

from bot.channels.telegram.updates import CHANNEL as TELEGRAM
from bot.channels.telegram.updates import parse_update
from bot.channels.twilio.forms import parse_message
from bot.conversation.values import Inbound
from bot.settings import Settings

TWILIO = ("whatsapp", "sms")


class NotReadable(ValueError):
    """A stored message its channel's parser no longer takes (or an unknown channel)."""


def read_again(channel: str, payload: dict[str, Any] | None, settings: Settings) -> Inbound | None:
    """What the channel's webhook parsed from this payload (None: a message the
    conversation ignores); NotReadable when it cannot be read now. A pressed button's
    acknowledgement was queued when the message was stored."""
    if payload is None:
        raise NotReadable(f"a {channel} message with no payload")
    try:
        if channel == TELEGRAM:
            return parse_update(payload).inbound
        if channel in TWILIO:
            parsed = parse_message(
                payload,
                account_sid=settings.twilio_account_sid or "",
                senders=settings.twilio_senders,
            )
            return parsed.inbound
    except ValueError as exc:  # UpdateError and FormError are ValueErrors
        raise NotReadable(f"a {channel} message no longer readable: {exc}") from exc
    raise NotReadable(f"no webhook reads {channel} messages")
