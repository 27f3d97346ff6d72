"""How much a delivery worker claims: a batch sized to its fastest channel's pace, and,
while it sends, the room left in it.

A claimed delivery stays in the worker's hands (its lease covers it) until its outcome is
recorded, and records wait a moment for company (scheduler/recorder.py). Room counts only
the claimed sends not yet made, so waiting records never hold back the next claim, and
what is in hand stays under two batches should the records fall behind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from bot.channels.base import Channel

BATCH = 50
BATCH_SECONDS = 0.1


def default_batch(channels: Iterable[Channel]) -> int:
    """Claimed at once unless the settings say: BATCH, or BATCH_SECONDS at the fastest pace
    (at 1,000/s 50 ran dry, 0.65-0.81 of the rate; 100, 0.96-0.98)."""
    fastest = max((channel.pacing.rate for channel in channels), default=0.0)
    return max(BATCH, math.ceil(fastest * BATCH_SECONDS))


def room(batch: int, *, in_hand: int, recording: int) -> int:
    """How many more to claim: the batch less the sends not yet made (those in hand whose
    records are still being written are made), and never past two batches in hand."""
    return min(batch - (in_hand - recording), 2 * batch - in_hand)


def claims_now(batch: int, free: int) -> bool:
    """Claim again once half a batch is free: no send waits for a slow one of the last."""
    return free >= max(1, batch // 2)
