"""The outbox: every message that leaves is a delivery row first.

Queueing (one message, or one for every relay of an audience in one INSERT … SELECT),
the claimed delivery a worker holds, and holding a delivery until its relay writes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.conversation.values import Prepared, Reply
from bot.db import core, insert_ignore
from bot.i18n import Text, bilingual
from bot.models import Delivery, DeliveryStatus, JSONDocument, Language, Relay
from bot.outbound import MediaRef, Message, Option, Outbound, to_json
from bot.precompiled import Precompiled


def render(reply: Reply | Prepared, language: Language) -> Message:
    """A reply as the channel-agnostic message the delivery worker sends."""
    if isinstance(reply, Prepared):
        return reply.message

    def text(value: Text | str) -> str:
        if isinstance(value, str):
            return value
        return bilingual(value) if reply.both_languages else value.render(language)

    return Message(
        text=text(reply.text),
        language=language.value,
        prompt=reply.prompt,
        sms_text=text(reply.sms_text) if reply.sms_text is not None else None,
        options=tuple(Option(text(option.label), option.choice.pack()) for option in reply.options),
        media=None if reply.media is None else MediaRef(reply.media.kind.value, reply.media.url),
    )


def enqueue(
    *,
    session: Session,
    source_kind: str,
    source_ref: str,
    message: Outbound,
    relay: Relay | None,
    address: str | None = None,
    not_before: datetime | None = None,
) -> int | None:
    """Queue one message (not to leave before `not_before`, when given); None when the
    same (source, relay) was queued already."""
    if relay is None and address is None:
        raise ValueError("a delivery needs a relay or an address")
    values: dict[str, object] = {
        "relay_id": relay.id if relay is not None else None,
        "address": address,
        "source_kind": source_kind,
        "source_ref": source_ref,
        "payload": to_json(message),
        "status": DeliveryStatus.QUEUED,
    }
    if not_before is not None:
        values["next_attempt_at"] = not_before
    return insert_ignore(
        session,
        Delivery.__table__,  # type: ignore[arg-type]
        values,
        unique=["source_kind", "source_ref", "relay_id"],
    )


def enqueue_many(
    *,
    session: Session,
    messages: list[tuple[str, str, Outbound]],
    relay: Relay | None,
    address: str | None = None,
    now: datetime,
    later: bool = False,
) -> None:
    """Queue several messages (source kind, source ref, message) for one relay or address
    in one statement, each once per (source, relay): a webhook's acknowledgement and
    replies, which were one INSERT each. They are due, and made, at `now`: the message's
    own time, as a post queued by the clock is due at the clock's. With `later`, the
    statement may go with the connection's next one (`Precompiled.later`)."""
    if not messages:
        return
    if relay is None and address is None:
        raise ValueError("a delivery needs a relay or an address")
    relay_id = relay.id if relay is not None else None
    rows = [
        {
            "relay_id": relay_id,
            "address": address,
            "source_kind": kind,
            "source_ref": ref,
            "payload": to_json(message),
            "status": DeliveryStatus.QUEUED,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for kind, ref, message in messages
    ]
    connection = core(session)
    statement = _enqueue_statement(connection.dialect.name)
    (statement.later if later else statement.many)(connection, rows)


@functools.cache
def _enqueue_statement(dialect: str) -> Precompiled:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Table = Delivery.__table__  # type: ignore[assignment]
    given = ["relay_id", "address", "source_kind", "source_ref", "payload", "status"]
    given += ["next_attempt_at", "created_at", "updated_at"]
    return Precompiled(
        insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in given})
        .on_conflict_do_nothing(index_elements=["source_kind", "source_ref", "relay_id"])
    )


def text_message(text: str, language: Language) -> Message:
    """A plain message already written in the relay's language."""
    return Message(text, language.value)


