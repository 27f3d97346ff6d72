"""A broadcast sent by the delivery workers to the loopback fake Telegram, which enforces
the configured limit for the whole bot and 1 message/s per chat, as Telegram does.

    python bench/outbound.py [--rates 30 300 1000] [--seconds 20 | --relays 100000]
                             [--unpaced 20000] [--postgres URL|'']
                             [--runs sqlite1,postgresql1,postgresql2]

For each rate: N = rate × seconds relays (or --relays of them), one queued delivery
each; SQLite with one worker, PostgreSQL with one and with two worker processes sharing
the pace. It prints achieved/configured (sent over the time from the first send to the
last, from the deliveries' sent_at), the 429s the fake answered, the deliveries lost (not
sent when the run stopped), the chats that got the broadcast twice, the most sends the
fake saw in any one second, and, for each whole second from the first send, the fewest
sends and how many seconds fell under 0.9 of the rate (where a shortfall went). Then the unpaced
capacity: one worker against a fake that enforces nothing, beside a bare asyncio sender
(bench/bare_sender.py) doing the same sends and recordings, and the worker's own work
alone: the same worker with each Bot API call answered at once in its own process (no
HTTP), which is what the worker spends beyond the sends themselves. The fake and each
worker run in processes of their own. Not a test; each run is cut off after --limit
seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/outbound.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.standings import postgres_database  # noqa: E402
from bot.channels.telegram import channel as telegram_channel  # noqa: E402
from bot.channels.telegram.api import BotApi  # noqa: E402
from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.cli.entry import settle_collector  # noqa: E402
from bot.db import make_engine, make_session_factory  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.models import Delivery, DeliveryStatus  # noqa: E402
from scheduler.ratelimit import Unpaced  # noqa: E402
from scheduler.worker import DeliveryWorker  # noqa: E402
from tests.bulk import queue_broadcast  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402

FIRST_CHAT = 10_000
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
INSTANT = "instant"  # the worker's API URL for a run with no HTTP: each call answered at once
HERE = Path(__file__)


@contextmanager
def fake_process(rate: float) -> Iterator[tuple[str, str, dict[str, int]]]:
    """The fake in a process of its own, enforcing `rate` (0: nothing); yields its URL,
    token, and, once stopped, what it saw."""
    child = subprocess.Popen(  # noqa: S603 - this very script, by the running Python
        [sys.executable, str(HERE), "--serve-fake", str(rate)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.stdin is None or child.stdout is None:
        raise RuntimeError("no pipe to the fake's process")
    seen: dict[str, int] = {}
    try:
        api_url, token = child.stdout.readline().split()
        yield api_url, token, seen
        child.stdin.close()
        seen.update(json.loads(child.stdout.readline()))
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=5)


@contextmanager
def instant_fake() -> Iterator[tuple[str, str, dict[str, int]]]:
    """No fake at all: the workers answer their own calls (answer_at_once)."""
    yield INSTANT, "1:instant", {"twice": 0}


def serve_fake(rate: float) -> None:
    """--serve-fake: run the fake until stdin closes, then print what it saw as JSON."""
    limits = {"per_chat_per_second": 1.0, "global_per_second": rate} if rate else {}
    with FakeTelegram(**limits) as fake:  # type: ignore[arg-type]
        print(fake.api_url, fake.token, flush=True)
        sys.stdin.read()
        sent = fake.calls_to("sendMessage")
        chats = Counter(call.params["chat_id"] for call in sent)
        times = sorted(call.at for call in sent)
        busiest, start = 0, 0
        for end, at in enumerate(times):  # most sends in any one second
            while at - times[start] >= 1.0:
                start += 1
            busiest = max(busiest, end - start + 1)
        # Each whole second from the first send: the fewest sends in one, and how many
        # fell under 0.9 of the rate (where a paced run's shortfall went).
        per_second = Counter(int(at - times[0]) for at in times) if times else Counter()
        whole = [per_second[i] for i in range(max(per_second, default=0))]
        seen = {
            "sent": len(sent),
            "twice": sum(1 for n in chats.values() if n > 1),
            "refused_429": sum(1 for r in fake.refused if r.status == 429),
            "busiest_second": busiest,
            "slowest_second": min(whole, default=0),
            "seconds_under_0.9": sum(1 for n in whole if n < 0.9 * rate) if rate else 0,
        }
        print(json.dumps(seen), flush=True)


def work(
    url: str, api_url: str, token: str, rate: float, batch: int, limit: float, most: int
) -> None:
    """--worker: one delivery worker until nothing is left to send (or `limit`), with at
    most `most` sends in flight (8 and one client was the channel before)."""
    telegram_channel.MAX_IN_FLIGHT = most
    if api_url == INSTANT:
        answer_at_once()
    engine = make_engine(url)
    # As `relais worker` does once loaded (bot/cli/entry.py): what lasts as long as the
    # process frozen out of the collector's way, the young generation collected less often.
    settle_collector()
    factory = make_session_factory(engine)

    # Unpaced (rate 0): the channel keeps its most sends in flight (what it would at 1,000/s)
    # and the limiter is bypassed.
    limiters = {"telegram": Unpaced()} if rate == 0 else None
    pace = rate or 1000.0

    async def drain() -> None:
        channel = TelegramChannel(token=token, api_url=api_url, rate=pace)
        worker = DeliveryWorker(
            factory=factory,
            channels={"telegram": channel},
            batch_size=batch or None,
            limiters=limiters,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        deadline = time.monotonic() + limit
        # The database, not an event, says when the broadcast is done.
        while time.monotonic() < deadline and await asyncio.to_thread(pending, factory):  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        stop.set()
        await running

    started = time.process_time()
    asyncio.run(drain())
    # The CPU this process spent sending (every thread), for the parent: on a shared,
    # loaded machine, CPU per message varies far less than messages per second.
    print(json.dumps({"cpu": time.process_time() - started}), flush=True)
    engine.dispose()


def answer_at_once() -> None:
    """Every Bot API call of this process answered at once, as Telegram answers a
    sendMessage, after one turn of the event loop: the worker's own work, without HTTP."""
    ids = itertools.count(1)

    async def call(self: BotApi, method: str, parameters: dict[str, Any]) -> Any:
        await asyncio.sleep(0)
        return {"message_id": next(ids), "chat": {"id": parameters.get("chat_id")}}

    BotApi.call = call  # type: ignore[method-assign]


