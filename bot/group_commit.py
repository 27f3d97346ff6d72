"""Group commit: the webhooks' units of work, run one after another by a single writer
thread and committed together.

SQLite has one writer at a time. Requests that each open their own transaction race for
the write lock through SQLite's busy-wait sleeps (seconds of p99 under a contest's burst)
and each pays its own fsync. Here the writer runs everything that queued meanwhile in one
transaction and commits once. Only after that commit is each request told its outcome:
"200 only after commit" holds for every one of them. If one piece of work raises, the
whole group is rolled back and each piece runs again alone in its own transaction, so
only the failing one fails (a SAVEPOINT per piece would do the same, but cost a fifth of
each webhook's time, for failures that are rare). Work also runs in arrival
order, one piece at a time, so two messages of one relay are handled in order.

PostgreSQL takes the same road, for other reasons: a request that held a thread-pool
thread and a session across its round trips cost 2.4 ms of CPU (threads queueing for the
interpreter), against 1.7 ms through the one writer, whose waits on the server leave the
event loop free; one commit a group instead of one a request; and one relay's messages in
order there too. Two or four writers sharing the work by address did no better (2.0-2.4
ms a request). A deadlock with another transaction fails the group's statement like any
error: the group is rolled back and each piece runs alone.

The thread starts with the first piece of work and ends after a second with none, so an
app that is never written to (or a test's) keeps no thread and no connection.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class _Job(Generic[T]):
    work: Callable[[Session], T]
    future: Future[T]


class GroupCommit:
    """One writer thread; `await run(work)` returns work's result once it is committed."""

    def __init__(self, factory: sessionmaker[Session], *, batch: int = 256, idle: float = 1.0):
        self._factory = factory
        self._batch = batch
        self._idle = idle
        self._jobs: queue.SimpleQueue[_Job[Any]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` in the next group; its result once the group is committed.

        If work raises, its savepoint is rolled back and the exception is raised here; if
        the commit fails, every piece of work in the group gets that exception.
        """
        job: _Job[T] = _Job(work, Future())
        self._jobs.put(job)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write, name="relais-group-commit", daemon=True
                )
                self._thread.start()
        return await asyncio.wrap_future(job.future)

    def _write(self) -> None:
        while True:
            try:
                first = self._jobs.get(timeout=self._idle)
            except queue.Empty:
                with self._lock:  # run() starts a new thread once this one is gone
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            group = [first]
            while len(group) < self._batch:
                try:
                    group.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            self._commit(group)

    def _commit(self, group: list[_Job[Any]]) -> None:
        # A request that is gone is skipped: the platform will send it again.
        started = [job for job in group if job.future.set_running_or_notify_cancel()]
        try:
            results = self._together(started)
        except _WorkFailed:
            # Rolled back as a whole; each runs alone, so only the failing one fails.
            for job in started:
                self._alone(job)
            return
        except Exception as exc:  # the commit failed: nothing of the group is stored
            logger.warning("a group of %d units of work not committed: %s", len(started), exc)
            for job in started:
                job.future.set_exception(exc)
            return
        for job, result in zip(started, results, strict=True):
            job.future.set_result(result)

    def _together(self, jobs: list[_Job[Any]]) -> list[Any]:
        with self._factory() as session, session.begin():
            results = []
            for job in jobs:
                try:
                    results.append(job.work(session))
                except Exception as exc:
                    raise _WorkFailed from exc
            return results

    def _alone(self, job: _Job[Any]) -> None:
        try:
            with self._factory() as session, session.begin():
                result = job.work(session)
        except Exception as exc:
            job.future.set_exception(exc)
        else:
            job.future.set_result(result)


class _WorkFailed(Exception):
    """A piece of work raised: its group is rolled back and run again one by one."""
