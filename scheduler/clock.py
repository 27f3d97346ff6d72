"""The clock: APScheduler 3 on the asyncio loop, in UTC, with its jobs registered here."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.orm import Session, sessionmaker

from scheduler import jobs


def register_jobs(scheduler: AsyncIOScheduler, factory: sessionmaker[Session]) -> None:
    """Every periodic job, in one place."""
    common = {"args": [factory], "coalesce": True, "max_instances": 1}
    scheduler.add_job(
        jobs.materialise_calendar,
        "interval",
        seconds=30,
        id="materialise_calendar",
        next_run_time=datetime.now(UTC),  # at start too: a restart catches up at once
        **common,
    )
    scheduler.add_job(
        jobs.requeue_stale_claims, "interval", minutes=1, id="requeue_stale_claims", **common
    )
    scheduler.add_job(
        jobs.forget_erased_addresses, "interval", minutes=5, id="forget_erased_addresses", **common
    )


def build_clock(factory: sessionmaker[Session]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    register_jobs(scheduler, factory)
    return scheduler
