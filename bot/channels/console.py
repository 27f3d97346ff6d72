"""The console channel: the web simulator's phones. Sending is recording: the simulator
reads sent deliveries back from the database."""

from __future__ import annotations

from typing import Any


class ConsoleSender:
    channel = "console"
    rate = 1000.0

    async def send(self, identifier: str, payload: dict[str, Any]) -> str | None:
        return None

    async def close(self) -> None:
        return None
