"""The clock's jobs: each registered once, each running on its interval, none paused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from scheduler.clock import build_clock


def test_every_job_is_scheduled_and_the_catch_up_jobs_run_at_start(
    factory: sessionmaker[Session],
) -> None:
    async def scheduled() -> dict[str, datetime | None]:
        clock = build_clock(factory, lease_seconds=10)
        clock.start(paused=True)  # registered and timed, but nothing runs in this test
        try:
            return {job.id: job.next_run_time for job in clock.get_jobs()}
        finally:
            clock.shutdown(wait=False)

    started = datetime.now(UTC)
    runs = asyncio.run(scheduled())
    assert set(runs) == {
        "start_due_broadcasts",
        "materialise_calendar",
        "run_contests",
        "requeue_stale_claims",
        "forget_erased_addresses",
        "watch_due",
    }
    assert all(at is not None for at in runs.values()), runs  # None would be a paused job
    soon = started + timedelta(seconds=5)
    assert all(runs[job] <= soon for job in runs if job != "forget_erased_addresses")  # type: ignore[operator]
    later = runs["forget_erased_addresses"]
    assert later is not None
    assert later >= started + timedelta(minutes=4)
