"""Claim due deliveries and record what became of them.

A claim moves rows from queued to sending in one transaction (FOR UPDATE SKIP LOCKED on
PostgreSQL, so two workers never claim the same row); the outcome of each send is
recorded in its own short transaction.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.delivery_status import apply_early_callbacks
from bot.models import Delivery, DeliveryStatus, Relay, RelayStatus
from bot.relays import cancel_queued

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(minutes=30)
STALE_CLAIM = timedelta(minutes=5)


@dataclass(frozen=True)
class Claimed:
    id: int
    relay_id: int | None
    address: str | None  # channel:identifier, None when the relay's address is gone
    payload: dict[str, Any]
    attempts: int

    @property
    def channel(self) -> str:
        return (self.address or "").partition(":")[0]

    @property
    def identifier(self) -> str:
        return (self.address or "").partition(":")[2]


def claim(*, session: Session, now: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due deliveries, oldest first, and mark them sending."""
    query = (
        select(Delivery, Relay)
        .outerjoin(Relay, Delivery.relay_id == Relay.id)
        .where(Delivery.status == DeliveryStatus.QUEUED, Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Delivery)
    claimed = []
    for delivery, relay in session.execute(query):
        address = delivery.address
        if address is None and relay is not None and relay.status is not RelayStatus.ERASED:
            address = relay.address
        delivery.status = DeliveryStatus.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        claimed.append(
            Claimed(delivery.id, delivery.relay_id, address, delivery.payload, delivery.attempts)
        )
    session.flush()
    return claimed


def mark_sent(
    *,
    session: Session,
    item: Claimed,
    now: datetime,
    platform_id: str | None,
    template_sid: str | None = None,
    nudge_templates: Mapping[str, str] | None = None,
) -> None:
    delivery = session.get_one(Delivery, item.id)
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.platform_message_id = platform_id
    delivery.template_sid = template_sid
    delivery.error = None
    delivery.error_code = None
    apply_early_callbacks(
        session=session, delivery=delivery, now=now, nudge_templates=nudge_templates or {}
    )


def mark_failed(*, session: Session, item: Claimed, error: str, code: str | None = None) -> None:
    delivery = session.get_one(Delivery, item.id)
    delivery.status = DeliveryStatus.FAILED
    delivery.error = error[:500]
    delivery.error_code = code


def mark_unreachable(
    *, session: Session, item: Claimed, error: str, code: str | None = None
) -> None:
    """The platform refuses this address: fail it, stop the relay's queue, say why."""
    mark_failed(session=session, item=item, error=error, code=code)
    if item.relay_id is None:
        return
    relay = session.get_one(Relay, item.relay_id)
    if relay.status is RelayStatus.ACTIVE:
        relay.status = RelayStatus.UNREACHABLE
    session.flush()
    cancel_queued(session=session, relay=relay, reason=f"relay unreachable: {error[:200]}")


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
) -> None:
    """Queue again after `delay` (a platform's retry_after) or a backoff; give up when spent."""
    delivery = session.get_one(Delivery, item.id)
    if delay is not None:
        delivery.attempts = max(0, delivery.attempts - 1)  # being slowed down is not a failure
    elif item.attempts >= MAX_ATTEMPTS:
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
    delivery.status = DeliveryStatus.QUEUED
    delivery.attempts = max(0, delivery.attempts - 1)
    delivery.claimed_at = None


def requeue_stale(*, session: Session, now: datetime) -> int:
    """Claims older than STALE_CLAIM belong to a worker that died: queue them again."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < now - STALE_CLAIM)
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
