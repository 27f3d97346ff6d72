"""Group commit: work that queues meanwhile shares one commit, one failing piece is undone
alone, nothing is reported done before its commit, work runs in arrival order, and the
thread goes when idle; on SQLite the same of the groups run on the event loop, which hand
a group to the writer thread when another writer holds the lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_session_factory
from bot.group_commit import GroupCommit, LoopGroupCommit
from bot.models import Relay
from tests.databases import migrated
from tests.factories import make_relay


def _relays(factory: sessionmaker[Session], *addresses: str) -> set[str]:
    with factory() as session:
        found = session.scalars(select(Relay.address).where(Relay.address.in_(addresses)))
        return set(found)


def _adds(address: str, *, pause: float = 0.0, fail: bool = False) -> Callable[[Session], int]:
    def work(session: Session) -> int:
        relay = make_relay(session, address=address)
        time.sleep(pause)  # lets the others queue behind this one
        if fail:
            raise ValueError("refused")
        return relay.id

    return work


Make = Callable[[sessionmaker[Session]], GroupCommit]
# The writer thread's groups on both databases; groups on the event loop on SQLite alone.
WRITERS = pytest.mark.parametrize(
    ("database_url", "writer"),
    [
        pytest.param("sqlite", "thread", id="sqlite-thread"),
        pytest.param("postgresql", "thread", id="postgresql-thread", marks=pytest.mark.postgres),
        pytest.param("sqlite", "loop", id="sqlite-loop"),
    ],
    indirect=["database_url"],
    scope="session",
)


@pytest.fixture
def make_group(writer: str, engine: Engine) -> Make:
    if writer == "thread":
        return GroupCommit
    return lambda factory: LoopGroupCommit(factory, engine)


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    """A SQLite database of this test's own, at the migration head."""
    with migrated("sqlite", tmp_path) as url:
        engine = make_engine(url)
        yield engine, make_session_factory(engine)
        engine.dispose()


def _run_all(group: GroupCommit, works: list[Callable[[Session], int]]) -> list[Any]:
    async def main() -> list[Any]:
        return await asyncio.gather(*(group.run(work) for work in works), return_exceptions=True)

    return asyncio.run(main())


def _commits(engine: Engine) -> list[int]:
    counted: list[int] = []
    event.listen(engine, "commit", lambda _connection: counted.append(1))
    return counted


@WRITERS
def test_work_queued_meanwhile_shares_one_commit(
    engine: Engine, factory: sessionmaker[Session], make_group: Make
) -> None:
    commits = _commits(engine)
    addresses = [f"console:group-{n}" for n in range(40)]
    works = [_adds(addresses[0], pause=0.2)] + [_adds(a) for a in addresses[1:]]

    results = _run_all(make_group(factory), works)

    assert all(isinstance(result, int) for result in results), results
    assert _relays(factory, *addresses) == set(addresses)
    assert 1 <= len(commits) <= 3  # the first alone at most, then everything that queued


@WRITERS
def test_failing_work_is_undone_alone(factory: sessionmaker[Session], make_group: Make) -> None:
    works = [
        _adds("console:kept-1", pause=0.1),
        _adds("console:refused", fail=True),
        _adds("console:kept-2"),
    ]

    first, refused, last = _run_all(make_group(factory), works)

    assert isinstance(first, int)
    assert isinstance(last, int)
    assert isinstance(refused, ValueError)
    assert _relays(factory, "console:kept-1", "console:refused", "console:kept-2") == {
        "console:kept-1",
        "console:kept-2",
    }


@WRITERS
def test_a_failed_commit_fails_every_piece_of_work(engine: Engine, make_group: Make) -> None:
    failing = make_session_factory(engine)

    @event.listens_for(engine, "commit")
    def _refuse(_connection: Any) -> None:
        raise RuntimeError("disk full")

    addresses = ["console:lost-1", "console:lost-2", "console:lost-3"]
    works = [_adds(addresses[0], pause=0.1), _adds(addresses[1]), _adds(addresses[2])]

    results = _run_all(make_group(failing), works)
    event.remove(engine, "commit", _refuse)

    assert [type(result) for result in results] == [RuntimeError] * 3
    assert _relays(make_session_factory(engine), *addresses) == set()


def _writers() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "relais-group-commit"}


@pytest.mark.usefixtures("engine")
def test_the_writer_thread_ends_when_idle_and_comes_back(factory: sessionmaker[Session]) -> None:
    group = GroupCommit(factory, idle=0.05)
    before = _writers()  # other tests' writers, which end in their own time

    assert isinstance(_run_all(group, [_adds("console:idle-1")])[0], int)
    (own,) = _writers() - before
    own.join(5)
    assert not own.is_alive()
    assert isinstance(_run_all(group, [_adds("console:idle-2")])[0], int)
    assert _relays(factory, "console:idle-1", "console:idle-2") == {
        "console:idle-1",
        "console:idle-2",
    }
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Relay)) == 2


