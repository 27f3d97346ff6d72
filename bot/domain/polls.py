"""Anonymous polls: one vote per relay, results only in aggregate and past a threshold.

No function here returns who voted what: results are counts, shown only once at least
`poll.threshold` people answered — overall, or in one place — so no answer can be traced
to a person. There is no per-person export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.models import Poll, Relay, Vote


@dataclass(frozen=True)
class Voted:
    counted: bool  # False: the poll is closed, or a second vote where changes are not allowed
    changed: bool = False


@dataclass(frozen=True)
class Results:
    counts: tuple[int, ...]  # per choice, in the poll's order
    total: int

    def percent(self, choice: int) -> int:
        return round(100 * self.counts[choice] / self.total) if self.total else 0


def is_open(poll: Poll, now: datetime) -> bool:
    return poll.opens_at <= now < poll.closes_at


def vote(*, session: Session, poll: Poll, relay: Relay, choice: int, now: datetime) -> Voted:
    """Count this relay's vote once; change it if the poll allows, until it closes."""
    if not 0 <= choice < len(poll.choices):
        raise ValueError("no such choice")
    if not is_open(poll, now):
        return Voted(counted=False)
    inserted = insert_ignore(
        session,
        Vote.__table__,  # type: ignore[arg-type]
        {
            "poll_id": poll.id,
            "relay_id": relay.id,
            "choice": choice,
            "voted_at": now,
            "updated_at": now,
        },
        unique=["poll_id", "relay_id"],
    )
    if inserted is not None:
        return Voted(counted=True)
    if not poll.changeable:
        return Voted(counted=False)
    session.execute(
        update(Vote)
        .where(Vote.poll_id == poll.id, Vote.relay_id == relay.id)
        .values(choice=choice, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return Voted(counted=True, changed=True)


def results(*, session: Session, poll: Poll, place: str | None = None) -> Results | None:
    """The counts per choice (in one place if given), or None below the threshold."""
    query = select(Vote.choice, func.count()).where(Vote.poll_id == poll.id)
    if place is not None:
        query = query.join(Relay, Vote.relay_id == Relay.id).where(Relay.place == place)
    found = {choice: count for choice, count in session.execute(query.group_by(Vote.choice))}
    total = sum(found.values())
    if total < max(1, poll.threshold):
        return None
    return Results(tuple(int(found.get(index, 0)) for index in range(len(poll.choices))), total)


def results_by_place(*, session: Session, poll: Poll) -> dict[str, Results]:
    """The counts in each place where the threshold is reached there; other places are
    left out, so a small place's answers stay untraceable."""
    voted_in = session.scalars(
        select(Relay.place)
        .join(Vote, Vote.relay_id == Relay.id)
        .where(Vote.poll_id == poll.id, Relay.place.is_not(None))
        .distinct()
        .order_by(Relay.place)
    )
    found = {}
    for place in voted_in:
        shown = results(session=session, poll=poll, place=place) if place else None
        if place and shown is not None:
            found[place] = shown
    return found


def answer_count(*, session: Session, poll: Poll) -> int:
    """How many relays answered (a number, never who)."""
    return int(session.scalar(select(func.count()).where(Vote.poll_id == poll.id)) or 0)
