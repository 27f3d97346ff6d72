"""The delivery worker's own metrics, on prometheus_client's default registry.

They live in the worker's process: `relais serve` shows them at /metrics beside the
database's counts; a `relais worker` apart from `relais web` keeps them to itself. Labels
are channels and outcomes only, never an address or a text.
"""

from __future__ import annotations

import functools
import logging

from prometheus_client import Counter, Histogram

logger = logging.getLogger(__name__)

OUTCOMES = frozenset({"sent", "rate_limited", "unreachable", "rejected", "held", "temporary"})
# A platform call takes tens of milliseconds when all is well, and gives up near 30 s.
SEND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0)

_SENDS = Counter(
    "relais_sends",
    "Messages the worker tried to hand to a platform, by channel and outcome.",
    ("channel", "outcome"),
)
_SEND_SECONDS = Histogram(
    "relais_send_seconds",
    "How long one call to a platform took, by channel.",
    ("channel",),
    buckets=SEND_BUCKETS,
)
_PAUSES = Counter(
    "relais_channel_pauses",
    "Times a platform asked a channel to wait (retry_after), by channel.",
    ("channel",),
)
_PAUSED_SECONDS = Counter(
    "relais_channel_paused_seconds",
    "Seconds of waiting the platforms asked for, by channel.",
    ("channel",),
)


def observe_send(channel: str, outcome: str, seconds: float) -> None:
    """Count one send and how long the platform took to answer it.

    `outcome` is one of OUTCOMES. Another is logged and left uncounted rather than
    raised: the worker calls this between a send and its record, where an exception
    would leave a sent message to be sent again.
    """
    if outcome not in OUTCOMES:
        logger.error("send outcome %r is not one of %s: not counted", outcome, sorted(OUTCOMES))
        return
    count, durations = _send_children(channel, outcome)
    count.inc()
    durations.observe(max(0.0, seconds))


@functools.cache
def _send_children(channel: str, outcome: str) -> tuple[Counter, Histogram]:
    """The labelled series one send updates, looked up once per channel and outcome:
    `labels()` on every send (its lock, its keyword checks) was 3 % of an unpaced worker's
    event loop. Channels and outcomes are few, so the cache stays small."""
    return (
        _SENDS.labels(channel=channel, outcome=outcome),
        _SEND_SECONDS.labels(channel=channel),
    )


def observe_pause(channel: str, seconds: float) -> None:
    """Count one pause a platform asked for on a channel, and its length."""
    _PAUSES.labels(channel=channel).inc()
    _PAUSED_SECONDS.labels(channel=channel).inc(max(0.0, seconds))
