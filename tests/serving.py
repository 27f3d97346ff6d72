"""`relais serve` as a subprocess, the way an operator starts it, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from tests.waiting import eventually

RELAIS = Path(sys.executable).with_name("relais")


@dataclass(frozen=True)
class Served:
    url: str
    database: Path
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def relais_serve(tmp_path: Path, **settings: str) -> Iterator[Served]:
    """`relais db upgrade` then `relais serve` on a free port with these RELAIS_* settings."""
    database = tmp_path / "relais.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("RELAIS_")}
    env.update(RELAIS_DATABASE_URL=f"sqlite:///{database}", RELAIS_PUBLIC_URL=url)
    env.update({f"RELAIS_{name.upper()}": value for name, value in settings.items()})
    subprocess.run([RELAIS, "db", "upgrade"], cwd=tmp_path, env=env, check=True, timeout=60)
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [RELAIS, "serve", "--port", str(port)], cwd=tmp_path, env=env, stdout=log, stderr=log
        )

        def healthy() -> bool:
            with suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    return True
            assert process.poll() is None, log_path.read_text()
            return False

        try:
            eventually(
                healthy,
                awaiting="relais serve to answer /healthz",
                timeout=30,
                interval=0.2,
                context=log_path.read_text,
            )
            yield Served(url, database, log_path)
        finally:
            process.terminate()
            process.wait(timeout=15)


def query(database: Path, sql: str, **params: object) -> list[tuple[Any, ...]]:
    """Rows of a served SQLite database, read from outside as an operator would."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()
