"""The clock: APScheduler 3 on the asyncio loop, in UTC, with its jobs registered here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.util import undefined
from sqlalchemy.orm import Session, sessionmaker

from scheduler import claims, due, jobs

logger = logging.getLogger(__name__)

REQUEUE_EVERY = 15.0  # seconds; sooner when the lease is shorter than twice that
# How often the clock looks for the next due item: what is known earlier than this leaves
# on the dot, what is created closer to its time leaves at most this late.
WATCH_EVERY = 1.5


def requeue_interval(lease_seconds: float) -> float:
    """How often expired claims are looked for: every 15 s, or half a short lease."""
    return min(REQUEUE_EVERY, max(1.0, lease_seconds / 2))


def register_jobs(
    scheduler: AsyncIOScheduler,
    factory: sessionmaker[Session],
    *,
    lease_seconds: float = claims.STALE_CLAIM.total_seconds(),
    max_attempts: int = claims.MAX_ATTEMPTS,
    zone: str = "Africa/Bamako",
) -> None:
    """Every periodic job, in one place: how often, with what, and whether it runs at start
    too (a restart catches up at once, and takes back a dead worker's claims)."""
    table: tuple[tuple[Callable[..., None], float, dict[str, object], bool], ...] = (
        (jobs.start_due_broadcasts, 30, {"zone_name": zone}, True),
        (jobs.materialise_calendar, 30, {}, True),
        (jobs.run_contests, 30, {"zone_name": zone}, True),
        (
            jobs.requeue_stale_claims,
            requeue_interval(lease_seconds),
            {"lease_seconds": lease_seconds, "max_attempts": max_attempts},
            True,
        ),
        (jobs.forget_erased_addresses, 300, {}, False),
    )
    scheduler.add_job(
        watch_due,
        "interval",
        seconds=WATCH_EVERY,
        id=watch_due.__name__,
        args=[scheduler, factory, zone],
        coalesce=True,
        max_instances=1,
    )
    for job, seconds, kwargs, at_start in table:
        scheduler.add_job(
            job,
            "interval",
            seconds=seconds,
            id=job.__name__,
            args=[factory],
            kwargs=kwargs,
            coalesce=True,
            max_instances=1,
            # APScheduler reads next_run_time=None as "paused": leave it unset instead.
            next_run_time=datetime.now(UTC) if at_start else undefined,
        )


def run_due(factory: sessionmaker[Session], zone: str) -> None:
    """Everything that may have fallen due: broadcasts, posts, contests and polls."""
    for job in (jobs.start_due_broadcasts, jobs.run_contests):
        job(factory, zone_name=zone)
    jobs.materialise_calendar(factory)


def watch_due(scheduler: AsyncIOScheduler, factory: sessionmaker[Session], zone: str) -> None:
    """Wake for the next due item: run now what fell due since the last look, and set an
    alarm for what comes next."""
    now = datetime.now(UTC)
    with factory() as session:
        # Looking a little back catches what was created due between two looks; running
        # it twice is harmless (every step is idempotent).
        at = due.next_due(session=session, after=now - timedelta(seconds=2 * WATCH_EVERY))
    if at is None:
        return
    if at <= now:
        run_due(factory, zone)
        return
    scheduler.add_job(
        run_due,
        "date",
        run_date=at,
        id="run_due",
        args=[factory, zone],
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=None,
    )


def build_clock(
    factory: sessionmaker[Session],
    *,
    lease_seconds: float = claims.STALE_CLAIM.total_seconds(),
    max_attempts: int = claims.MAX_ATTEMPTS,
    zone: str = "Africa/Bamako",
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    register_jobs(
        scheduler, factory, lease_seconds=lease_seconds, max_attempts=max_attempts, zone=zone
    )
    return scheduler
