"""What both platform fakes do with their recordings: let a test block until enough of
them match, woken by each new one rather than polling."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    changed: threading.Condition,
    matching: Callable[[], list[T]],
    count: int,
    timeout: float,
    wanted: str,
    summary: Callable[[], str],
) -> list[T]:
    """Block until ``matching()``, read under ``changed``'s lock, holds ``count`` items;
    return them all. Past ``timeout`` seconds, fail with what was ``wanted`` and
    ``summary()``, the fake's account of what it did receive."""
    deadline = time.monotonic() + timeout
    with changed:
        while len(found := matching()) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"waited {timeout}s for {wanted}, {len(found)} matched.\n" + summary()
                )
            changed.wait(min(left, 0.1))
        return found
