"""The baseline of bench/outbound.py's unpaced run: what a bare asyncio sender does with
the same queued broadcast and the same fake. It reads every queued delivery at once, keeps
64 sends in flight over one aiohttp connection pool (the HTTP client the worker's
Telegram channel uses), and records the outcomes 100 at a time with one
Core UPDATE each (status, sent_at, platform id), in a thread. No pace, no lease, no per-chat
order: the floor under the worker's bookkeeping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, NamedTuple

import aiohttp
from sqlalchemy import bindparam, select, update

from bot.cli.entry import settle_collector
from bot.db import make_engine
from bot.migrations import upgrade
from bot.models import Delivery, DeliveryStatus, Relay, utcnow
from tests.bulk import queue_broadcast

FIRST_CHAT = 10_000
IN_FLIGHT = 64
RECORD_EVERY = 100
Fake = Callable[[float], AbstractContextManager[tuple[str, str, dict[str, int]]]]


class Result(NamedTuple):
    rate: float  # msg/s from the first send to the last
    cpu_ms: float  # CPU this process spent per message while sending (every thread)


def bare_run(url: str, *, count: int, fake: Fake) -> Result:
    """Send `count` queued deliveries."""
    upgrade(url)
    queue_broadcast(url, count, first_chat=FIRST_CHAT, source_ref="bench")
    engine = make_engine(url)
    with engine.connect() as connection:
        todo = connection.execute(
            select(Delivery.id, Relay.address).join(Relay, Relay.id == Delivery.relay_id)
        ).all()
    done: list[dict[str, Any]] = []

    def record(rows: list[dict[str, Any]]) -> None:
        with engine.begin() as connection:
            connection.execute(
                update(Delivery)
                .where(Delivery.id == bindparam("key"))
                .values(
                    status=DeliveryStatus.SENT,
                    sent_at=bindparam("at"),
                    platform_message_id=bindparam("pid"),
                ),
                rows,
            )

    async def send_all(api_url: str, token: str) -> None:
        base = f"{api_url}/bot{token}/sendMessage"
        client = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=IN_FLIGHT),
            timeout=aiohttp.ClientTimeout(total=10),
        )
        queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        for row in todo:
            queue.put_nowait((row.id, row.address))
        writes: list[asyncio.Future[None]] = []

        async def sender() -> None:
            while not queue.empty():
                key, address = queue.get_nowait()
                chat = int(address.split(":", 1)[1])
                body = {"chat_id": chat, "text": "Réunion"}
                async with client.post(base, json=body) as answer:
                    pid = str((await answer.json())["result"]["message_id"])
                done.append({"key": key, "at": utcnow(), "pid": pid})
                if len(done) >= RECORD_EVERY:
                    batch = done[:]
                    done.clear()
                    writes.append(asyncio.ensure_future(asyncio.to_thread(record, batch)))

        await asyncio.gather(*(sender() for _ in range(IN_FLIGHT)))
        if done:
            record(done)
        await asyncio.gather(*writes)
        await client.close()

    settle_collector()  # as the worker's process is (bench/outbound.py's work): the same collector
    with fake(0) as (api_url, token, _):
        started = time.process_time()
        asyncio.run(send_all(api_url, token))
        cpu = time.process_time() - started
    with engine.connect() as connection:
        first, last = (
            connection.execute(
                select(Delivery.sent_at).order_by(Delivery.sent_at).limit(1)
            ).scalar_one(),
            connection.execute(
                select(Delivery.sent_at).order_by(Delivery.sent_at.desc()).limit(1)
            ).scalar_one(),
        )
    engine.dispose()
    seconds = (last - first).total_seconds()
    return Result((count - 1) / seconds if seconds else 0.0, 1000 * cpu / count)
