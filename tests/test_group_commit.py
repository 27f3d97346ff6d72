"""Group commit: work that queues meanwhile shares one commit, one failing piece is undone
alone, nothing is reported done before its commit, and the thread goes when idle."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_session_factory
from bot.group_commit import GroupCommit
from bot.models import Relay
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


def _run_all(group: GroupCommit, works: list[Callable[[Session], int]]) -> list[Any]:
    async def main() -> list[Any]:
        return await asyncio.gather(*(group.run(work) for work in works), return_exceptions=True)

    return asyncio.run(main())


def _commits(engine: Engine) -> list[int]:
    counted: list[int] = []
    event.listen(engine, "commit", lambda _connection: counted.append(1))
    return counted


def test_work_queued_meanwhile_shares_one_commit(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    commits = _commits(engine)
    addresses = [f"console:group-{n}" for n in range(40)]
    works = [_adds(addresses[0], pause=0.2)] + [_adds(a) for a in addresses[1:]]

    results = _run_all(GroupCommit(factory), works)

    assert all(isinstance(result, int) for result in results), results
    assert _relays(factory, *addresses) == set(addresses)
    assert 1 <= len(commits) <= 3  # the first alone at most, then everything that queued


def test_failing_work_is_undone_alone(factory: sessionmaker[Session]) -> None:
    works = [
        _adds("console:kept-1", pause=0.1),
        _adds("console:refused", fail=True),
        _adds("console:kept-2"),
    ]

    first, refused, last = _run_all(GroupCommit(factory), works)

    assert isinstance(first, int)
    assert isinstance(last, int)
    assert isinstance(refused, ValueError)
    assert _relays(factory, "console:kept-1", "console:refused", "console:kept-2") == {
        "console:kept-1",
        "console:kept-2",
    }


def test_a_failed_commit_fails_every_piece_of_work(engine: Engine) -> None:
    failing = make_session_factory(engine)

    @event.listens_for(failing, "before_commit")
    def _refuse(_session: Session) -> None:
        raise RuntimeError("disk full")

    addresses = ["console:lost-1", "console:lost-2", "console:lost-3"]
    works = [_adds(addresses[0], pause=0.1), _adds(addresses[1]), _adds(addresses[2])]

    results = _run_all(GroupCommit(failing), works)

    assert [type(result) for result in results] == [RuntimeError] * 3
    assert _relays(make_session_factory(engine), *addresses) == set()


def _writers() -> int:
    return sum(thread.name == "relais-group-commit" for thread in threading.enumerate())


@pytest.mark.usefixtures("engine")
def test_the_writer_thread_ends_when_idle_and_comes_back(factory: sessionmaker[Session]) -> None:
    group = GroupCommit(factory, idle=0.05)
    before = _writers()

    assert isinstance(_run_all(group, [_adds("console:idle-1")])[0], int)
    deadline = time.monotonic() + 5
    while _writers() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _writers() == before
    assert isinstance(_run_all(group, [_adds("console:idle-2")])[0], int)
    assert _relays(factory, "console:idle-1", "console:idle-2") == {
        "console:idle-1",
        "console:idle-2",
    }
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Relay)) == 2


def test_work_runs_in_arrival_order(factory: sessionmaker[Session]) -> None:
    ran: list[int] = []

    def noted(index: int) -> Callable[[Session], int]:
        def work(session: Session) -> int:
            if index == 0:
                time.sleep(0.1)  # the rest queue behind the first
            ran.append(index)
            return index

        return work

    results = _run_all(GroupCommit(factory), [noted(index) for index in range(30)])

    assert results == list(range(30))
    assert ran == list(range(30))
