"""What both platform fakes need from uvicorn: a server in a thread that leaves the
process' logging alone and never writes an access log (request paths carry the bot token);
and the frame they share around it: started and stopped as a context manager, with their
recordings kept under one lock."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from tests.fakes.recordings import wait_until
from tests.waiting import eventually


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


class PromptServer(uvicorn.Server):
    """Stops as soon as it is asked to: uvicorn's own loop looks every 0.1 s, and every
    test that starts a fake would pay for it when the fake stops."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._exit = asyncio.Event()

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter += 10  # on_tick refreshes the Date header on multiples of 10
            with suppress(TimeoutError):
                await asyncio.wait_for(self._exit.wait(), 1.0)

    def exit(self) -> None:
        """Ask to stop, from any thread."""
        self.should_exit = True
        if self._loop is not None:
            with suppress(RuntimeError):  # its loop has already ended
                self._loop.call_soon_threadsafe(self._exit.set)


class LoopbackServer:
    """An ASGI app served by uvicorn on 127.0.0.1, on a free port, from a daemon thread."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._server: PromptServer | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def url(self) -> str:
        if self._thread is None:
            raise RuntimeError(f"{self._name} is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def idle(self) -> bool:
        """No client connected and no request being handled."""
        if self._server is None:
            return True
        state = self._server.server_state
        return not state.connections and not state.tasks

    def start(self, app: Any) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self._name} is already started")
        # IPPROTO_TCP so asyncio sets TCP_NODELAY: otherwise each answer waits ~40 ms on a
        # delayed ACK, and every test that talks to a fake pays for it.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._server = PromptServer(quiet_config(app))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=self._name, daemon=True
        )
        self._thread.start()
        server, thread = self._server, self._thread

        def started() -> bool:
            if not thread.is_alive():
                raise RuntimeError(f"{self._name} stopped while starting")
            return server.started

        try:
            eventually(started, awaiting=f"{self._name} to start", interval=0.01)
        except BaseException:
            sock.close()
            raise
        self._socket = sock

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.exit()
        self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None


RefusedT = TypeVar("RefusedT")
Recorded = TypeVar("Recorded")


class LoopbackFake(Generic[RefusedT]):
    """A platform fake: its routes served on 127.0.0.1 (a context manager, or start() and
    stop()), every request it refused recorded, and a condition that wakes the tests
    waiting for a recording whenever one is added."""

    def __init__(self, name: str, routes: list[Route]) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._refused: list[RefusedT] = []
        self._loopback = LoopbackServer(name)
        self._app = Starlette(routes=routes)

    def start(self) -> Self:
        self._loopback.start(self._app)
        return self

    def stop(self) -> None:
        self._loopback.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """Base URL of the fake, http://127.0.0.1:<port>."""
        return self._loopback.url

    @property
    def refused(self) -> list[RefusedT]:
        with self._lock:
            return list(self._refused)

    def summary(self, last: int = 20) -> str:
        """A readable account of the recordings, for assertion messages."""
        raise NotImplementedError

    def _record(self, into: list[Recorded], item: Recorded) -> None:
        with self._lock:
            into.append(item)
            self._changed.notify_all()

    def _wait(
        self,
        recorded: list[Recorded],
        predicate: Callable[[Recorded], bool] | None,
        wanted: str,
        count: int,
        timeout: float,
        **equal: object,
    ) -> list[Recorded]:
        """Block until ``count`` recordings have the ``equal`` attributes (None: any value)
        and pass ``predicate``; return all the matching ones."""

        def matching() -> list[Recorded]:
            return [
                item
                for item in recorded
                if all(
                    value is None or getattr(item, name) == value for name, value in equal.items()
                )
                and (predicate is None or predicate(item))
            ]

        wanted += "" if predicate is None else " matching the predicate"
        return wait_until(self._changed, matching, count, timeout, wanted, self.summary)


def short(value: object, limit: int = 120) -> str:
    """``repr(value)``, cut to ``limit`` characters for a fake's summary."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