def pending(factory: object) -> int:
    with factory() as session:  # type: ignore[operator]
        waiting = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
        query = select(func.count()).select_from(Delivery).where(Delivery.status.in_(waiting))
        return int(session.scalar(query) or 0)


def sent_span(url: str) -> tuple[int, float]:
    """How many were sent, and the seconds from the first send to the last."""
    engine = make_engine(url)
    with engine.connect() as connection:
        count, first, last = connection.execute(
            select(func.count(), func.min(Delivery.sent_at), func.max(Delivery.sent_at)).where(
                Delivery.sent_at.is_not(None)
            )
        ).one()
    engine.dispose()
    return int(count), (last - first).total_seconds() if count > 1 else 0.0


def run(
    url: str,
    *,
    rate: float,
    count: int,
    workers: int,
    batch: int,
    limit: float,
    enforce: bool,
    most: int = telegram_channel.MAX_IN_FLIGHT,
    instant: bool = False,
) -> dict[str, float]:
    """One broadcast of `count` through `workers` processes; rate 0 means unpaced;
    `instant`: no fake, each call answered in the worker's process."""
    upgrade(url)
    queue_broadcast(url, count, first_chat=FIRST_CHAT, source_ref="bench")
    with (
        instant_fake() if instant else fake_process(rate if enforce else 0) as (
            api_url,
            token,
            seen,
        )
    ):
        args = [url, api_url, token, str(rate), str(batch), str(limit), str(most)]
        children = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, str(HERE), "--worker", *args], stdout=subprocess.PIPE, text=True
            )
            for _ in range(workers)
        ]
        cpu = sum(json.loads(child.communicate()[0].splitlines()[-1])["cpu"] for child in children)
    sent, seconds = sent_span(url)
    achieved = (sent - 1) / seconds if seconds else 0.0
    return {
        "sent": sent,
        "seconds": seconds,
        "achieved": achieved,
        "lost": count - sent,
        "cpu_ms": 1000 * cpu / max(1, sent),
        **seen,
    }


