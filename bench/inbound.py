"""A contest's burst of answers against `relais web`, beside a bare FastAPI endpoint and
a plain python-telegram-bot webhook bot (bench/plain_ptb.py) under the same uvicorn
settings, on SQLite and on PostgreSQL, at 16 and 64 connections, for Telegram's updates
and Twilio's signed WhatsApp form posts.

    python bench/inbound.py [--requests 3000] [--connections 16,64] [--postgres URL|'']
                            [--kinds telegram,twilio] [--servers bare,ptb,relais]

Each Telegram update comes from a distinct joined relay with its own update_id: a third
are contest answers as callback_query taps, a third typed answers ("2"), a third plain
text. Each WhatsApp message likewise (a quick-reply tap, "2", text), its own MessageSid,
signed with twilio's RequestValidator over RELAIS_PUBLIC_URL as Twilio signs it. Every
server runs as an operator starts it (a real uvicorn server in a subprocess), gets
--warmup requests untimed, then the timed burst from bench/load.py's keep-alive
generator; the server's CPU seconds over the timed burst are read from /proc. After each
run the stored rows are counted and must equal the 200s (Relais's inbound_messages, the
plain bot's plain_updates). Under the burst Relais answers some updates after their 200
(bot/web/backlog.py): for Relais the script also waits until none waits for its
conversation, and prints how long after the burst that was, and the updates a second and
the CPU per update from the burst's start until then. Not a test: it prints a table and
the ratios last (relais/bare, relais/PTB), and each run stops after --limit seconds.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/inbound.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.bursts import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    FIRST_CHAT,
    PUBLIC_URL,
    SECRET,
    WHATSAPP_FROM,
    burst,
    twilio_burst,
    whatsapp_address,
)
from bench.load import (  # noqa: E402
    RELAIS,
    Load,
    bare_command,
    drive,
    free_port,
    relais_env,
    server,
)
from bench.standings import postgres_database  # noqa: E402
from bot.db import make_engine  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.models import (  # noqa: E402
    Contest,
    ContestState,
    InboundMessage,
    Language,
    Question,
    Relay,
    RelayStatus,
)

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TOKEN = "123456:bench"  # noqa: S105 - Telegram is never called: `relais web` only queues


def prepare(url: str, relays: int) -> int:
    """`relays` joined Telegram relays, as many on WhatsApp, and an open contest; the
    first question's id."""
    upgrade(url)
    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(Relay),
            [
                {
                    "address": f"telegram:{FIRST_CHAT + n}",
                    "channel": "telegram",
                    "language": Language.FR,
                    "place": "kayes",
                    "status": RelayStatus.ACTIVE,
                    "consent_at": now,
                    "referral_code": f"B{n:09d}",
                }
                for n in range(relays)
            ]
            + [
                {
                    "address": whatsapp_address(n),
                    "channel": "whatsapp",
                    "language": Language.FR,
                    "place": "kayes",
                    "status": RelayStatus.ACTIVE,
                    "consent_at": now,
                    "referral_code": f"W{n:09d}",
                }
                for n in range(relays)
            ],
        )
        contest = connection.execute(
            insert(Contest)
            .values(
                slug="bench",
                title={"fr": "Quiz", "bm": "Ɲininkali"},
                prize={"fr": "Crédit", "bm": "Wari"},
                state=ContestState.OPEN,
                opens_at=now - timedelta(minutes=5),
                closes_at=now + timedelta(hours=2),
                points=10,
                speed_bonus=5,
                speed_minutes=60,
                audience={},
            )
            .returning(Contest.id)
        ).scalar_one()
        question = connection.execute(
            insert(Question)
            .values(
                contest_id=contest,
                position=0,
                media={},
                text={"fr": "Qui élit le maire ?", "bm": "Jɔn bɛ mɛri sugandi?"},
                choices=[{"fr": "Le gouverneur"}, {"fr": "Le conseil"}, {"fr": "Le préfet"}],
                correct=1,
            )
            .returning(Question.id)
        ).scalar_one()
    engine.dispose()
    return int(question)


