"""The place among a channel's sends in flight (scheduler/gate.py): never more holders
than places, places given in the order asked, and none lost when a waiter is cancelled."""

from __future__ import annotations

import asyncio

import pytest

from scheduler.gate import Gate

SOON = 2.0  # seconds: a place that is lost makes a waiter wait forever; fail instead


def test_never_more_holders_than_places_and_served_in_order() -> None:
    async def go() -> tuple[int, list[int]]:
        gate = Gate(3)
        holding = most = 0
        order: list[int] = []

        async def hold(n: int) -> None:
            nonlocal holding, most
            async with gate:
                order.append(n)
                holding += 1
                most = max(most, holding)
                await asyncio.sleep(0.001 * (n % 4))
                holding -= 1

        await asyncio.wait_for(asyncio.gather(*(hold(n) for n in range(40))), SOON)
        assert gate.free == 3
        assert gate.waiting == 0
        return most, order

    most, order = asyncio.run(go())
    assert most == 3
    assert order == list(range(40))


def test_a_cancelled_waiter_loses_no_place() -> None:
    async def go() -> list[str]:
        gate = Gate(1)
        seen: list[str] = []
        release = asyncio.Event()

        async def first() -> None:
            async with gate:
                seen.append("first")
                await release.wait()

        async def later(name: str) -> None:
            async with gate:
                seen.append(name)

        holder = asyncio.create_task(first())
        await asyncio.sleep(0)
        gone = asyncio.create_task(later("cancelled while waiting"))
        last = asyncio.create_task(later("last"))
        await asyncio.sleep(0)
        assert gate.waiting == 2
        gone.cancel()
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, last, return_exceptions=True), SOON)
        assert gone.cancelled()
        assert gate.free == 1
        return seen

    assert asyncio.run(go()) == ["first", "last"]


def test_a_place_handed_to_a_task_cancelled_before_it_ran_goes_to_the_next() -> None:
    async def go() -> list[str]:
        gate = Gate(1)
        seen: list[str] = []
        await gate.__aenter__()  # held here

        async def wait(name: str) -> None:
            async with gate:
                seen.append(name)

        handed = asyncio.create_task(wait("handed"))
        nxt = asyncio.create_task(wait("next"))
        await asyncio.sleep(0)
        await gate.__aexit__(None, None, None)  # the place goes to `handed` …
        handed.cancel()  # … which is cancelled before it runs
        await asyncio.wait_for(asyncio.gather(handed, nxt, return_exceptions=True), SOON)
        assert handed.cancelled()
        assert gate.free == 1
        return seen

    assert asyncio.run(go()) == ["next"]


def test_a_gate_has_a_place() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Gate(0)
