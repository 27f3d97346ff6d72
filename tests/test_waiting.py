"""tests/waiting.py: the one way the tests wait for another thread or process."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from tests.waiting import eventually, eventually_async


def test_the_value_that_satisfies_the_condition_is_returned() -> None:
    counter = itertools.count()
    assert eventually(lambda: next(counter), until=lambda n: n >= 3, awaiting="3", interval=0) == 3


def test_without_a_condition_the_first_true_value_is_returned() -> None:
    values = iter([None, [], ["ready"]])
    assert eventually(lambda: next(values), awaiting="a value", interval=0) == ["ready"]


def test_a_timeout_says_what_was_awaited_and_what_was_seen() -> None:
    started = time.monotonic()
    with pytest.raises(AssertionError) as caught:
        eventually(
            lambda: {"queued": 2},
            until=lambda found: not found["queued"],
            awaiting="nothing queued",
            timeout=0.1,
            interval=0.02,
            context=lambda: "worker log: still busy",
        )
    assert time.monotonic() - started >= 0.1
    assert str(caught.value) == (
        "waited 0.1 s for nothing queued; last seen: {'queued': 2}\nworker log: still busy"
    )


def test_an_exception_from_the_probe_ends_the_wait_at_once() -> None:
    calls = itertools.count(1)

    def probe() -> bool:
        if next(calls) == 2:
            raise RuntimeError("the server died")
        return False

    with pytest.raises(RuntimeError, match="the server died"):
        eventually(probe, awaiting="the server", timeout=5, interval=0)
    assert next(calls) == 3


def test_the_async_wait_lets_the_event_loop_run() -> None:
    async def go() -> int:
        ticks: list[int] = []

        async def ticker() -> None:
            for tick in range(3):
                ticks.append(tick)
                await asyncio.sleep(0)

        async def probe() -> int:
            return len(ticks)

        task = asyncio.create_task(ticker())
        found = await eventually_async(probe, until=lambda n: n == 3, awaiting="three ticks")
        await task
        return found

    assert asyncio.run(go()) == 3


def test_the_async_wait_times_out_too() -> None:
    async def never() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"waited 0\.05 s for a miracle; last seen: False"):
        asyncio.run(eventually_async(never, awaiting="a miracle", timeout=0.05, interval=0.01))
