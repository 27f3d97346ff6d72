"""Twilio's webhook form (WhatsApp and SMS alike) into an Inbound: plain form handling."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.conversation.values import Choice, Inbound, Media, MediaKind

_SEPARATORS = re.compile(r"[\s().-]")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class FormError(ValueError):
    """A webhook form that is not an incoming Twilio message."""


def normalise_number(raw: str) -> str:
    """+223 70-00-00-01, 0022370000001 → +22370000001 (E.164), or FormError."""
    number = _SEPARATORS.sub("", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _E164.fullmatch(number):
        raise FormError("not a phone number in international format")
    return number


def address_of(sender: str) -> str:
    """whatsapp:+223… stays WhatsApp; a bare number is SMS."""
    if sender.startswith("whatsapp:"):
        return "whatsapp:" + normalise_number(sender.removeprefix("whatsapp:"))
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


def parse_message(form: dict[str, str]) -> ParsedMessage:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    sender = form.get("From", "")
    if not sid or not sender:
        raise FormError("MessageSid and From are required")
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError as exc:
        raise FormError("NumMedia is not a number") from exc
    media = tuple(
        Media(_media_kind(kind), form[f"MediaUrl{index}"], kind)
        for index in range(min(count, 10))
        if form.get(f"MediaUrl{index}") and (kind := form.get(f"MediaContentType{index}", ""))
    )
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
        display_name=(form.get("ProfileName") or None),
        # WhatsApp tells which of our messages a relay answered with "reply".
        replied_to=form.get("OriginalRepliedMessageSid") or None,
    )
    return ParsedMessage(sid, inbound)
