"""A light HTTP/1.1 load generator and the servers it is pointed at, for bench/inbound.py
and bench/footprint.py.

The generator writes prebuilt request bytes on `connections` keep-alive sockets and reads
each response's status line and body: much lighter than an HTTP client library, so on a
2-core machine the server, not the generator, is what gets measured.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

RELAIS = Path(sys.executable).with_name("relais")


@dataclass(frozen=True)
class Load:
    statuses: Counter[int]
    latencies: list[float]  # seconds, one per answered request
    seconds: float

    @property
    def ok(self) -> int:
        return self.statuses[200]

    @property
    def per_second(self) -> float:
        return sum(self.statuses.values()) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def request_bytes(
    path: str, body: bytes, headers: Mapping[str, str], *, content_type: str = "application/json"
) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
        "",
        "",
    ]
    return "\r\n".join(lines).encode() + body


async def _connection(
    port: int, requests: Sequence[bytes], cursor: list[int], load: Load, deadline: float
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while cursor[0] < len(requests) and time.perf_counter() < deadline:
            request = requests[cursor[0]]
            cursor[0] += 1
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            load.latencies.append(time.perf_counter() - started)
            load.statuses[status] += 1
    finally:
        writer.close()


async def _drive(port: int, requests: Sequence[bytes], connections: int, limit: float) -> Load:
    load = Load(Counter(), [], 0.0)
    cursor = [0]
    started = time.perf_counter()
    deadline = started + limit
    results = await asyncio.gather(
        *(_connection(port, requests, cursor, load, deadline) for _ in range(connections)),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            load.statuses[0] += 1  # a connection the server dropped
    return Load(load.statuses, load.latencies, time.perf_counter() - started)


def drive(port: int, requests: Sequence[bytes], connections: int, limit: float = 60.0) -> Load:
    """Send every request once, `connections` at a time; stop after `limit` seconds."""
    return asyncio.run(_drive(port, requests, connections, limit))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_healthy(port: int, path: str, process: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until GET `path` answers 200 (from the process's start, as near as can be)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"nothing answered {path} within {limit} s")


def relais_env(**settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("RELAIS_")}
    env.update({f"RELAIS_{name.upper()}": value for name, value in settings.items()})
    return env


@contextmanager
def server(
    command: Sequence[str], port: int, env: Mapping[str, str], *, health: str = "/healthz"
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """A server subprocess; yields it and how long it took to answer `health`."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own commands
        list(command), env=dict(env), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        ready = wait_healthy(port, health, process, 30.0)
        yield process, ready
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far, from /proc (Linux): steadier than wall
    time on a shared machine, where waiting for a core is not the process's own cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def bare_command(port: int) -> list[str]:
    """The baseline: a bare FastAPI app under the same uvicorn settings as Relais's."""
    return [sys.executable, str(Path(__file__).with_name("bare.py")), str(port)]
