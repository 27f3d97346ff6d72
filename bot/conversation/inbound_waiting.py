"""A platform message stored under a burst, its conversation run later.

`store_waiting` stores the message marked waiting (and a pressed button's
acknowledgement), inside the webhook's unit of work, before its 200; `converse_waiting`
runs the conversation from it later (bot/web/backlog.py) and takes the mark off in the
same transaction as the replies, so the conversation runs once, whoever runs it and
however often it is asked to.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from bot.conversation.inbound import converse, store_statement, stored_values
from bot.conversation.router import DEFAULT_ZONE, Router
from bot.conversation.values import Inbound
from bot.db import core
from bot.domain.outbox import enqueue_many
from bot.domain.relays import Heard, and_heard_from, heard_from_address, heard_from_row
from bot.models import InboundMessage
from bot.outbound import ButtonAck
from bot.precompiled import Precompiled


def store_waiting(
    *,
    session: Session,
    channel: str,
    platform_message_id: str,
    inbound: Inbound | None,
    raw: dict[str, Any],
    now: datetime,
    acknowledgement: ButtonAck | None = None,
) -> int | None:
    """Store one platform message, its conversation left for `converse_waiting`: its id,
    or None when it was received before (a replay). A message the conversation ignores
    (`inbound` None) is stored as `receive` stores it, and waits for nothing. A pressed
    button's acknowledgement is queued now: the button stops spinning at once."""
    connection = core(session)
    values = stored_values(
        channel, platform_message_id, inbound, raw, now, waiting=inbound is not None
    )
    inbound_id: int | None = store_statement(connection.dialect.name).scalar(connection, values)
    if inbound_id is not None and inbound is not None and acknowledgement is not None:
        enqueue_many(
            session=session,
            messages=[("ack", str(inbound_id), acknowledgement)],
            relay=None,  # not looked up under a burst: the address is enough to answer
            address=inbound.address,
            now=now,
            later=True,
        )
    return inbound_id


def converse_waiting(
    *,
    session: Session,
    router: Router,
    channel: str,
    platform_message_id: str,
    inbound_id: int,
    inbound: Inbound,
    received_at: datetime,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> bool:
    """Run the conversation of a message `store_waiting` stored, as `receive` would have
    when it came (its time is the time it was received: an answer that came before a
    question closed counts). False when it no longer waits: run already, elsewhere."""
    connection = core(session)
    heard: Heard | None
    if connection.dialect.name == "postgresql":  # taken and heard from: one round trip
        values = {"waiting_id": inbound_id, "at_address": inbound.address, "now": received_at}
        row = _take_and_hear().first(connection, values)
        if row is None:
            return False
        heard = heard_from_row(session, row[1:])
    else:
        if not take_mark(session, inbound_id):
            return False
        heard = heard_from_address(session=session, address=inbound.address, now=received_at)
    converse(
        session=session,
        router=router,
        channel=channel,
        platform_message_id=platform_message_id,
        inbound_id=inbound_id,
        inbound=inbound,
        heard=heard,
        now=received_at,
        zone=zone,
        acknowledgement=None,  # queued when the message was stored
    )
    return True


def take_mark(session: Session, inbound_id: int) -> bool:
    """Take the waiting mark off a message; whether it was there. A message that will not
    be answered (its payload no longer readable) loses its mark this way too."""
    return _TAKE_WAITING.scalar(core(session), {"waiting_id": inbound_id}) is not None


_TABLE: Table = InboundMessage.__table__  # type: ignore[assignment]
# Takes the mark off a waiting message, and says whether it was there: of two processes
# that both try, the second waits for the first's commit and finds it gone.
_TAKE_WAITING_STATEMENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("waiting_id"), _TABLE.c.waiting)
    .values(waiting=False)
    .returning(_TABLE.c.id)
)
_TAKE_WAITING = Precompiled(_TAKE_WAITING_STATEMENT)


@functools.cache
def _take_and_hear() -> Precompiled:
    """PostgreSQL: the mark taken and the relay heard from in one statement, the relay
    marked only if the mark was there (no row when the message no longer waits)."""
    return Precompiled(and_heard_from(_TAKE_WAITING_STATEMENT, "taken"))
