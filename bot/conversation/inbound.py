"""Take in one platform message: store it once, run the conversation, queue the replies.

Every channel's webhook calls `receive` inside its request's unit of work, so the
inbound row, the relay's changes and the queued replies commit together or not at all.
Under a burst a webhook stores the message to wait instead (inbound_waiting.py).
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.addresses import mask
from bot.conversation.router import DEFAULT_ZONE, Context, Router
from bot.conversation.values import Inbound, Prepared
from bot.conversation.words import Command, match_command
from bot.db import core
from bot.domain.interactions import record_reply_or_reaction
from bot.domain.outbox import enqueue_many, release_held, render
from bot.domain.relays import (
    Heard,
    and_heard_from,
    heard_from_address,
    heard_from_row,
    reachable_again,
)
from bot.models import InboundMedia, InboundMessage, Language, Relay, RelayStatus
from bot.outbound import ButtonAck, Outbound
from bot.precompiled import Precompiled

logger = logging.getLogger(__name__)


def _text(inbound: Inbound | None) -> str | None:
    if inbound is None:
        return None
    if inbound.reaction is not None:
        return " ".join(inbound.reaction)
    return inbound.choice.pack() if inbound.choice is not None else inbound.text


def _kind(inbound: Inbound | None) -> str:
    if inbound is None:
        return "other"
    if inbound.choice is not None:
        return "choice"
    if inbound.reaction is not None:
        return "reaction"
    return "media" if inbound.media and not inbound.text else "message"


def _is_share_word(inbound: Inbound) -> bool:
    """A quoting "PARTAGÉ" is the post's share (handlers/share.py), not also a reply."""
    matched = match_command(inbound.text or "")
    return matched is not None and matched[0] is Command.SHARED


