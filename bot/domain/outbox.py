"""Queue outbound messages: every message that leaves is a delivery row first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.conversation.values import Reply
from bot.db import insert_ignore
from bot.i18n import Text, bilingual
from bot.models import Delivery, DeliveryStatus, JSONDocument, Language, Relay


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


def text_payload(text: str, language: Language) -> dict[str, Any]:
    """A plain message already written in the relay's language."""
    return {"language": language.value, "text": text, "options": [], "media": None}


def enqueue_text(
    *, session: Session, source_kind: str, source_ref: str, relay: Relay, text: str
) -> bool:
    """Queue a plain text for one relay, once per (source, relay); True if it was new."""
    payload = text_payload(text, relay.language)
    queued = enqueue(
        session=session,
        source_kind=source_kind,
        source_ref=source_ref,
        payload=payload,
        relay=relay,
    )
    return queued is not None


def enqueue_for_relays(
    *,
    session: Session,
    source_kind: str,
    source_ref: str,
    payload: dict[str, Any],
    relays: ColumnElement[bool],
    now: datetime,
) -> int:
    """Queue one payload for every relay matching `relays`, in one INSERT … SELECT.

    Memory does not grow with the audience, and ON CONFLICT DO NOTHING on (source, relay)
    means running it twice, or from two clocks, queues nothing more. Returns how many.
    """
    rows = select(
        Relay.id,
        literal(source_kind),
        literal(source_ref),
        literal(payload, JSONDocument),
        literal(DeliveryStatus.QUEUED.value),
        literal(0),
        literal(now, Delivery.__table__.c.next_attempt_at.type),
        literal(now, Delivery.__table__.c.created_at.type),
        literal(now, Delivery.__table__.c.updated_at.type),
    ).where(relays)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Delivery)
        .from_select(
            [
                "relay_id",
                "source_kind",
                "source_ref",
                "payload",
                "status",
                "attempts",
                "next_attempt_at",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        .on_conflict_do_nothing(index_elements=["source_kind", "source_ref", "relay_id"])
        .returning(Delivery.id)
    )
    # Counted from RETURNING: psycopg reports no rowcount for INSERT … SELECT.
    return sum(1 for _ in session.execute(statement))
