"""Claim due deliveries and record what became of them.

A claim moves rows from queued to sending in one transaction (FOR UPDATE SKIP LOCKED on
PostgreSQL, so two workers never claim the same row); the outcome of each send is
recorded in its own short transaction.

A claim is a lease: claimed_at says when it was taken or last renewed, and a claim older
than the lease belongs to a worker that died; the clock queues it again. Claims are
taken one at a time (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite) and skip
every destination that already has a delivery in sending: one destination is in one
worker's hands at a time, so its messages go in order and never two at once.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import core
from bot.domain import relays
from bot.domain.outbox import Claimed
from bot.models import Delivery, DeliveryStatus, Relay, RelayStatus
from bot.outbound import Outbound, PayloadError, from_json
from scheduler import claim_queries

MAX_ATTEMPTS = 6  # RELAIS_DELIVERY_MAX_ATTEMPTS
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=30)
STALE_CLAIM = timedelta(seconds=60)  # the lease: RELAIS_DELIVERY_LEASE_SECONDS
# Held for the claim's transaction: claims are taken one after the other, each seeing
# what the previous one marked sending. ("RELAIS" in ASCII.)
CLAIM_LOCK = 0x52454C414953
logger = logging.getLogger(__name__)


def claim(
    *, session: Session, now: datetime, limit: int, recent: timedelta = timedelta(seconds=1)
) -> list[Claimed]:
    """Take up to `limit` due deliveries and mark them sending: fresh work first, oldest
    first, then retries (what failed once already), oldest first, so a failing platform's
    retries never hold back what has not been tried yet.

    A destination with a delivery already in sending (another worker's, or a dead one's
    until its lease ends) is skipped, and so is every delivery behind an earlier one to
    the same destination that is not taken now (a retry not due yet, a platform's
    retry_after for that chat): a destination's messages go in order. Each claimed
    delivery carries when its relay last received a message, if within `recent`, so the
    worker can space messages to one chat.

    The rows are read as plain columns and marked sending by one UPDATE: loaded as ORM
    objects and flushed one UPDATE each, a claim of 50 cost several times more.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(select(func.pg_advisory_xact_lock(CLAIM_LOCK)))
    rows = claim_queries.due(session, now=now, limit=limit, retries=False, postgres=postgres)
    if len(rows) < limit:
        rows += claim_queries.due(
            session, now=now, limit=limit - len(rows), retries=True, postgres=postgres
        )
    last_sent = claim_queries.last_sent(
        session=session,
        relay_ids={row.relay_id for row in rows if row.relay_id is not None},
        since=now - recent,
    )
    claimed = []
    messages: dict[str | None, Outbound | PayloadError] = {}
    for row in rows:
        address = row.address
        erased = row.relay_status is RelayStatus.ERASED
        if address is None and row.relay_status is not None and not erased:
            address = row.relay_address
        message = messages.get(row.payload)
        if message is None:
            message = messages[row.payload] = _read(row.payload)
        if isinstance(message, PayloadError):
            logger.error("delivery %s has no message it can send: %s", row.id, message)
            error = f"unreadable payload: {message}"[:500]
            session.execute(
                update(Delivery)
                .where(Delivery.id == row.id)
                .values(status=DeliveryStatus.FAILED, error=error)
                .execution_options(synchronize_session=False)
            )
            continue
        claimed.append(
            Claimed(
                row.id,
                row.relay_id,
                address,
                message,
                row.attempts + 1,
                last_sent.get(row.relay_id) if row.relay_id is not None else None,
            )
        )
    if claimed:
        core(session).execute(
            claim_queries.MARK_SENDING, {"ids": [item.id for item in claimed], "now": now}
        )
    return claimed


def _read(payload: str | None) -> Outbound | PayloadError:
    """A payload's message, or why it has none. Read once for the rows of a claim that
    share it (a broadcast's): parsed for each row, it was a sixth of a claim's CPU. A
    message is immutable, so its rows share it."""
    try:
        data: Any = json.loads(payload) if payload is not None else None
        return from_json(data)
    except ValueError as exc:  # PayloadError is one
        return exc if isinstance(exc, PayloadError) else PayloadError(f"not JSON: {exc}")


def renew(*, session: Session, ids: list[int], now: datetime) -> int:
    """Extend the lease on claims a live worker still holds."""
    if not ids:
        return 0
    result = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.SENDING)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class Withdrawn(Exception):
    """A claimed delivery was cancelled (its broadcast was) before it went out."""


def still_claimed(factory: sessionmaker[Session], delivery_ids: list[int]) -> set[int]:
    """Which of these are still claimed. Checked before each send waits for its slot (a
    fraction of a second; checked after, the thread hop made sends that left on time reach
    the platform in bunches on a busy host): cancelling a broadcast withdraws its claimed
    deliveries, and those withdrawn by then do not go out. One query for the sends about
    to wait together (scheduler/recorder.py groups them)."""
    with factory() as session:
        return set(core(session).execute(_STILL_SENDING, {"ids": delivery_ids}).scalars())


_TABLE = cast(Table, Delivery.__table__)
# Built once, as the recorder's statement is: built for each check, the statement and its
# cache key cost more than the query (260 µs of CPU a check of one on SQLite, against 130).
_STILL_SENDING = select(_TABLE.c.id).where(
    _TABLE.c.id.in_(bindparam("ids", expanding=True)),
    _TABLE.c.status == DeliveryStatus.SENDING,
)