@WRITERS
def test_work_runs_in_arrival_order(factory: sessionmaker[Session], make_group: Make) -> None:
    ran: list[int] = []

    def noted(index: int) -> Callable[[Session], int]:
        def work(session: Session) -> int:
            if index == 0:
                time.sleep(0.1)  # the rest queue behind the first
            ran.append(index)
            return index

        return work

    results = _run_all(make_group(factory), [noted(index) for index in range(80)])

    assert results == list(range(80))
    assert ran == list(range(80))


def _thread_of_each(count: int) -> tuple[list[Callable[[Session], int]], list[int]]:
    threads: list[int] = []

    def noted(index: int) -> Callable[[Session], int]:
        def work(session: Session) -> int:
            make_relay(session, address=f"console:where-{index}")
            threads.append(threading.get_ident())
            return index

        return work

    return [noted(index) for index in range(count)], threads


def test_on_sqlite_groups_run_on_the_event_loop_s_thread(
    sqlite: tuple[Engine, sessionmaker[Session]],
) -> None:
    engine, factory = sqlite
    works, threads = _thread_of_each(10)

    assert _run_all(LoopGroupCommit(factory, engine), works) == list(range(10))
    assert set(threads) == {threading.get_ident()}  # asyncio.run's loop runs here


def test_another_writer_s_lock_sends_the_group_to_the_writer_thread(
    sqlite: tuple[Engine, sessionmaker[Session]],
) -> None:
    engine, factory = sqlite
    database = engine.url.database
    assert database is not None
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    release = threading.Timer(0.3, other.rollback)
    works, threads = _thread_of_each(5)
    ticks: list[float] = []

    async def main() -> list[Any]:
        group = LoopGroupCommit(factory, engine)

        async def tick() -> None:  # the loop goes on while the group waits for the lock
            while len(ticks) < 1000 and not all(task.done() for task in tasks):
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        tasks = [asyncio.ensure_future(group.run(work)) for work in works]
        ticking = asyncio.ensure_future(tick())
        results = await asyncio.gather(*tasks)
        await ticking
        return results

    release.start()
    try:
        results = asyncio.run(main())
    finally:
        release.join()
        other.close()

    assert results == list(range(5))
    assert threading.get_ident() not in threads  # run by the writer thread
    assert len(ticks) >= 10  # about 30 over the 0.3 s: the loop was never held
    assert ticks[-1] - ticks[0] >= 0.2
    assert _relays(factory, *(f"console:where-{n}" for n in range(5))) == {
        f"console:where-{n}" for n in range(5)
    }


def test_a_database_that_cannot_be_opened_fails_each_request_rather_than_hang(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'relais.db'}")  # no such folder
    group = LoopGroupCommit(make_session_factory(engine), engine)

    async def main() -> list[Any]:
        runs = [group.run(_adds(f"console:nowhere-{n}")) for n in range(3)]
        return await asyncio.wait_for(asyncio.gather(*runs, return_exceptions=True), 10)

    try:
        results = asyncio.run(main())
    finally:
        engine.dispose()

    assert [type(result) for result in results] == [OperationalError] * 3


class _Deadlock(Exception):
    sqlstate = "40P01"  # what psycopg's DeadlockDetected carries


@pytest.mark.usefixtures("engine")
def test_work_the_database_undid_to_break_a_deadlock_runs_again(
    factory: sessionmaker[Session],
) -> None:
    calls: list[int] = []

    def work(session: Session) -> int:
        calls.append(1)
        if len(calls) <= 2:  # in its group, then alone once: chosen as the deadlock's victim
            raise OperationalError("UPDATE relay …", {}, _Deadlock("deadlock detected"))
        return make_relay(session, address="console:deadlocked").id

    (result,) = _run_all(GroupCommit(factory), [work])

    assert isinstance(result, int)
    assert len(calls) == 3
    assert _relays(factory, "console:deadlocked") == {"console:deadlocked"}


@pytest.mark.usefixtures("engine")
def test_other_database_errors_are_not_run_again(factory: sessionmaker[Session]) -> None:
    calls: list[int] = []

    def work(_session: Session) -> int:
        calls.append(1)
        raise OperationalError("INSERT …", {}, ValueError("disk full"))

    (result,) = _run_all(GroupCommit(factory), [work])

    assert isinstance(result, OperationalError)
    assert len(calls) == 2  # in its group, then alone: no more
