"""Twilio's webhook form (WhatsApp and SMS alike) into an Inbound: plain form handling.

Every field read is checked first (shapes.py): the form is signed in a way that lets
fields be spliced, so only a form shaped as Twilio shapes it is believed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.addresses import WHATSAPP_USER_ID
from bot.channels.twilio import shapes
from bot.channels.twilio.shapes import FormError, NotOurs
from bot.conversation.values import Choice, Inbound, Media, MediaKind

__all__ = ["FormError", "NotOurs", "ParsedMessage", "address_of", "parse_message"]
_SEPARATORS = re.compile(r"[\s().-]")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
NAME_LIMIT = 128  # WhatsApp profile names are far shorter; the column is this wide
URL_LIMIT = 1024


def normalise_number(raw: str) -> str:
    """+223 70-00-00-01, 0022370000001 → +22370000001 (E.164), or FormError."""
    number = _SEPARATORS.sub("", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _E164.fullmatch(number):
        raise FormError("not a phone number in international format")
    return number


def address_of(sender: str) -> str:
    """whatsapp:+223… stays WhatsApp; a bare number is SMS.

    Since 2026 WhatsApp may name a user by a business-scoped user ID (whatsapp:US.1234)
    rather than a phone number: that is their address, as the platform gives it.
    """
    if sender.startswith("whatsapp:"):
        identifier = sender.removeprefix("whatsapp:")
        if WHATSAPP_USER_ID.fullmatch(identifier):
            return sender
        return "whatsapp:" + normalise_number(identifier)
    return "sms:" + normalise_number(sender)


def _media_kind(content_type: str) -> MediaKind:
    major = content_type.split("/", 1)[0]
    return {
        "image": MediaKind.PHOTO,
        "audio": MediaKind.VOICE,  # WhatsApp voice notes arrive as audio/ogg
        "video": MediaKind.VIDEO,
    }.get(major, MediaKind.DOCUMENT)


@dataclass(frozen=True)
class ParsedMessage:
    message_sid: str
    inbound: Inbound


def _web_url(value: str | None) -> str | None:
    """A media URL Twilio gives (https://api.twilio.com/…); anything else is not kept."""
    if not value or len(value) > URL_LIMIT:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.hostname else None


def _media(form: Mapping[str, str]) -> tuple[Media, ...]:
    found = []
    for index in range(shapes.media_count(form)):
        kind = shapes.content_type(form, index)
        url = _web_url(form.get(f"MediaUrl{index}"))
        if kind and url:
            found.append(Media(_media_kind(kind), url, kind))
    return tuple(found)


def parse_message(
    form: Mapping[str, str], *, account_sid: str, senders: Collection[str]
) -> ParsedMessage:
    """An incoming message, once its form is checked field by field; FormError if not."""
    shapes.check_keys(form)
    shapes.check_account(form, account_sid)
    shapes.check_sender(form.get("To", ""), senders, "To")
    sid = shapes.message_sid(form)
    sender = form.get("From", "")
    if not sender:
        raise FormError("From is required")
    if sender.startswith("whatsapp:") != form["To"].startswith("whatsapp:"):
        raise FormError("From and To are not on the same channel")
    media = _media(form)
    replied_to = shapes.optional_sid(form, "OriginalRepliedMessageSid")
    payload = form.get("ButtonPayload")
    choice = Choice.unpack(payload) if payload else None
    text = form.get("Body") or None
    if choice is None and payload and not text:
        text = form.get("ButtonText") or payload
    inbound = Inbound(
        address=address_of(sender),
        text=None if choice else text,
        choice=choice,
        media=media,
        display_name=(form.get("ProfileName") or "")[:NAME_LIMIT] or None,
        # WhatsApp tells which of our messages a relay answered with "reply".
        replied_to=replied_to,
    )
    return ParsedMessage(sid, inbound)
