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
ms a request). A deadlock with another transaction (another process's group taking the
same rows in another order) fails the group's statement like any error: the group is
rolled back and each piece runs alone, again if the database undoes it once more.

The thread starts with the first piece of work and ends after a second with none, so an
app that is never written to (or a test's) keeps no thread and no connection.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import BUSY_TIMEOUT_MS
from bot.driver_state import send_before_commit

logger = logging.getLogger(__name__)
T = TypeVar("T")
ALONE_ATTEMPTS = 5  # a piece of work run alone after its group failed, at most
RETRYABLE = {"40P01", "40001"}  # deadlock_detected, serialization_failure


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
            try:  # a write kept back that fails is a piece's failure, not the commit's
                send_before_commit(session.connection())
            except Exception as exc:
                raise _WorkFailed from exc
            return results

    def _alone(self, job: _Job[Any]) -> None:
        for attempt in range(1, ALONE_ATTEMPTS + 1):
            try:
                with self._factory() as session, session.begin():
                    result = job.work(session)
            except Exception as exc:
                if attempt < ALONE_ATTEMPTS and _try_again(exc):
                    logger.info("a unit of work undone by the database (%s); again", _state(exc))
                    time.sleep(random.uniform(0.005, 0.05) * attempt)  # noqa: S311 - jitter
                    continue
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
            return


def _try_again(exc: Exception) -> bool:
    """PostgreSQL chose this transaction to undo a deadlock (or a serialization failure):
    run again, it will very likely go through. Two processes' groups can deadlock when
    they take the same rows in different orders (the same update delivered to both, or
    two messages of one relay)."""
    return _state(exc) in RETRYABLE


def _state(exc: Exception) -> str | None:
    """The SQLSTATE of a database error (psycopg's), if it has one."""
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return state if isinstance(state, str) else None


class _WorkFailed(Exception):
    """A piece of work raised: its group is rolled back and run again one by one."""


class LoopGroupCommit(GroupCommit):
    """SQLite: each group runs on the event loop's own thread, its commit in a thread.

    A unit of work is a few statements on a local file, each a short call into SQLite
    that releases the interpreter; run by the writer thread, every one of them handed the
    interpreter to the event loop and waited to get it back, and a webhook cost a fifth
    more CPU than run here. The commit (the fsync) still leaves the loop to a thread, and
    a group holds at most `loop_batch` pieces, so the loop is never held for long.

    The write lock is asked for without waiting: when another writer holds it (a
    delivery worker, a command), the group goes to the writer thread, which waits for the
    lock off the loop, and the next group starts only after it. A group in which a piece
    raises is rolled back and goes to the writer thread too, which runs each piece alone.
    Either way work still runs in arrival order.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        engine: Engine,
        *,
        loop_batch: int = 32,
        idle: float = 1.0,
    ):
        super().__init__(factory, idle=idle)
        self._engine = engine
        self._loop_batch = loop_batch
        self._waiting: deque[tuple[Callable[[Session], Any], asyncio.Future[Any]]] = deque()
        self._drainer: asyncio.Task[None] | None = None

    async def run(self, work: Callable[[Session], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((work, future))
        if self._drainer is None or self._drainer.get_loop() is not loop:
            self._drainer = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                group: list[tuple[Callable[[Session], Any], asyncio.Future[Any]]] = []
                while self._waiting and len(group) < self._loop_batch:
                    work, future = self._waiting.popleft()
                    # A request that is gone is skipped: the platform will send it again.
                    if not future.done() and future.get_loop() is loop:
                        group.append((work, future))
                if group:
                    await self._settled(group)
        finally:
            self._drainer = None

    async def _settled(
        self, group: list[tuple[Callable[[Session], Any], asyncio.Future[Any]]]
    ) -> None:
        """Run a group; whatever happens, no request of it is left waiting."""
        try:
            await self._on_loop(group)
        except asyncio.CancelledError:  # the loop is closing: so is every request
            for _, future in [*group, *self._waiting]:
                future.cancel()
            self._waiting.clear()
            raise
        except Exception as exc:
            logger.exception("a group of %d units of work failed", len(group))
            for _, future in group:
                if not future.done():
                    future.set_exception(exc)

    async def _on_loop(
        self, group: list[tuple[Callable[[Session], Any], asyncio.Future[Any]]]
    ) -> None:
        try:
            connection = self._engine.connect()
        except OperationalError:  # the writer thread reports it to each piece of work
            await self._in_thread(group)
            return
        try:
            transaction = _begin_without_waiting(connection)
        except OperationalError:  # another writer holds the lock
            connection.close()
            await self._in_thread(group)
            return
        try:
            try:
                with self._factory(bind=connection) as session:
                    results = [work(session) for work, _ in group]
                    session.flush()
            except Exception:
                transaction.rollback()
                await self._in_thread(group)
                return
            try:
                await asyncio.to_thread(transaction.commit)
            except Exception as exc:  # the commit failed: nothing of the group is stored
                logger.warning("a group of %d units of work not committed: %s", len(group), exc)
                for _, future in group:
                    if not future.done():
                        future.set_exception(exc)
                return
        finally:
            _close(connection)
        for (_, future), result in zip(group, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def _in_thread(
        self, group: list[tuple[Callable[[Session], Any], asyncio.Future[Any]]]
    ) -> None:
        outcomes = await asyncio.gather(
            *(super(LoopGroupCommit, self).run(work) for work, _ in group),
            return_exceptions=True,
        )
        for (_, future), outcome in zip(group, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


def _close(connection: Connection) -> None:
    """Back to the pool, with no transaction left open in SQLite: after a failed commit
    SQLAlchemy counts the transaction as ended, and the pool would not roll it back."""
    raw = connection.connection.driver_connection
    if raw is not None and raw.in_transaction:
        raw.rollback()
    connection.close()


def _begin_without_waiting(connection: Connection) -> RootTransaction:
    """BEGIN IMMEDIATE on this SQLite connection, failing at once if the lock is taken."""
    raw = connection.connection.driver_connection
    assert raw is not None  # noqa: S101 - a checked-out connection has one
    raw.execute("PRAGMA busy_timeout=0")
    try:
        return connection.begin()
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