def stored(url: str, channel: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.channel == channel)
        )
    engine.dispose()
    return int(count or 0)


def waiting(url: str) -> int:
    """Stored messages whose conversation has not run yet (bot/web/backlog.py)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count()).select_from(InboundMessage).where(InboundMessage.waiting)
        )
    engine.dispose()
    return int(count or 0)


def stored_plain(url: str, channel: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(
            text("SELECT count(*) FROM plain_updates WHERE channel = :channel"),
            {"channel": channel},
        )
    engine.dispose()
    return int(count or 0)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far, all its threads (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def relais_command(port: int) -> list[str]:
    return [str(RELAIS), "web", "--port", str(port)]


def plain_command(port: int, url: str) -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("plain_ptb.py")), str(port), url]


@dataclass(frozen=True)
class Measured:
    load: Load
    cpu: float  # server CPU seconds over the timed burst
    rows: int | None  # rows stored by the timed burst (None: the bare endpoint stores none)
    # Relais: seconds from the burst's end until no message waits for its conversation,
    # and the server's CPU seconds over the burst and that time.
    answered_after: float | None = None
    cpu_answered: float | None = None

    @property
    def answered_per_second(self) -> float | None:
        """Updates a second, from the burst's start until every one was answered."""
        if self.answered_after is None:
            return None
        total = sum(self.load.statuses.values())
        return total / (self.load.seconds + self.answered_after)

    @property
    def cpu_ms(self) -> float:
        answered = sum(self.load.statuses.values())
        return self.cpu / answered * 1000 if answered else 0.0

    @property
    def durable(self) -> str:
        if self.rows is None:
            return "-"
        if self.rows == self.load.ok:
            return "rows == 200s"
        return f"ROWS {self.rows} != 200s {self.load.ok}"


def measure(
    command: list[str],
    port: int,
    env: dict[str, str],
    requests: list[bytes],
    warmup: int,
    connections: int,
    limit: float,
    rows: Callable[[], int] | None,
    unanswered: Callable[[], int] | None = None,
) -> Measured:
    """Start the server, warm it up with the first `warmup` requests, then time the rest;
    with `unanswered`, also until it counts none (the warm-up's answered first)."""
    with server(command, port, env) as (process, _ready):
        drive(port, requests[:warmup], connections, limit)
        if unanswered is not None:
            until_none(unanswered, limit)
        before = rows() if rows else 0
        started = cpu_seconds(process.pid)
        load = drive(port, requests[warmup:], connections, limit)
        cpu = cpu_seconds(process.pid) - started
        after = rows() if rows else 0
        if unanswered is None:
            return Measured(load, cpu, after - before if rows else None)
        answered_after = until_none(unanswered, limit)
        cpu_answered = cpu_seconds(process.pid) - started
    return Measured(load, cpu, after - before, answered_after, cpu_answered)


def until_none(count: Callable[[], int], limit: float) -> float:
    """Seconds until `count()` is 0, looked at every 20 ms; `limit` at most (then inf)."""
    started = time.monotonic()
    while count():
        if time.monotonic() - started > limit:
            return math.inf
        time.sleep(0.02)
    return time.monotonic() - started


def line(name: str, measured: Measured) -> str:
    load = measured.load
    return (
        f"  {name:<22} {load.per_second:7.0f} req/s  p50 {load.percentile(0.5) * 1000:6.1f} ms"
        f"  p99 {load.percentile(0.99) * 1000:7.1f} ms  cpu {measured.cpu_ms:5.2f} ms/req"
        f"  200s {load.ok}/{sum(load.statuses.values())}  {measured.durable}" + answered(measured)
    )


