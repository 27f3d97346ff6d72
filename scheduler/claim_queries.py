"""What a claim reads and marks: the due deliveries, when each relay last received a
message, and the UPDATE that marks them sending (scheduler/claims.py takes the claim).

The statements are built once, with every value a bound parameter: a claim runs every
25-50 messages, and building and cache-keying them afresh cost more than the database
spent running them (a claim of 25 on SQLite: 5.6-5.8 ms of CPU, 1.7-1.9 ms built once).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.db import core
from bot.models import Delivery, DeliveryStatus, Relay

MARK_SENDING = (
    update(Delivery)
    .where(Delivery.id.in_(bindparam("ids", expanding=True)))
    .values(
        status=DeliveryStatus.SENDING,
        claimed_at=bindparam("now", type_=Delivery.__table__.c.claimed_at.type),
        attempts=Delivery.attempts + 1,
    )
)


def _of_kind(attempts: Any, retries: bool) -> ColumnElement[bool]:
    """Retries have been tried before; fresh work (or work handed back untried) has not."""
    return attempts > 0 if retries else attempts == 0  # type: ignore[no-any-return]


def due(
    session: Session, *, now: datetime, limit: int, retries: bool, postgres: bool
) -> list[Row[Any]]:
    """Due deliveries of one kind (fresh, or retries), oldest first, whose destination is
    free and has nothing earlier waiting that this pass does not take.

    Every condition is a look-up by destination (ix_delivery_relay_status), and the
    candidates are walked in id order by ix_delivery_claim (status, attempts, id), so a
    claim reads about `limit` rows however many are queued. (Grouping every waiting row
    by destination first made a claim of 50 take 330 ms with 100,000 queued.)"""
    statement = _due_statement(retries=retries, postgres=postgres)
    return list(core(session).execute(statement, {"now": now, "limit": limit}).all())


@functools.cache
def _due_statement(*, retries: bool, postgres: bool) -> Select[Any]:
    """due()'s statement, built once for each kind and database: built for every claim, it
    cost more than running it (a claim every 25 messages at 1,000/s)."""
    now = bindparam("now", type_=Delivery.__table__.c.next_attempt_at.type)
    other = aliased(Delivery)
    # A relay's deliveries, and those sent to a bare address (someone with no relay row),
    # each in a subquery of its own: an OR of the two would read every row for each.
    relay_busy = select(other.id).where(
        other.relay_id == Delivery.relay_id, other.status == DeliveryStatus.SENDING
    )
    address_busy = select(other.id).where(
        Delivery.relay_id.is_(None),
        other.relay_id.is_(None),
        other.address == Delivery.address,
        other.status == DeliveryStatus.SENDING,
    )
    # An earlier delivery to the same destination that waits and is not taken now (not
    # due, or of the other kind): what comes after it waits too. "Of the other kind" is
    # the other kind's own range (attempts > 0, or = 0), not NOT(this kind): PostgreSQL
    # can find `attempts <> 0` through no index, and once the table was analyzed it read
    # the whole table for it on every claim (20-25 ms with 100,000 queued, against 1-2).
    waits = and_(
        other.status == DeliveryStatus.QUEUED,
        other.id < Delivery.id,
        or_(other.next_attempt_at > now, _of_kind(other.attempts, not retries)),
    )
    relay_waits = select(other.id).where(waits, other.relay_id == Delivery.relay_id)
    address_waits = select(other.id).where(
        waits,
        Delivery.relay_id.is_(None),
        other.relay_id.is_(None),
        other.address == Delivery.address,
    )
    # SQLite, with no statistics, would rather find every due row by ix_delivery_due and
    # sort them all; said to be likely, the condition is checked on the rows walked instead.
    due = Delivery.next_attempt_at <= now
    # As text: a broadcast's rows share one payload, read once a claim (claims.py).
    payload: ColumnElement[Any] = cast(Delivery.payload, Text).label("payload")
    query = (
        select(
            Delivery.id,
            Delivery.relay_id,
            Delivery.address,
            payload,
            Delivery.attempts,
            Relay.status.label("relay_status"),
            Relay.address.label("relay_address"),
        )
        .outerjoin(Relay, Delivery.relay_id == Relay.id)
        .where(
            Delivery.status == DeliveryStatus.QUEUED,
            due if postgres else func.likelihood(due, literal_column("0.9")),
            _of_kind(Delivery.attempts, retries),
            ~relay_busy.exists(),
            ~address_busy.exists(),
            ~relay_waits.exists(),
            ~address_waits.exists(),
        )
        .order_by(Delivery.id)
        .limit(bindparam("limit"))
    )
    if postgres:
        query = query.with_for_update(skip_locked=True, of=Delivery.__table__)
    return query


def last_sent(*, session: Session, relay_ids: set[int], since: datetime) -> dict[int, datetime]:
    """When each of these relays last received a message (not an acknowledgement)."""
    if not relay_ids:
        return {}
    # Asked relay by relay (a correlated subquery): as one GROUP BY over `relay_id IN
    # (…)`, PostgreSQL read the whole table while it had no statistics for it (13-20 ms a
    # claim with 100,000 queued, against about 1 ms); per relay, the index on relay_id is
    # the only sensible way whatever the statistics say.
    rows = core(session).execute(_LAST_SENT, {"since": since, "ids": list(relay_ids)})
    return {relay_id: sent for relay_id, sent in rows if sent is not None}


_LAST_SENT = select(
    Relay.id,
    select(func.max(Delivery.sent_at))
    .where(
        Delivery.relay_id == Relay.id,
        Delivery.sent_at > bindparam("since", type_=Delivery.__table__.c.sent_at.type),
        Delivery.platform_message_id.is_not(None),
    )
    .scalar_subquery(),
).where(Relay.id.in_(bindparam("ids", expanding=True)))
