"""How fast one broadcast is materialised for every relay (bot/domain/outbox.py's
enqueue_for_relays, the product's fan-out), beside a raw INSERT … SELECT of the same rows
through sqlite3 in the same run, and how much the process's memory grows doing it.

    python bench/fanout.py [--relays 10000 1000000] [--repeat 3]

Each size is built once (relays copied in SQL), then each fan-out runs in a fresh process
on its own copy of that database, so neither warms the other's cache or memory; the two
alternate --repeat times and the medians are compared, since one run of either moves by
half with the machine's load. Not a test: it prints a table and the ratios, and finishes
by itself.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/fanout.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.db import make_engine, make_session_factory, unit_of_work  # noqa: E402
from bot.domain.outbox import enqueue_for_relays  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.models import DeliveryStatus, Relay, utcnow  # noqa: E402
from bot.outbound import from_json, to_json  # noqa: E402

PAYLOAD = {"language": "fr", "text": "Réunion publique samedi à 10 h : venez nombreux !"}
FIRST_CHAT = 10_000


def prepare(path: Path, count: int) -> None:
    """`count` Telegram relays: one through the model (its defaults), the rest copied from
    it in SQL, each with its own address and referral code."""
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(Relay).values(
                address=f"telegram:{FIRST_CHAT}",
                channel="telegram",
                consent_at=now,
                referral_code=f"E{FIRST_CHAT:09d}",
            )
        )
    engine.dispose()
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(relay)")]
        copied = [c for c in columns if c not in ("id", "address", "referral_code")]
        db.execute(
            f"INSERT INTO relay (address, referral_code, {', '.join(copied)}) "  # noqa: S608
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) "
            f"SELECT 'telegram:' || ({FIRST_CHAT} + n), printf('E%09d', {FIRST_CHAT} + n), "
            f"{', '.join(copied)} FROM seq, relay WHERE relay.id = 1",
            (count - 1,),
        )


def memory() -> tuple[int, int]:
    """(resident now, resident at its highest), in kB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def product(path: Path) -> int:
    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(make_session_factory(engine)) as session:
        queued = enqueue_for_relays(
            session=session,
            source_kind="broadcast",
            source_ref="bench",
            message=from_json(PAYLOAD),
            relays=Relay.channel == "telegram",
            now=utcnow(),
        )
    engine.dispose()
    return queued


def raw(path: Path) -> int:
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    payload = json.dumps(to_json(from_json(PAYLOAD)))
    # Closed inside the timing, as the product's engine is disposed inside it: the last
    # connection to close a WAL database checkpoints it, which is part of the work.
    with closing(sqlite3.connect(path)) as db, db:
        cursor = db.execute(
            "INSERT INTO delivery (relay_id, source_kind, source_ref, payload, status, "
            "attempts, next_attempt_at, created_at, updated_at) "
            "SELECT id, 'broadcast', 'bench', ?, ?, 0, ?, ?, ? FROM relay "
            "WHERE channel = 'telegram'",
            (payload, DeliveryStatus.QUEUED.value, now, now, now),
        )
        return cursor.rowcount


def child(kind: str, path: Path) -> None:
    """--child: one fan-out in this fresh process; prints seconds, rows and memory."""
    before, _ = memory()
    start = time.perf_counter()
    rows = (product if kind == "product" else raw)(path)
    seconds = time.perf_counter() - start
    _, peak = memory()
    print(json.dumps({"seconds": seconds, "rows": rows, "grew_kb": peak - before}))


def measure(kind: str, source: Path, tmp: Path) -> dict[str, float]:
    copy = tmp / f"{kind}.db"
    shutil.copy(source, copy)
    out = subprocess.run(  # noqa: S603 - this very script, by the running Python
        [sys.executable, __file__, "--child", kind, str(copy)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    copy.unlink()
    result: dict[str, float] = json.loads(out.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relays", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    print(
        "one broadcast materialised for every relay, SQLite, each run in a fresh process;"
        f" medians of {args.repeat}"
    )
    print(f"{'relays':>9}{'fan-out s':>11}{'raw s':>8}{'raw/fan-out':>13}{'RSS +MB':>9}")
    grown: dict[int, float] = {}
    for count in args.relays:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            source = tmp / "relays.db"
            prepare(source, min(count, 2_000_000))
            runs = [
                (measure("product", source, tmp), measure("raw", source, tmp))
                for _ in range(args.repeat)
            ]
        ours = {key: statistics.median(run[0][key] for run in runs) for key in runs[0][0]}
        base = {key: statistics.median(run[1][key] for run in runs) for key in runs[0][1]}
        if ours["rows"] != base["rows"]:
            print(f"  rows differ: fan-out {ours['rows']:.0f}, raw {base['rows']:.0f}")
        grown[count] = ours["grew_kb"] / 1024
        print(
            f"{count:>9}{ours['seconds']:>11.2f}{base['seconds']:>8.2f}"
            f"{base['seconds'] / ours['seconds']:>13.2f}{grown[count]:>9.1f}"
        )
    if len(grown) > 1:
        low, high = min(grown), max(grown)
        print(f"RSS growth, {low} -> {high} relays: {grown[high] - grown[low]:+.1f} MB")


if __name__ == "__main__":
    main()
