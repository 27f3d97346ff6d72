"""Send records written together: each caller learns of its own record, and one that
cannot be written loses none of the others."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.models import Delivery
from bot.outbound import Message
from scheduler.floods import Floods
from scheduler.recorder import Recorder
from tests.factories import make_delivery, make_relay

Factory = sessionmaker[Session]
T = TypeVar("T")


def test_records_are_written_together_and_a_bad_one_alone(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="telegram:501", channel="telegram")
        ids = [make_delivery(session, relay, Message(f"m{n}"), ref=str(n)) for n in range(5)]
    commits = 0

    async def run(function: Callable[..., T], *args: Any) -> T:
        nonlocal commits
        commits += 1
        return await asyncio.to_thread(function, *args)

    def note(delivery_id: int) -> Callable[[Session], None]:
        def write(session: Session) -> None:
            session.get_one(Delivery, delivery_id).error = "recorded"

        return write

    def broken(session: Session) -> None:
        raise ValueError("cannot be written")

    async def go() -> list[BaseException | None]:
        recorder = Recorder(factory, run)
        writes = [note(ids[0]), note(ids[1]), broken, note(ids[2]), note(ids[3])]
        results = await asyncio.gather(
            *(recorder.record(write) for write in writes), return_exceptions=True
        )
        return list(results)

    results = asyncio.run(go())
    assert [type(r) for r in results] == [type(None)] * 2 + [ValueError] + [type(None)] * 2
    with factory() as session:
        errors = [session.get_one(Delivery, i).error for i in ids]
    assert errors == ["recorded"] * 4 + [None]
    # The first alone, the four that came meanwhile together (refused), then one by one.
    assert commits == 1 + 1 + 4


@pytest.mark.parametrize(
    ("outcomes", "flooded"),
    [
        ([True], False),  # one chat's 429
        ([False] * 20 + [True] * 3, False),  # a few among many sends
        ([True, False, True, True], True),  # most sends refused: the whole channel
    ],
)
def test_a_flood_is_most_recent_sends_refused(outcomes: list[bool], flooded: bool) -> None:
    floods = Floods()
    for n, limited in enumerate(outcomes):
        floods.note(100.0 + n * 0.01, limited=limited)
    assert floods.flooded() is flooded
    floods.note(102.0, limited=False)  # a second later, the old ones are forgotten
    assert not floods.flooded()