def answered(measured: Measured) -> str:
    """Relais: when the last update was answered, and the rate and CPU until then."""
    per_second = measured.answered_per_second
    if per_second is None or measured.cpu_answered is None:
        return ""
    total = sum(measured.load.statuses.values())
    return (
        f"; all answered {measured.answered_after:.2f} s after the burst:"
        f" {per_second:.0f} updates/s, cpu {measured.cpu_answered / total * 1000:.2f} ms/update"
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(backend: str, url: str, args: argparse.Namespace) -> list[str]:
    connections = [int(c) for c in args.connections.split(",")]
    per_run = args.warmup + args.requests
    question = prepare(url, per_run * len(connections))
    env = relais_env(
        database_url=url,
        telegram_token=TOKEN,
        telegram_secret=SECRET,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_whatsapp_from=WHATSAPP_FROM,
        public_url=PUBLIC_URL,
    )
    plain_env = relais_env()
    plain_env.update(PLAIN_TELEGRAM_SECRET=SECRET, PLAIN_TWILIO_AUTH_TOKEN=AUTH_TOKEN)
    plain_env.update(PLAIN_TELEGRAM_TOKEN=TOKEN, PLAIN_PUBLIC_URL=PUBLIC_URL)
    ratios: list[str] = []
    kinds = [k for k in ("telegram", "twilio") if k in args.kinds.split(",")]
    for index, count in enumerate(connections):
        first = index * per_run
        for kind in kinds:
            if kind == "telegram":
                requests, channel = burst(first, per_run, question), "telegram"
            else:
                requests, channel = twilio_burst(first, per_run, question), "whatsapp"
            print(
                f"{backend}, {kind}, {count} connections, {args.requests} updates"
                f" after {args.warmup} to warm up (load {load_average()})"
            )
            figures: dict[str, Measured] = {}
            for name in args.servers.split(","):
                port = free_port()
                if name == "bare":
                    command, server_env, rows = bare_command(port), relais_env(), None
                elif name == "ptb":
                    command, server_env = plain_command(port, url), plain_env
                    rows = partial(stored_plain, url, channel)
                else:
                    command, server_env = relais_command(port), env
                    rows = partial(stored, url, channel)
                figures[name] = measure(
                    command,
                    port,
                    server_env,
                    requests,
                    args.warmup,
                    count,
                    args.limit,
                    rows,
                    partial(waiting, url) if name == "relais" else None,
                )
                print(
                    line(
                        {"bare": "bare FastAPI", "ptb": "plain PTB bot"}.get(name, name),
                        figures[name],
                    )
                )
            relais = figures.get("relais")
            if relais is None:
                continue
            said = [
                f"{backend:<10} {kind:<8} {count:>3} conn: relais {relais.load.per_second:6.0f}/s"
                f" p99 {relais.load.percentile(0.99) * 1000:6.1f} ms"
                f" cpu {relais.cpu_ms:.2f} ms/req"
            ]
            for name in ("bare", "ptb"):
                other = figures.get(name)
                if other is not None and other.load.per_second:
                    ratio = relais.load.per_second / other.load.per_second
                    said.append(f"relais/{name} {ratio:.3f}")
            said.append(relais.durable + answered(relais) + f"; load {load_average()}")
            ratios.append("; ".join(said))
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="updates per run")
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--warmup", type=int, default=300, help="untimed updates first")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per run, at most")
    parser.add_argument("--kinds", default="telegram,twilio", help="telegram, twilio or both")
    parser.add_argument(
        "--servers", default="bare,ptb,relais", help="which of bare, ptb, relais to run"
    )
    parser.add_argument("--postgres", default=POSTGRES_ADMIN, help="admin URL ('' for none)")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    ratios: list[str] = []
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            ratios += run("sqlite", f"sqlite:///{folder}/bench.db", args)
    if args.postgres:
        with postgres_database(args.postgres) as postgres_url:
            if postgres_url is None:
                print(f"  (PostgreSQL: not measured, nothing answers at {args.postgres})")
            else:
                ratios += run("postgresql", postgres_url, args)
    print("\nratios (relais / bare FastAPI and / plain PTB bot, same run; read these):")
    for ratio in ratios:
        print("  " + ratio)


if __name__ == "__main__":
    main()
