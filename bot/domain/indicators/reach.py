"""Reach: how far each thing sent to an audience (a post, broadcast, contest question or
poll) got, from its deliveries' statuses, in one GROUP BY over its deliveries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.indicators.scope import Scope
from bot.enums import REACHED
from bot.models import Delivery, DeliveryStatus, UTCDateTime

S = DeliveryStatus
DELIVERED = (S.DELIVERED, S.READ)
FAILED = (S.FAILED, S.UNDELIVERED)
PENDING = (S.QUEUED, S.SENDING)
COUNTS = ("audience", "reached", "delivered", "read", "failed", "held", "cancelled", "pending")


@dataclass(frozen=True)
class Reach:
    audience: int = 0
    reached: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    held: int = 0
    cancelled: int = 0
    pending: int = 0
    first_created: datetime | None = None
    last_reached: datetime | None = None  # the last reached delivery's sent_at

    @property
    def time_to_reach(self) -> float | None:
        """Seconds from the first delivery's creation to the last one's sending, once
        none is pending. A held delivery has ended for now: it waits for its relay, maybe
        for good, and would otherwise keep the figure empty."""
        if self.pending or self.first_created is None or self.last_reached is None:
            return None
        return (self.last_reached - self.first_created).total_seconds()


def _count(statuses: Collection[DeliveryStatus]) -> ColumnElement[int]:
    return func.sum(case((Delivery.status.in_(statuses), 1), else_=0))


def reach_of(
    *, session: Session, source_kind: str, refs: Collection[str], scope: Scope
) -> dict[str, Reach]:
    """Each source's reach by its source_ref; a source with no counted delivery is absent."""
    if not refs:
        return {}
    reached_at = case((Delivery.status.in_(REACHED), Delivery.sent_at), else_=None)
    columns: list[ColumnElement[Any]] = [
        func.count(),
        _count(REACHED),
        _count(DELIVERED),
        _count([S.READ]),
        _count(FAILED),
        _count([S.HELD]),
        _count([S.CANCELLED]),
        _count(PENDING),
    ]
    rows = session.execute(
        select(
            Delivery.source_ref,
            *columns,
            func.min(Delivery.created_at, type_=UTCDateTime()),
            func.max(reached_at, type_=UTCDateTime()),
        )
        .where(
            Delivery.source_kind == source_kind,
            Delivery.source_ref.in_(sorted(refs)),
            scope.counts(Delivery.relay_id),
        )
        .group_by(Delivery.source_ref)
    )
    found = {}
    for ref, *counts, first_created, last_reached in rows:
        numbers = dict(zip(COUNTS, (int(count or 0) for count in counts), strict=True))
        found[ref] = Reach(**numbers, first_created=first_created, last_reached=last_reached)
    return found