class Sent(NamedTuple):
    """A send the platform took: recorded with others by mark_all_sent."""

    delivery_id: int
    at: datetime
    platform_id: str | None
    template_sid: str | None = None


_MARK_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("key"))
    .values(
        status=DeliveryStatus.SENT,
        sent_at=bindparam("at"),
        platform_message_id=bindparam("pid"),
        template_sid=bindparam("sid"),
        error=None,
        error_code=None,
    )
)


def mark_all_sent(*, session: Session, sent: list[Sent]) -> None:
    """Record these sends with one statement (executemany): no row is loaded first."""
    if not sent:
        return
    # In id order, as renew() takes its rows: two transactions locking the same rows in
    # opposite orders deadlock on PostgreSQL (the lease renewal saw it).
    rows = [
        {"key": one.delivery_id, "at": one.at, "pid": one.platform_id, "sid": one.template_sid}
        for one in sorted(sent, key=lambda one: one.delivery_id)
    ]
    core(session).execute(_MARK_SENT, rows)


def mark_sent(
    *,
    session: Session,
    item: Claimed,
    now: datetime,
    platform_id: str | None,
    template_sid: str | None = None,
) -> None:
    """One send, recorded as mark_all_sent records a group (no row loaded first)."""
    mark_all_sent(session=session, sent=[Sent(item.id, now, platform_id, template_sid)])


def mark_failed(*, session: Session, item: Claimed, error: str, code: str | None = None) -> None:
    delivery = session.get_one(Delivery, item.id)
    delivery.status = DeliveryStatus.FAILED
    delivery.error = error[:500]
    delivery.error_code = code


def mark_unreachable(
    *, session: Session, item: Claimed, error: str, now: datetime, code: str | None = None
) -> None:
    """The platform refuses this address: fail it, stop the relay's queue, say why."""
    mark_failed(session=session, item=item, error=error, code=code)
    if item.relay_id is not None:
        relay = session.get_one(Relay, item.relay_id)
        reason = f"relay unreachable: {error[:200]}"
        relays.mark_unreachable(session=session, relay=relay, reason=reason, now=now)


def backoff(attempts: int) -> timedelta:
    """Exponential, capped, with jitter so retries of one outage do not arrive together."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * (1 << max(0, attempts - 1)))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def retry_later(
    *,
    session: Session,
    item: Claimed,
    now: datetime,
    error: str,
    delay: timedelta | None = None,
    code: str | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> None:
    """Queue again after `delay` (a platform's retry_after) or a backoff; give up when spent."""
    delivery = session.get_one(Delivery, item.id)
    if delivery.status is DeliveryStatus.CANCELLED:
        return  # withdrawn while it was being sent: it stays withdrawn
    if delay is not None:
        delivery.attempts = max(0, delivery.attempts - 1)  # being slowed down is not a failure
    elif item.attempts >= max_attempts:
        error = f"gave up after {item.attempts} attempts: {error}"
        mark_failed(session=session, item=item, error=error, code=code)
        return
    delivery.error_code = code
    delivery.status = DeliveryStatus.QUEUED
    delivery.next_attempt_at = now + (delay if delay is not None else backoff(item.attempts))
    delivery.claimed_at = None
    delivery.error = error[:500]


def cancel(*, session: Session, item: Claimed, error: str) -> None:
    delivery = session.get_one(Delivery, item.id)
    delivery.status = DeliveryStatus.CANCELLED
    delivery.error = error[:500]


def release(*, session: Session, item: Claimed) -> None:
    """Hand a claim back untouched (an earlier message to the same relay must go first)."""
    delivery = session.get_one(Delivery, item.id)
    if delivery.status is DeliveryStatus.CANCELLED:
        return
    delivery.status = DeliveryStatus.QUEUED
    delivery.attempts = max(0, delivery.attempts - 1)
    delivery.claimed_at = None


def requeue_stale(
    *,
    session: Session,
    now: datetime,
    lease: timedelta = STALE_CLAIM,
    max_attempts: int = MAX_ATTEMPTS,
) -> int:
    """Claims older than the lease belong to a worker that died: queue them again.

    One whose attempts are spent (workers kept dying with it in hand) fails instead:
    nothing is retried forever. Returns how many were queued again.
    """
    expired = (Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - lease)
    session.execute(
        update(Delivery)
        .where(*expired, Delivery.attempts >= max_attempts)
        .values(
            status=DeliveryStatus.FAILED,
            claimed_at=None,
            error=f"gave up after {max_attempts} attempts: the worker sending it stopped",
        )
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        update(Delivery)
        .where(*expired)
        .values(status=DeliveryStatus.QUEUED, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget_erased_addresses(*, session: Session, now: datetime, grace: timedelta) -> int:
    """Drop the address kept on an erased relay's farewell once it has gone out."""
    erased = select(Relay.id).where(Relay.status == RelayStatus.ERASED)
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.relay_id.in_(erased),
            Delivery.address.is_not(None),
            Delivery.status.in_(
                [DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED]
            ),
            Delivery.updated_at < now - grace,
        )
        .values(address=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
