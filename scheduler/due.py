"""When something is next due: the clock wakes then, rather than at its next fixed tick.

Due times are a broadcast's send_at, a post's time, a contest's or a poll's opening and
closing, and the end of quiet hours (what they held leaves then).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import quiet_hours
from bot.models import Broadcast, BroadcastState, Contest, ContestState, Poll, PostRow, PostStatus


def next_due(*, session: Session, after: datetime) -> datetime | None:
    """The first time after `after` at which something falls due, if anything does."""
    queries = (
        select(func.min(Broadcast.send_at)).where(
            Broadcast.state == BroadcastState.SCHEDULED, Broadcast.send_at > after
        ),
        select(func.min(PostRow.scheduled_at)).where(
            PostRow.status == PostStatus.READY, PostRow.scheduled_at > after
        ),
        select(func.min(Contest.opens_at)).where(
            Contest.state == ContestState.DRAFT, Contest.opens_at > after
        ),
        select(func.min(Contest.closes_at)).where(
            Contest.state != ContestState.CLOSED, Contest.closes_at > after
        ),
        select(func.min(Poll.opens_at)).where(Poll.opens_at > after),
        select(func.min(Poll.closes_at)).where(
            Poll.results_sent_at.is_(None), Poll.closes_at > after
        ),
    )
    found = [at for query in queries if (at := session.scalar(query)) is not None]
    found += quiet_hours.next_ends(session=session, now=after)
    return min((_aware(at, after) for at in found), default=None)


def _aware(at: datetime, like: datetime) -> datetime:
    # SQLite gives naive UTC back.
    return at if at.tzinfo is not None else at.replace(tzinfo=like.tzinfo)
