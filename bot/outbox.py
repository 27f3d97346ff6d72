"""Queue outbound messages: every message that leaves is a delivery row first."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.conversation.values import Reply
from bot.db import insert_ignore
from bot.i18n import Text, bilingual
from bot.models import Delivery, DeliveryStatus, Language, Relay


def render(reply: Reply, language: Language) -> dict[str, Any]:
    """A reply as the channel-agnostic payload the delivery worker sends."""
    if reply.payload is not None:
        return reply.payload

    def text(value: Text | str) -> str:
        if isinstance(value, str):
            return value
        return bilingual(value) if reply.both_languages else value.render(language)

    return {
        "language": language.value,
        "prompt": reply.prompt,
        "text": text(reply.text),
        **({"sms_text": text(reply.sms_text)} if reply.sms_text is not None else {}),
        "options": [
            {"label": text(option.label), "data": option.choice.pack()} for option in reply.options
        ],
        "media": None
        if reply.media is None
        else {"kind": reply.media.kind.value, "url": reply.media.url},
    }


def enqueue(
    *,
    session: Session,
    source_kind: str,
    source_ref: str,
    payload: dict[str, Any],
    relay: Relay | None,
    address: str | None = None,
) -> int | None:
    """Queue one message; None when the same (source, relay) was queued already."""
    if relay is None and address is None:
        raise ValueError("a delivery needs a relay or an address")
    return insert_ignore(
        session,
        Delivery.__table__,  # type: ignore[arg-type]
        {
            "relay_id": relay.id if relay is not None else None,
            "address": address,
            "source_kind": source_kind,
            "source_ref": source_ref,
            "payload": payload,
            "status": DeliveryStatus.QUEUED,
        },
        unique=["source_kind", "source_ref", "relay_id"],
    )
