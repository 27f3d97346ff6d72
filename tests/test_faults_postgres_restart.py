"""Fault suite: PostgreSQL restarted during a stream of Telegram webhooks. Every update
answered 200 is in the database; those that arrive while it is down get a 5xx (so
Telegram sends them again); the app recovers by itself once it is back.

The shared PostgreSQL is never touched: the test starts a throwaway server of its own on
a free port in a temporary directory (as the postgres user when run as root), and skips
only where the server's programs are absent outside CI."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.db import make_engine, make_session_factory
from bot.migrations import upgrade
from bot.models import InboundMessage
from bot.settings import Settings
from bot.web.app import create_app
from tests.conftest import HOOK_HEADERS, HOOK_SECRET
from tests.databases import postgres_required
from tests.factories import telegram_update

pytestmark = [pytest.mark.faults, pytest.mark.slow]
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


class Server:
    """A PostgreSQL of the test's own: initdb, start, stop."""

    def __init__(self, bin_dir: str, root: Path) -> None:
        self.bin, self.data, self.port = Path(bin_dir), root / "data", free_port()
        self.log = root / "server.log"
        self.root = root
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server() -> Iterator[Server]:
    if not BINARIES:
        if postgres_required():
            pytest.fail("CI=true but PostgreSQL's server programs are not installed")
        pytest.skip("no initdb/pg_ctl under /usr/lib/postgresql")
    root = Path(tempfile.mkdtemp(prefix="relais-pg-"))  # pytest's own is closed to postgres
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = Server(BINARIES[-1], root)
    server.start()
    try:
        yield server
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
            + [str(server.bin / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_a_postgres_restart_loses_no_update_answered_200(server: Server) -> None:
    upgrade(server.url)
    values: dict[str, object] = {
        "database_url": server.url,
        "telegram_token": "123456:TEST-token",
        "telegram_secret": HOOK_SECRET,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]
    answered: dict[int, int] = {}  # chat -> status
    chats = iter(range(50_000, 60_000))

    def send(client: TestClient) -> int:
        chat = next(chats)
        update = telegram_update("/start", chat_id=chat)
        response = client.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS)
        answered[chat] = response.status_code
        return response.status_code

    app = create_app(settings)
    with TestClient(app, client=("127.0.0.1", 40000), raise_server_exceptions=False) as client:
        before = [send(client) for _ in range(20)]
        assert set(before) == {200}
        server.stop()
        during = [send(client) for _ in range(10)]
        assert all(status >= 500 for status in during), during  # Telegram will send again
        server.start()
        deadline = time.monotonic() + 30
        after: list[int] = []
        while time.monotonic() < deadline and after[-5:] != [200] * 5:
            after.append(send(client))
        assert after[-5:] == [200] * 5, after  # back by itself, no restart of the app
        assert all(status == 200 or status >= 500 for status in after), after
    engine = make_engine(server.url)
    with make_session_factory(engine)() as session:
        stored = set(session.scalars(select(InboundMessage.address)))
    engine.dispose()
    ok = {f"telegram:{chat}" for chat, status in answered.items() if status == 200}
    assert ok <= stored, sorted(ok - stored)  # every 200 is in the database
    assert len(ok) >= 25
