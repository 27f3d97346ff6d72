"""The clock: APScheduler 3 on the asyncio loop, in UTC, with its jobs registered here."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.orm import Session, sessionmaker

from scheduler import claims, jobs

REQUEUE_EVERY = 15.0  # seconds; sooner when the lease is shorter than twice that


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
    """Every periodic job, in one place."""
    common = {"args": [factory], "coalesce": True, "max_instances": 1}
    scheduler.add_job(
        jobs.start_due_broadcasts,
        "interval",
        seconds=30,
        id="start_due_broadcasts",
        kwargs={"zone_name": zone},
        next_run_time=datetime.now(UTC),
        **common,
    )
    scheduler.add_job(
        jobs.materialise_calendar,
        "interval",
        seconds=30,
        id="materialise_calendar",
        next_run_time=datetime.now(UTC),  # at start too: a restart catches up at once
        **common,
    )
    scheduler.add_job(
        jobs.run_contests,
        "interval",
        seconds=30,
        id="run_contests",
        kwargs={"zone_name": zone},
        next_run_time=datetime.now(UTC),
        **common,
    )
    scheduler.add_job(
        jobs.requeue_stale_claims,
        "interval",
        seconds=requeue_interval(lease_seconds),
        id="requeue_stale_claims",
        kwargs={"lease_seconds": lease_seconds, "max_attempts": max_attempts},
        next_run_time=datetime.now(UTC),  # a restart takes back a dead worker's claims
        **common,
    )
    scheduler.add_job(
        jobs.forget_erased_addresses, "interval", minutes=5, id="forget_erased_addresses", **common
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