def receive(
    *,
    session: Session,
    router: Router,
    channel: str,
    platform_message_id: str,
    inbound: Inbound | None,
    raw: dict[str, Any],
    now: datetime,
    acknowledgement: ButtonAck | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> bool:
    """Handle one platform message; False when it was received before (a replay).

    `inbound` is None for platform events the conversation ignores (they are kept raw).
    `acknowledgement` is queued before the replies (Telegram: answer the callback query
    so the button stops spinning).
    """
    connection = core(session)
    values = stored_values(channel, platform_message_id, inbound, raw, now, waiting=False)
    heard: Heard | None = None
    if inbound is not None and connection.dialect.name == "postgresql":
        # Stored and, when new, its relay found and marked as heard from: one round trip.
        values.update(at_address=inbound.address, now=now)
        row = _store_and_hear().first(connection, values)
        inbound_id = row[0] if row is not None else None
        if row is not None:
            heard = heard_from_row(session, row[1:])
    else:
        inbound_id = store_statement(connection.dialect.name).scalar(connection, values)
        if inbound_id is not None and inbound is not None:
            # Found and marked as heard from, once the message is known to be new.
            heard = heard_from_address(session=session, address=inbound.address, now=now)
    if inbound_id is None:
        logger.info("replayed %s message %s acknowledged", channel, platform_message_id)
        return False
    if inbound is None:
        return True
    converse(
        session=session,
        router=router,
        channel=channel,
        platform_message_id=platform_message_id,
        inbound_id=inbound_id,
        inbound=inbound,
        heard=heard,
        now=now,
        zone=zone,
        acknowledgement=acknowledgement,
    )
    return True


def stored_values(
    channel: str,
    platform_message_id: str,
    inbound: Inbound | None,
    raw: dict[str, Any],
    now: datetime,
    *,
    waiting: bool,
) -> dict[str, Any]:
    """store_statement's parameters for one message."""
    return {
        "message_channel": channel,
        "message_platform_id": platform_message_id,
        "message_address": inbound.address if inbound else None,
        "relay_address": inbound.address if inbound else None,
        "message_kind": _kind(inbound),
        "message_text": _text(inbound),
        "message_payload": raw,
        "message_at": now,
        "message_waiting": waiting,
    }


def converse(
    *,
    session: Session,
    router: Router,
    channel: str,
    platform_message_id: str,
    inbound_id: int,
    inbound: Inbound,
    heard: Heard | None,
    now: datetime,
    zone: ZoneInfo,
    acknowledgement: ButtonAck | None,
) -> None:
    """What follows the storing of a new message: the relay's changes, the conversation,
    the media kept, the replies queued."""
    relay = heard.relay if heard is not None else None
    if heard is not None:
        reachable_again(session=session, relay=heard.relay, now=now)
        if heard.held:  # their window is open again
            release_held(session=session, relay=heard.relay, now=now)
        if inbound.replied_to is not None and not _is_share_word(inbound):
            record_reply_or_reaction(
                session=session,
                relay=heard.relay,
                replied_to=inbound.replied_to,
                reaction=inbound.reaction,
                inbound_key=f"{channel}:{platform_message_id}",
                now=now,
            )
    if inbound.reaction is not None:
        return  # a reaction is kept, never answered
    ctx = Context(
        session=session, inbound=inbound, relay=relay, now=now, zone=zone, inbound_id=inbound_id
    )
    router.dispatch(ctx)
    if ctx.relay is not relay:  # they joined just now: the stored message is theirs
        _link_new_relay(session, inbound_id, ctx)
    _keep_media(session, inbound_id, inbound, ctx, now)
    _queue_replies(session, inbound_id, inbound, ctx, acknowledgement)
    logger.info(
        "%s message %s from %s handled, %d replies",
        channel,
        platform_message_id,
        mask(inbound.address),
        len(ctx.replies),
    )


@functools.cache
def _store_statement(dialect: str) -> Any:
    """INSERT the inbound message unless (channel, platform message id) is stored; its
    relay_id is the relay at its address, looked up inside the same statement."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Table = InboundMessage.__table__  # type: ignore[assignment]
    relay_at_address = (
        select(Relay.id).where(Relay.address == bindparam("relay_address")).scalar_subquery()
    )
    # Parameters named after no column of either table: a statement executed with a
    # parameter named like a column of its table would also set that column (the UPDATE
    # of the relay in _store_and_hear_statement would have taken "address" and "channel").
    given = {
        "channel": "message_channel",
        "platform_message_id": "message_platform_id",
        "address": "message_address",
        "kind": "message_kind",
        "text": "message_text",
        "payload": "message_payload",
        "received_at": "message_at",
        "waiting": "message_waiting",
    }
    return (
        insert(table)
        .values(
            {
                **{
                    column: bindparam(name, type_=table.c[column].type)
                    for column, name in given.items()
                },
                "relay_id": relay_at_address,
            }
        )
        .on_conflict_do_nothing(index_elements=["channel", "platform_message_id"])
        .returning(table.c.id)
    )


@functools.cache
def store_statement(dialect: str) -> Precompiled:
    """INSERT one message unless it is stored; its id, or None for a replay."""
    return Precompiled(_store_statement(dialect))


@functools.cache
def _store_and_hear() -> Precompiled:
    return Precompiled(_store_and_hear_statement())


@functools.cache
def _store_and_hear_statement() -> Any:
    """PostgreSQL: _store_statement and HEARD_FROM_ADDRESS in one statement; the relay is
    marked only if the message was new (no row for a replay)."""
    return and_heard_from(_store_statement("postgresql"), "stored")


def _link_new_relay(session: Session, inbound_id: int, ctx: Context) -> None:
    relay = ctx.relay
    if relay is not None and relay.status is not RelayStatus.ERASED:
        linked = session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == inbound_id, InboundMessage.relay_id.is_(None))
            .values(relay_id=relay.id)
            .execution_options(synchronize_session=False)
        )
        if linked.rowcount:  # type: ignore[attr-defined]
            relay.last_inbound_at = ctx.now


def _keep_media(
    session: Session, inbound_id: int, inbound: Inbound, ctx: Context, now: datetime
) -> None:
    """Pictures, voice notes and videos are testimonies: keep where to find them."""
    relay = ctx.known_relay
    for media in inbound.media:
        session.add(
            InboundMedia(
                inbound_id=inbound_id,
                relay_id=relay.id if relay is not None else None,
                kind=media.kind.value,
                url=media.url[:1024],
                content_type=media.content_type,
                received_at=now,
            )
        )


def _queue_replies(
    session: Session,
    inbound_id: int,
    inbound: Inbound,
    ctx: Context,
    acknowledgement: ButtonAck | None,
) -> None:
    relay = ctx.relay
    language = relay.language if relay is not None else Language.FR
    # Someone who has not joined has no relay row, and an erased relay's address is gone
    # from its row: the delivery carries the address itself until it is sent.
    keep_address = relay is None or relay.status is RelayStatus.ERASED
    address = inbound.address if keep_address else None
    messages: list[tuple[str, str, Outbound]] = []
    if acknowledgement is not None:
        messages.append(("ack", str(inbound_id), acknowledgement))
    for index, reply in enumerate(ctx.replies):
        source = reply.source if isinstance(reply, Prepared) else None
        kind, ref = source or ("reply", f"{inbound_id}.{index}")
        messages.append((kind, ref, render(reply, language)))
    # One statement for all of them, in this order (the worker sends by id); nothing of
    # this message reads them back, so on PostgreSQL they go with the next statement.
    enqueue_many(
        session=session,
        messages=messages,
        relay=relay,
        address=address,
        now=ctx.now,
        later=True,
    )
