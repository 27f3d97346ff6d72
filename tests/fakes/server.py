"""What both platform fakes need from uvicorn: a server in a thread that leaves the
process' logging alone and never writes an access log (request paths carry the bot token)."""

from __future__ import annotations

from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


class QuietConfig(uvicorn.Config):
    def configure_logging(self) -> None:
        """Leave the process' logging alone (uvicorn would reconfigure it globally)."""


class QuietH11(H11Protocol):
    """No access log: uvicorn logs every request whenever "uvicorn.access" has a handler
    anywhere up to the root (pytest's caplog has one), whatever ``access_log`` says once
    configure_logging() is skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access_log = False


def quiet_config(app: Any) -> QuietConfig:
    return QuietConfig(
        app,
        http=QuietH11,
        lifespan="off",
        ws="none",
        access_log=False,
        timeout_graceful_shutdown=2,
    )
