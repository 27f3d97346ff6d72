"""kill -9 of `relais serve` during a 10,000-relay broadcast, then a restart, on SQLite
and PostgreSQL.

`relais serve` is the one process the README starts: web app, clock and delivery worker.
Killed with kill -9 a third of the way through, it records nothing more; started again,
it requeues the dead process' claims once their lease runs out and sends the rest. Every
relay gets the broadcast; a relay may get it twice only if its message was in flight
when the process died (sent, not yet recorded: still "sending" in the database), so the
duplicates are bounded by the claims left "sending". The test prints both.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.bulk import queue_broadcast, statuses
from tests.databases import migrated
from tests.fakes.telegram import FakeTelegram
from tests.serving import free_port
from tests.test_engine_postgres import (
    Processes,
    chats,
    processes_env,
    relais_processes,
    wait_healthy,
    wait_until_sent,
)

pytestmark = [pytest.mark.slow, pytest.mark.faults]

COUNT = 10_000
FIRST_CHAT = 4_000_000
RATE = 1_000  # RELAIS_TELEGRAM_RATE's ceiling: the process sends as fast as it can
KILL_AFTER = COUNT // 3


def serve(processes: Processes, name: str) -> None:
    """`relais serve` on a free port, as the README starts it, once it answers /healthz."""
    port = free_port()
    processes.start(name, "serve", "--port", str(port))
    wait_healthy(f"http://127.0.0.1:{port}", processes)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_kill_9_of_serve_mid_broadcast_then_a_restart_loses_nothing(
    kind: str, tmp_path: Path
) -> None:
    with migrated(kind, tmp_path) as url, FakeTelegram() as telegram:
        queue_broadcast(url, COUNT, first_chat=FIRST_CHAT, source_ref="kill-9")
        env = processes_env(url, telegram, telegram_rate=str(RATE), delivery_lease_seconds="2")
        with relais_processes(tmp_path, env) as processes:
            serve(processes, "first")
            telegram.wait_for(method="sendMessage", count=KILL_AFTER, timeout=180)
            processes.kill("first")
            telegram.wait_idle()  # what the dead process had sent is in
            received_before = len(telegram.calls_to("sendMessage"))
            stranded = statuses(url)
            serve(processes, "second")
            found = wait_until_sent(url, processes, timeout=300)

    received: Counter[int] = chats(telegram.calls_to("sendMessage"))
    duplicates = sum(n - 1 for n in received.values())
    print(  # noqa: T201 - the issue asks this test to report its duplicates
        f"\n{kind}: kill -9 of relais serve after {received_before} of {COUNT} sent, with"
        f" {stranded['sending']} claimed and not recorded; after the restart"
        f" {len(received)} relays reached, {duplicates} duplicate(s)"
    )
    assert KILL_AFTER <= received_before < COUNT, "killed mid-way"
    assert set(received) == set(range(FIRST_CHAT, FIRST_CHAT + COUNT)), "nothing lost"
    assert found == Counter({"sent": COUNT})
    assert duplicates <= stranded["sending"], "only what was in flight went twice"
    assert stranded["queued"] + stranded["sending"] + stranded["sent"] == COUNT
