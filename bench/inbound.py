"""A contest's burst of answers against `relais web`, beside a bare FastAPI endpoint under
the same uvicorn settings, on SQLite and on PostgreSQL, at 16 and 64 connections.

    python bench/inbound.py [--requests 3000] [--connections 16,64] [--postgres URL|'']

Each Telegram update comes from a distinct joined relay with its own update_id: a third
are contest answers as callback_query taps, a third typed answers ("2"), a third plain
text. Relais runs as an operator starts it (a real uvicorn server in a subprocess); the
load comes from bench/load.py's keep-alive generator. After each run the stored inbound
rows are counted and must equal the 200s. Not a test: it prints a table and the ratios,
and each run stops after --limit seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/inbound.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.load import (  # noqa: E402
    RELAIS,
    Load,
    bare_command,
    drive,
    free_port,
    relais_env,
    request_bytes,
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
FIRST_CHAT = 500_000
SECRET = "bench-secret"  # noqa: S105 - the benchmark's own webhook secret
TOKEN = "123456:bench"  # noqa: S105 - Telegram is never called: `relais web` only queues


def prepare(url: str, relays: int) -> int:
    """`relays` joined Telegram relays and an open contest; the first question's id."""
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


def update(n: int, question: int) -> dict[str, object]:
    """The n-th update of the burst, from the n-th relay."""
    chat = FIRST_CHAT + n
    user = {"id": chat, "is_bot": False, "first_name": "Awa", "language_code": "fr"}
    when = int(datetime.now(UTC).timestamp())
    if n % 3 == 0:
        return {
            "update_id": 10_000_000 + n,
            "callback_query": {
                "id": str(90_000_000 + n),
                "from": user,
                "chat_instance": "1",
                "data": f"quiz:{question}.{n % 3}",
                "message": {
                    "message_id": 7,
                    "date": when,
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": 1, "is_bot": True, "first_name": "Relais"},
                    "text": "Qui élit le maire ?",
                },
            },
        }
    text = "2" if n % 3 == 1 else "Merci, on en parle au grin ce soir avec les jeunes"
    message = {
        "message_id": 1000 + n,
        "date": when,
        "chat": {"id": chat, "type": "private", "first_name": "Awa"},
        "from": user,
        "text": text,
    }
    return {"update_id": 10_000_000 + n, "message": message}


def burst(first: int, count: int, question: int) -> list[bytes]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    return [
        request_bytes("/webhooks/telegram", json.dumps(update(n, question)).encode(), headers)
        for n in range(first, first + count)
    ]


def stored(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(InboundMessage)) or 0
    engine.dispose()
    return int(count)


@contextmanager
def relais_web(url: str) -> Iterator[int]:
    port = free_port()
    env = relais_env(database_url=url, telegram_token=TOKEN, telegram_secret=SECRET)
    with server([str(RELAIS), "web", "--port", str(port)], port, env):
        yield port


def line(name: str, load: Load) -> str:
    return (
        f"  {name:<28} {load.per_second:8.0f} req/s  p50 {load.percentile(0.5) * 1000:6.1f} ms"
        f"  p99 {load.percentile(0.99) * 1000:7.1f} ms"
        f"  200s {load.ok}/{sum(load.statuses.values())}"
    )


def run(backend: str, url: str, args: argparse.Namespace) -> list[str]:
    connections = [int(c) for c in args.connections.split(",")]
    question = prepare(url, args.requests * len(connections))
    ratios: list[str] = []
    for index, count in enumerate(connections):
        print(f"{backend}, {count} connections, {args.requests} updates")
        port = free_port()
        with server(bare_command(port), port, relais_env()):
            bare = drive(port, burst(0, args.requests, question), count, args.limit)
        print(line("bare FastAPI", bare))
        before = stored(url)
        with relais_web(url) as port:
            relais = drive(port, burst(index * args.requests, args.requests, question), count)
        rows = stored(url) - before
        print(line("relais web", relais))
        durable = "rows == 200s" if rows == relais.ok else f"ROWS {rows} != 200s {relais.ok}"
        print(f"  stored {rows} rows: {durable}")
        ratio = relais.per_second / bare.per_second if bare.per_second else 0.0
        ratios.append(
            f"{backend:<10} {count:>3} conn: relais {relais.per_second:6.0f}/s"
            f" p99 {relais.percentile(0.99) * 1000:6.1f} ms; bare {bare.per_second:6.0f}/s;"
            f" ratio {ratio:.3f}; {durable}"
        )
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="updates per run")
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per run, at most")
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
    print("\nratios (relais / bare FastAPI, same run; read these, not the seconds):")
    for ratio in ratios:
        print("  " + ratio)


if __name__ == "__main__":
    main()
