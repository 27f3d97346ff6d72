"""The clock's jobs. Each run is one unit of work; running two clocks changes nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.contests import tick
from scheduler import calendar, claims

logger = logging.getLogger(__name__)

ERASED_ADDRESS_GRACE = timedelta(minutes=10)


def requeue_stale_claims(
    factory: sessionmaker[Session],
    lease_seconds: float = claims.STALE_CLAIM.total_seconds(),
    max_attempts: int = claims.MAX_ATTEMPTS,
) -> None:
    """Give back to the queue what a dead worker had claimed (its lease ran out)."""
    with unit_of_work(factory) as session:
        count = claims.requeue_stale(
            session=session,
            now=datetime.now(UTC),
            lease=timedelta(seconds=lease_seconds),
            max_attempts=max_attempts,
        )
    if count:
        logger.warning("requeued %d deliveries claimed by a worker that stopped", count)


def forget_erased_addresses(factory: sessionmaker[Session]) -> None:
    """Finish erasures: the farewell has gone, its address goes too."""
    with unit_of_work(factory) as session:
        claims.forget_erased_addresses(
            session=session, now=datetime.now(UTC), grace=ERASED_ADDRESS_GRACE
        )


def materialise_calendar(factory: sessionmaker[Session]) -> None:
    """Queue every post that is due for the relays who do not have it yet."""
    with unit_of_work(factory) as session:
        calendar.materialise_due(session=session, now=datetime.now(UTC))


def start_due_broadcasts(factory: sessionmaker[Session], zone_name: str = "Africa/Bamako") -> None:
    """Queue the broadcasts whose time has come; mark done those that reached everyone."""
    with unit_of_work(factory) as session:
        now = datetime.now(UTC)
        count = broadcasts.start_due(session=session, now=now, zone=ZoneInfo(zone_name))
        broadcasts.settle(session=session, now=now)
    if count:
        logger.info("scheduled broadcasts queued for %d relays", count)


def run_contests(factory: sessionmaker[Session], zone_name: str = "Africa/Bamako") -> None:
    """Open and close contests and polls on time; send questions, polls and results."""
    with unit_of_work(factory) as session:
        done = tick.tick(session=session, now=datetime.now(UTC), zone=ZoneInfo(zone_name))
    if done.queued:
        logger.info(
            "contests and polls: %d questions, %d contest results, %d polls, %d poll results",
            done.questions,
            done.contest_results,
            done.polls,
            done.poll_results,
        )
