"""Waiting for what another thread or process does: bounded, and saying what it awaited.

    rows = eventually(lambda: statuses(url), until=lambda found: not found["queued"],
                      awaiting="nothing queued", timeout=30)

The probe runs at once, then every `interval` seconds until `until` holds for what it
returned (by default: until it returns something true), and that value is returned.
Past `timeout` the wait fails with what was awaited and the last value seen. An
exception from the probe is not retried: a dead process should fail the wait at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(
    probe: Callable[[], T],
    *,
    awaiting: str,
    until: Callable[[T], object] = bool,
    timeout: float = 10.0,
    interval: float = 0.05,
    context: Callable[[], str] | None = None,
) -> T:
    """`probe()` once `until` holds for it; fails after `timeout` seconds, saying what
    was awaited (and `context()`, e.g. a server's log)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if until(value):
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(_timed_out(awaiting, timeout, value, context))
        time.sleep(interval)


async def eventually_async(
    probe: Callable[[], Awaitable[T]],
    *,
    awaiting: str,
    until: Callable[[T], object] = bool,
    timeout: float = 10.0,  # noqa: ASYNC109 - asyncio.timeout would not say what was awaited
    interval: float = 0.05,
    context: Callable[[], str] | None = None,
) -> T:
    """The same, for a probe that is a coroutine, without blocking the event loop."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if until(value):
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(_timed_out(awaiting, timeout, value, context))
        await asyncio.sleep(interval)


def _timed_out(
    awaiting: str, timeout: float, value: object, context: Callable[[], str] | None
) -> str:
    message = f"waited {timeout:g} s for {awaiting}; last seen: {value!r}"
    return f"{message}\n{context()}" if context is not None else message
