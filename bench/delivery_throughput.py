"""How fast one delivery worker sends on SQLite to the loopback fake Telegram, with the
shared limiter (the channel_rate row, one transaction per grant) beside the same run with
the limiter bypassed (and, with --in-process, the old in-process bucket). The rate limit
is set high enough not to bind, so the difference is what the shared limiter costs. The
fake runs in a process of its own, so it does not share this one's interpreter lock.

    python bench/delivery_throughput.py [--count 2000] [--rate 5000] [--batch 50] [--in-process]

Not a test: it prints a table and the ratios, and finishes by itself (each run is cut
off after --limit seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/delivery_throughput.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.db import make_engine, make_session_factory  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.models import Delivery, DeliveryStatus  # noqa: E402
from bot.outbound import Message  # noqa: E402
from scheduler.ratelimit import Pace, SharedBucket, TokenBucket, Unpaced  # noqa: E402
from scheduler.worker import DeliveryWorker  # noqa: E402
from tests.bulk import queue_broadcast  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402

FIRST_CHAT = 10_000


@dataclass(frozen=True)
class Result:
    limiter: str
    sent: int
    seconds: float
    transactions: int

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def prepare(url: str, count: int) -> None:
    """`count` Telegram relays and one queued broadcast delivery each, in bulk."""
    upgrade(url)
    queue_broadcast(url, count, first_chat=FIRST_CHAT, source_ref="bench")


def pending(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        waiting = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
        query = select(func.count()).select_from(Delivery).where(Delivery.status.in_(waiting))
        return int(session.scalar(query) or 0)


@contextmanager
def fake_process() -> Iterator[tuple[str, str, list[int]]]:
    """The fake in a process of its own (this one's GIL stays with the worker); yields its
    URL, its token, and, once it stopped, how many messages it received."""
    child = subprocess.Popen(  # noqa: S603 - this very script, by the running Python
        [sys.executable, __file__, "--serve-fake"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.stdin is None or child.stdout is None:
        raise RuntimeError("no pipe to the fake's process")
    received: list[int] = []
    try:
        api_url, token = child.stdout.readline().split()
        yield api_url, token, received
        child.stdin.close()
        received.append(int(child.stdout.readline() or 0))
        child.wait(timeout=15)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=5)


def serve_fake() -> None:
    """--serve-fake: run the fake until stdin closes, then say how many messages it got."""
    with FakeTelegram() as fake:
        print(fake.api_url, fake.token, flush=True)
        sys.stdin.read()
        print(len(fake.calls_to("sendMessage")), flush=True)


def run(kind: str, *, count: int, rate: float, batch: int, limit: float) -> Result:
    with tempfile.TemporaryDirectory() as tmp, fake_process() as (api_url, token, received):
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        prepare(url, count)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        shared = SharedBucket(factory, "telegram", rate)
        limiters: dict[str, Pace] = {
            "shared (database)": shared,
            "in-process bucket": TokenBucket(rate),
            "bypassed": Unpaced(),
        }

        async def drain() -> float:
            sender = TelegramChannel(token=token, api_url=api_url, rate=rate)
            worker = DeliveryWorker(
                factory=factory,
                channels={"telegram": sender},
                batch_size=batch,
                limiters={"telegram": limiters[kind]},
            )
            await sender.send(str(FIRST_CHAT - 1), Message("warm-up"))  # connect first
            start = time.perf_counter()
            deadline = start + limit
            while time.perf_counter() < deadline and await worker.run_once():
                pass
            elapsed = time.perf_counter() - start
            await sender.close()
            return elapsed

        seconds = asyncio.run(drain())
        left = pending(factory)
        engine.dispose()
    sent = received[0] - 1 if received else 0
    if left:
        print(f"  ({kind}: stopped after {limit:.0f} s with {left} still queued)")
    return Result(kind, sent, seconds, shared.transactions if kind.startswith("shared") else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="deliveries (max 20000)")
    parser.add_argument("--rate", type=float, default=5000.0, help="limit, messages/s")
    parser.add_argument("--batch", type=int, default=50, help="claim size")
    parser.add_argument("--limit", type=float, default=20.0, help="seconds per run, at most")
    parser.add_argument(
        "--in-process", action="store_true", help="also run the old in-process bucket"
    )
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake()
        return
    count = max(1, min(args.count, 20_000))
    print(f"{count} deliveries, SQLite, one worker, fake Telegram, rate limit {args.rate:g}/s")
    kinds = ["bypassed", "shared (database)"] + (["in-process bucket"] if args.in_process else [])
    results = [
        run(kind, count=count, rate=args.rate, batch=args.batch, limit=args.limit) for kind in kinds
    ]
    print(f"{'limiter':<20}{'sent':>7}{'seconds':>10}{'msg/s':>9}{'bucket tx':>11}")
    for result in results:
        print(
            f"{result.limiter:<20}{result.sent:>7}{result.seconds:>10.2f}"
            f"{result.per_second:>9.0f}{result.transactions or '':>11}"
        )
    baseline = results[0]
    if baseline.per_second:
        for result in results[1:]:
            print(f"{result.limiter} / bypassed: {result.per_second / baseline.per_second:.2f}")


if __name__ == "__main__":
    main()
