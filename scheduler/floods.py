"""When a 429 for one chat means the whole channel is refused.

A platform may answer 429 with a retry_after both when one destination gets messages too
fast and when the whole channel does, without saying which (such a channel raises
RateLimited with per_destination). The worker pauses the destination that got it; only
when most of the channel's recent sends are refused does it pause the whole channel (a
flood the pace did not prevent): one destination's 429 never holds the rest.
"""

from __future__ import annotations

from collections import deque

WINDOW = 1.0  # seconds of recent sends looked at
AT_LEAST = 3  # refusals in the window before the channel is thought flooded
SHARE = 0.5  # and the share of the window's sends they must be


class Floods:
    """The recent outcomes of one channel's sends, as (time, refused with 429)."""

    def __init__(self) -> None:
        self._recent: deque[tuple[float, bool]] = deque()

    def note(self, at: float, *, limited: bool) -> None:
        self._recent.append((at, limited))
        while self._recent and self._recent[0][0] < at - WINDOW:
            self._recent.popleft()

    def flooded(self) -> bool:
        """Most of the last second's sends were refused: the channel, not a chat."""
        limited = sum(1 for _, refused in self._recent if refused)
        return limited >= AT_LEAST and limited >= SHARE * len(self._recent)