def databases(postgres: str, tmp: Path, tag: str) -> Iterator[tuple[str, str | None]]:
    """(name, URL) of a fresh database for each run; URL None when PostgreSQL is absent."""
    yield "sqlite", f"sqlite:///{tmp / (tag + '.db')}"
    if postgres:
        with postgres_database(postgres) as url:
            yield "postgresql", url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rates", type=float, nargs="*", default=[30.0, 300.0, 1000.0], help="none: unpaced only"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="of sending at each rate")
    parser.add_argument(
        "--relays", type=int, help="relays in each paced run, whatever the rate (not --seconds)"
    )
    parser.add_argument(
        "--unpaced", type=int, default=20_000, help="deliveries in the unpaced run (0: none)"
    )
    parser.add_argument("--batch", type=int, default=0, help="claim size (0: the worker's own)")
    parser.add_argument(
        "--runs",
        default="sqlite1,postgresql1,postgresql2",
        help="which paced runs: database and workers, comma-separated",
    )
    parser.add_argument(
        "--limit",
        type=float,
        help="seconds per run, at most (default: twice the sending time, plus 60)",
    )
    parser.add_argument("--postgres", default=POSTGRES_ADMIN, help="admin URL ('' for none)")
    parser.add_argument("--serve-fake", type=float, help=argparse.SUPPRESS)
    parser.add_argument(
        "--before", action="store_true", help="also run each with 8 in flight (the old channel)"
    )
    parser.add_argument("--worker", nargs=7, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake is not None:
        serve_fake(args.serve_fake)
        return
    if args.worker:
        url, api_url, token, rate, batch, limit, most = args.worker
        work(url, api_url, token, float(rate), int(batch), float(limit), int(most))
        return
    from bench.bare_sender import bare_run

    variants = [telegram_channel.MAX_IN_FLIGHT] + ([8] if args.before else [])
    print(
        f"{'database':<11}{'workers':>8}{'flight':>7}{'rate':>6}{'sent':>7}{'msg/s':>8}"
        f"{'ratio':>7}{'429':>5}{'lost':>6}{'twice':>6}{'max/1s':>7}{'min/1s':>7}"
        f"{'<0.9':>6}{'cpu ms':>7}"
    )
    runs = set(args.runs.split(","))
    with tempfile.TemporaryDirectory() as name:
        for rate in args.rates:
            count = args.relays or int(rate * args.seconds)
            limit = args.limit or 2 * count / rate + 60
            for workers, most in itertools.product((1, 2), variants):
                tag = f"r{rate:g}w{workers}f{most}"
                # No PostgreSQL database is made for a run not asked for.
                postgres = args.postgres if f"postgresql{workers}" in runs else ""
                for db, url in databases(postgres, Path(name), tag):
                    if url is None or f"{db}{workers}" not in runs:
                        continue
                    got = run(
                        url,
                        rate=rate,
                        count=count,
                        workers=workers,
                        batch=args.batch,
                        limit=limit,
                        enforce=True,
                        most=most,
                    )
                    print(
                        f"{db:<11}{workers:>8}{most:>7}{rate:>6g}{got['sent']:>7.0f}"
                        f"{got['achieved']:>8.0f}{got['achieved'] / rate:>7.2f}"
                        f"{got['refused_429']:>5.0f}{got['lost']:>6.0f}{got['twice']:>6.0f}"
                        f"{got['busiest_second']:>7.0f}{got['slowest_second']:>7.0f}"
                        f"{got['seconds_under_0.9']:>6.0f}{got['cpu_ms']:>7.2f}",
                        flush=True,
                    )
        unpaced = {}
        if not args.unpaced:
            return
        unpaced_run = functools.partial(
            run,
            rate=0,
            count=args.unpaced,
            workers=1,
            batch=args.batch,
            limit=args.limit or 2 * args.unpaced / 100 + 60,
            enforce=False,
        )
        for most in variants:
            unpaced[most] = unpaced_run(f"sqlite:///{Path(name) / f'unpaced{most}.db'}", most=most)
        bare = bare_run(
            f"sqlite:///{Path(name) / 'bare.db'}", count=args.unpaced, fake=fake_process
        )
        own = unpaced_run(f"sqlite:///{Path(name) / 'own.db'}", instant=True)
    print(f"unpaced, SQLite, {args.unpaced} deliveries, instant fake:")
    print(
        f"  bare asyncio sender (64 in flight, one aiohttp pool): {bare.rate:.0f} msg/s, "
        f"{bare.cpu_ms:.2f} ms CPU/msg"
    )
    for most, ours in unpaced.items():
        print(
            f"  one worker, at most {most} in flight: {ours['achieved']:.0f} msg/s, "
            f"{ours['cpu_ms']:.2f} ms CPU/msg "
            f"({ours['lost']:.0f} lost, {ours['twice']:.0f} twice); "
            f"worker / bare: {ours['achieved'] / bare.rate:.2f} in msg/s, "
            f"{bare.cpu_ms / ours['cpu_ms']:.2f} in CPU/msg"
        )
    # Bound by its CPU, a worker spending its own work plus what the bare sender spends in
    # all reaches 0.8x the bare sender only if its own work is at most a quarter of that.
    print(
        f"  the worker's own work alone (each call answered at once, no HTTP): "
        f"{own['achieved']:.0f} msg/s, {own['cpu_ms']:.2f} ms CPU/msg "
        f"({own['lost']:.0f} lost); 0.8x the bare sender leaves it "
        f"{bare.cpu_ms / 0.8 - bare.cpu_ms:.2f} ms"
    )


if __name__ == "__main__":
    main()
