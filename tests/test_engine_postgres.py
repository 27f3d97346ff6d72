"""The delivery engine at scale on PostgreSQL: two `relais worker` processes and one
`relais web` against one database and the fake Telegram.

5,000 relays each have one queued broadcast delivery; the workers share the channel's
pace through the database. Every relay must get exactly one message, and the fake's own
receive times must show the two workers together within RELAIS_TELEGRAM_RATE. Relays
writing to the web process meanwhile get their replies through the same workers.

The helpers here (starting `relais` processes, reading what they did) serve
tests/test_crash.py too.
"""

from __future__ import annotations

import bisect
import gc
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from bot.migrations import upgrade
from tests.bulk import queue_broadcast, statuses
from tests.databases import postgres_database
from tests.factories import telegram_update
from tests.fakes.telegram import Call, FakeTelegram
from tests.serving import fake_settings, free_port, post_update, relais_env
from tests.waiting import eventually

RELAIS = Path(sys.executable).with_name("relais")
FIRST_CHAT = 700_000
COUNT = 5_000
# The fake shares two cores with PostgreSQL and three Relais processes: 100/s keeps the
# run near a minute and leaves them room to keep up.
RATE = 100
WINDOW_TOLERANCE = 1.1  # calls in any 1-second window: at most RATE * 1.1
DURATION_TOLERANCE = 0.9  # and the whole run: at least COUNT / RATE * 0.9 seconds


def processes_env(url: str, telegram: FakeTelegram, **settings: str) -> dict[str, str]:
    """The environment of `relais` processes on this database, with the fake Telegram."""
    public = "http://127.0.0.1:8000"
    return relais_env(database_url=url, public_url=public, **fake_settings(telegram), **settings)


class Processes:
    """`relais` subprocesses, each logging to its own file; all stopped on exit."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.tmp / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [RELAIS, *args], cwd=self.tmp, env=self.env, stdout=log, stderr=log
            )
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        """kill -9: no chance to finish anything or record what it sent."""
        process = self.running.pop(name)
        process.kill()
        process.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in self.running)

    def check_alive(self) -> None:
        for name, process in self.running.items():
            assert process.poll() is None, f"{name} exited early:\n{self.logs()}"

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@contextmanager
def steady_clock() -> Iterator[None]:
    """No full garbage collection in this process for the duration: the fake Telegram
    runs here, and a collection (~90 ms with everything the tests import) stalls its
    server, so sends that left on time are received, and timestamped, in a burst."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


@contextmanager
def relais_processes(tmp: Path, env: dict[str, str]) -> Iterator[Processes]:
    processes = Processes(tmp, env)
    try:
        yield processes
    finally:
        processes.stop_all()


def wait_until_sent(url: str, processes: Processes, *, timeout: float) -> Counter[str]:
    """Wait until nothing is queued or sending; returns the final statuses."""

    def progress() -> Counter[str]:
        processes.check_alive()
        return statuses(url)

    return eventually(
        progress,
        until=lambda found: found["queued"] == 0 and found["sending"] == 0,
        awaiting="nothing queued or sending",
        timeout=timeout,
        interval=0.5,
        context=processes.logs,
    )


def sent_by(log: str) -> int:
    """What a worker said it sent, as it stopped."""
    found = re.findall(r"delivery worker stopped; (\d+) messages sent", log)
    assert found, f"the worker did not stop cleanly:\n{log[-3000:]}"
    return int(found[-1])


def busiest_second(times: list[float]) -> int:
    """The most calls in any 1-second window (each window starting at a call)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, at + 1.0) - i for i, at in enumerate(times)), default=0)


def chats(calls: list[Call]) -> Counter[int]:
    return Counter(int(call.params["chat_id"]) for call in calls)


def wait_healthy(url: str, processes: Processes, timeout: float = 30) -> None:
    def healthy() -> bool:
        with suppress(httpx.TransportError):
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return True
        processes.check_alive()
        return False

    eventually(
        healthy,
        awaiting=f"relais web to answer {url}/healthz",
        timeout=timeout,
        interval=0.2,
        context=processes.logs,
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_and_a_web_process_send_5000_once_each_within_the_rate(
    tmp_path: Path,
) -> None:
    # The fake refuses (429) anything beyond 1 message a second to a chat, or beyond 125 %
    # of the configured rate for the whole bot.
    with (
        postgres_database() as url,
        FakeTelegram(per_chat_per_second=1, global_per_second=RATE * 1.25) as telegram,
    ):
        upgrade(url)
        queue_broadcast(url, COUNT, first_chat=FIRST_CHAT)
        env = processes_env(url, telegram, telegram_rate=str(RATE))
        with steady_clock(), relais_processes(tmp_path, env) as processes:
            port = free_port()
            processes.start("web", "web", "--port", str(port))
            processes.start("worker-1", "worker")
            processes.start("worker-2", "worker")
            web = f"http://127.0.0.1:{port}"
            wait_healthy(web, processes)
            # Meanwhile, three people write to the bot: their replies join the queue.
            writers = [910_001, 910_002, 910_003]
            for chat in writers:
                post_update(web, telegram_update("/start", chat_id=chat))
            found = wait_until_sent(url, processes, timeout=150)
            processes.check_alive()
        per_worker = [sent_by(processes.log(name)) for name in ("worker-1", "worker-2")]

        broadcast = [
            call
            for call in telegram.calls_to("sendMessage")
            if FIRST_CHAT <= int(call.params["chat_id"]) < FIRST_CHAT + COUNT
        ]
        received = chats(broadcast)
        duplicates = sum(n - 1 for n in received.values() if n > 1)
        lost = COUNT - len(received)
        times = [call.at for call in telegram.calls if call.method.startswith("send")]
        duration = max(times) - min(times)
        busiest = busiest_second(times)
        print(  # noqa: T201 - the figures this test measured, shown with -s
            f"\n{COUNT} deliveries, RELAIS_TELEGRAM_RATE={RATE}, workers sent {per_worker}: "
            f"{duration:.1f} s ({len(times) / duration:.1f}/s), busiest second {busiest} calls, "
            f"lost {lost}, duplicates {duplicates}, refused {len(telegram.refused)}"
        )
        assert found["sent"] == COUNT + sum(
            chats(telegram.calls_to("sendMessage"))[c] for c in writers
        )
        assert lost == 0
        assert sum(per_worker) == found["sent"]
        assert min(per_worker) > COUNT / 4, "both workers sent a fair share"
        assert duplicates == 0
        assert set(received) == set(range(FIRST_CHAT, FIRST_CHAT + COUNT))
        assert all(chats(telegram.calls_to("sendMessage"))[chat] >= 1 for chat in writers)
        assert telegram.refused == [], telegram.summary()
        assert busiest <= RATE * WINDOW_TOLERANCE
        assert duration >= COUNT / RATE * DURATION_TOLERANCE