def enqueue_text(
    *, session: Session, source_kind: str, source_ref: str, relay: Relay, text: str
) -> bool:
    """Queue a plain text for one relay, once per (source, relay); True if it was new."""
    queued = enqueue(
        session=session,
        source_kind=source_kind,
        source_ref=source_ref,
        message=text_message(text, relay.language),
        relay=relay,
    )
    return queued is not None


def enqueue_for_relays(
    *,
    session: Session,
    source_kind: str,
    source_ref: str,
    message: Outbound,
    relays: ColumnElement[bool],
    now: datetime,
) -> int:
    """Queue one message for every relay matching `relays`, in one INSERT … SELECT.

    Memory does not grow with the audience, and ON CONFLICT DO NOTHING on (source, relay)
    means running it twice, or from two clocks, queues nothing more. Returns how many.
    """
    rows = select(
        Relay.id,
        literal(source_kind),
        literal(source_ref),
        literal(to_json(message), JSONDocument),
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
    )
    # Counted by the database, not by fetching every new id into Python: that doubled the
    # time of a million-relay fan-out and grew the process by 140 MB (bench/fanout.py).
    # SQLite's rowcount is the rows inserted; psycopg gives none for INSERT … SELECT, so
    # PostgreSQL counts them in a data-modifying WITH.
    if insert is sqlite.insert:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
    queued = statement.returning(literal(1)).cte("queued")
    return int(session.scalar(select(func.count()).select_from(queued)) or 0)


def enqueue_in_each_language(
    *,
    session: Session,
    source_kind: str,
    source_ref: str,
    message: Callable[[Language], Message | None],
    relays: Callable[[Language], ColumnElement[bool]],
    now: datetime,
) -> int:
    """Queue each language's version of a message for the relays who read that language
    (a language with no version is skipped); returns how many were queued."""
    queued = 0
    for language in Language:
        if (version := message(language)) is not None:
            queued += enqueue_for_relays(
                session=session,
                source_kind=source_kind,
                source_ref=source_ref,
                message=version,
                relays=relays(language),
                now=now,
            )
    return queued


HELD_BECAUSE = "waits for the relay to write (outside the platform's window, no template)"


@dataclass(frozen=True)
class Claimed:
    """A delivery a worker has claimed, with what it needs to send it."""

    id: int
    relay_id: int | None
    address: str | None  # channel:identifier, None when the relay's address is gone
    message: Outbound
    attempts: int
    # When the destination last received a message (within the claim's `recent`), if it did.
    last_sent_at: datetime | None = None

    @property
    def channel(self) -> str:
        return (self.address or "").partition(":")[0]

    @property
    def identifier(self) -> str:
        return (self.address or "").partition(":")[2]


def hold(
    *, session: Session, delivery_id: int, code: str | None, reason: str = HELD_BECAUSE
) -> Delivery:
    """Keep a delivery until its relay writes (release_held sends it then)."""
    delivery = session.get_one(Delivery, delivery_id)
    if delivery.status is DeliveryStatus.CANCELLED:
        return delivery  # withdrawn while it was being sent
    delivery.status = DeliveryStatus.HELD
    delivery.error_code = code
    delivery.error = reason
    delivery.claimed_at = None
    return delivery


def release_held(*, session: Session, relay: Relay, now: datetime) -> int:
    """The relay wrote: what was held until they did may go now."""
    result = core(session).execute(_RELEASE_HELD, {"relay": relay.id, "now": now})
    return int(result.rowcount or 0)


# Built once: every inbound message runs it (building it cost more than running it). A
# Core UPDATE on the session's connection: the ORM's bulk UPDATE path cost 4× the statement.
_DELIVERIES: Table = Delivery.__table__  # type: ignore[assignment]
_RELEASE_HELD = (
    update(_DELIVERIES)
    .where(
        _DELIVERIES.c.relay_id == bindparam("relay"),
        _DELIVERIES.c.status == DeliveryStatus.HELD,
    )
    .values(
        status=DeliveryStatus.QUEUED,
        next_attempt_at=bindparam("now", type_=_DELIVERIES.c.next_attempt_at.type),
        error=None,
        error_code=None,
    )
)
