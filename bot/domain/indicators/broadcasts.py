"""Broadcasts sent in the period (by their send time): how far each got, and how long it
took to reach everyone it reached. A broadcast belongs to no campaign: naming one does
not narrow them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.broadcasts import SOURCE
from bot.domain.indicators.days import Span
from bot.domain.indicators.figures import BroadcastFigures
from bot.domain.indicators.reach import reach_of
from bot.domain.indicators.scope import Scope
from bot.models import Broadcast


def broadcast_figures(
    *, session: Session, span: Span, scope: Scope
) -> tuple[BroadcastFigures, ...]:
    broadcasts = session.execute(
        select(Broadcast.id, Broadcast.created_at)
        .where(span.holds(Broadcast.send_at))
        .order_by(Broadcast.send_at, Broadcast.id)
    ).all()
    reached = reach_of(
        session=session,
        source_kind=SOURCE,
        refs=[str(broadcast.id) for broadcast in broadcasts],
        scope=scope,
    )
    return tuple(
        BroadcastFigures(
            broadcast_id=broadcast_id,
            created_at=created_at,
            audience=reach.audience,
            reached=reach.reached,
            delivered=reach.delivered,
            read=reach.read,
            failed=reach.failed,
            held=reach.held,
            cancelled=reach.cancelled,
            time_to_reach=reach.time_to_reach,
        )
        for broadcast_id, created_at in broadcasts
        if (reach := reached.get(str(broadcast_id))) is not None
    )
