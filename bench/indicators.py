"""How long the whole report's figures take for a month of a large campaign: `compute`
over December 2026 with 100,000 relays and 2 million deliveries (their history, their
interactions, what they wrote, a contest and a poll), against the issue's target of
10 s on the 2-core machine. On a temporary SQLite database and, when 127.0.0.1:5432
answers, a temporary PostgreSQL one.

    python bench/indicators.py [--relays 100000] [--runs 3] [--limit 120]

The data is made in the database itself (INSERT … SELECT over the relays, and relays
and their history by executemany in batches), then each run computes the month in a
fresh session: once for everything, once narrowed to a campaign, a channel and a place.
Not a test: it prints the figures and their ratio to the target, and finishes by itself
(each backend's runs are cut off after --limit seconds); it drops what it made.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/indicators.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, String, case, cast, func, insert, literal, select, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sqlalchemy.sql.elements import ColumnElement  # noqa: E402

from bench.standings import postgres_database  # noqa: E402
from bot.db import make_engine, make_session_factory  # noqa: E402
from bot.domain.indicators import compute  # noqa: E402
from bot.domain.indicators.figures import Filters, Indicators, Period  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.models import (  # noqa: E402
    Answer,
    Broadcast,
    CampaignRow,
    Contest,
    Delivery,
    InboundMessage,
    Interaction,
    JSONDocument,
    Poll,
    PostRow,
    Question,
    Relay,
    RelayEvent,
    UTCDateTime,
    Vote,
)

TARGET = 10.0  # seconds for a month's report (issue 11)
ZONE = ZoneInfo("Africa/Bamako")
MONTH = Period(date(2026, 12, 1), date(2026, 12, 31))
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PLACES = ("kayes", "bafoulabe", "diema", "kenieba", "kita", "nioro", "yelimane", "bamako")
CHANNELS = ("whatsapp",) * 12 + ("telegram",) * 7 + ("sms",)
NAMES = ("Awa Traoré", "Moussa Keïta", "Fatoumata Diarra", "Oumar Sidibé", None)
MEDIA = ({}, {"fr": "media/a.png"}, {"bm": "media/a.ogg"}, {"fr": "media/a.mp4"})
HASHTAGS = (["#EngageonsNous", "#Kayes"], ["#EngageonsNous"], ["#EngageonsNous", "#Jeunes"])
SAID = ("Merci #EngageonsNous", "Bravo #Kayes!", "Je partage", "ok", "#Jeunes au conseil")
# Of every 100 deliveries: the status they end in (the last queued ones never went).
STATUSES = ((45, "delivered"), (62, "read"), (84, "sent"), (89, "failed"), (92, "undelivered"))
STATUSES += ((96, "held"), (98, "cancelled"), (100, "queued"))
# Of every 100 reached deliveries of a post: what the relay did with it.
ACTS = ((6, "reaction"), (8, "share"), (9, "reply"), (10, "button"))


def moment(value: datetime) -> ColumnElement[datetime]:
    return literal(value, UTCDateTime())


def relays_and_history(connection: Connection, count: int, draw: random.Random) -> None:
    """Relays, who invited whom, and each one's history: they join from November to
    mid-December; some stop (a few come back), become unreachable (some write again) or
    are erased."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    relays, events = [], []
    for n in range(1, count + 1):
        channel, language, place = draw.choice(CHANNELS), draw.choice(("fr", "bm")), None
        joined = start + timedelta(minutes=draw.randrange(60 * 24 * 45))
        if draw.random() < 0.97:  # the rest never finished joining
            place = draw.choice(PLACES)
        relays.append(
            {"id": n, "address": f"{channel}:bench-{n}", "channel": channel, "place": place}
            | {"language": language, "display_name": draw.choice(NAMES), "created_at": joined}
            | {"tags": ["test"] if n % 200 == 0 else [], "referral_code": f"B{n:07d}"}
            | {"referred_by_id": draw.randrange(1, n) if n > 1 and draw.random() < 0.2 else None}
        )
        if place is None:
            continue
        cell = {"relay_id": n, "channel": channel, "language": language, "place": place}
        later = joined + timedelta(hours=draw.randrange(1, 24 * 20))
        events.append({**cell, "kind": "joined", "at": joined})
        fate = draw.random()
        if fate < 0.06:
            events.append({**cell, "kind": "stopped", "at": later})
            if fate < 0.02:
                events.append({**cell, "kind": "rejoined", "at": later + timedelta(days=2)})
        elif fate < 0.09:
            events.append({**cell, "kind": "unreachable", "at": later})
            if fate < 0.07:
                events.append({**cell, "kind": "reachable", "at": later + timedelta(days=1)})
        elif fate < 0.095:
            events.append({**cell, "kind": "erased", "at": later})
    for table, rows in ((Relay, relays), (RelayEvent, events)):
        for batch in range(0, len(rows), 10_000):
            connection.execute(insert(table), rows[batch : batch + 10_000])


def _status(relay_id: ColumnElement[int], salt: int) -> ColumnElement[str]:
    spread = (relay_id * 7 + salt) % 100
    return case(*((spread < bound, status) for bound, status in STATUSES))


def deliver(
    connection: Connection, kind: str, ref: int, when: datetime, share: int, salt: int
) -> None:
    """One delivery for `share` % of the relays who had finished joining by then, in one
    INSERT … SELECT; the platform took those not failed, held, cancelled or queued."""
    status = _status(Relay.id, salt)
    took = status.in_(("delivered", "read", "sent", "undelivered"))
    rows = select(
        Relay.id,
        literal(kind, String),
        literal(str(ref), String),
        literal({}, JSONDocument),
        status,
        moment(when),
        moment(when),
        case((took, moment(when + timedelta(seconds=90))), else_=None),
        moment(when),
    ).where(Relay.place.is_not(None), Relay.created_at < when, (Relay.id + salt) % 100 < share)
    columns = ["relay_id", "source_kind", "source_ref", "payload", "status", "created_at"]
    columns += ["next_attempt_at", "sent_at", "updated_at"]
    connection.execute(insert(Delivery).from_select(columns, rows))


def interact(connection: Connection, post: int, when: datetime) -> None:
    """Reactions, shares (with their declared reach, or none), replies and buttons on a
    tenth of what reached relays; one act in ten comes three days late."""
    spread = Delivery.id % 100
    kind = case(*((spread < bound, act) for bound, act in ACTS))
    weight = case((kind == "share", case({1: 1, 2: 2, 3: 6}, value=Delivery.id % 4)))
    late = (Delivery.id // 100) % 10 == 0
    rows = select(
        literal("b:") + cast(Delivery.id, String),
        Delivery.relay_id,
        Delivery.id,
        Delivery.source_kind,
        Delivery.source_ref,
        kind,
        weight,
        case((late, moment(when + timedelta(days=3))), else_=moment(when + timedelta(hours=3))),
    ).where(
        Delivery.source_kind == "post",
        Delivery.source_ref == str(post),
        Delivery.status.in_(("delivered", "read", "sent")),
        spread < ACTS[-1][0],
    )
    columns = ["key", "relay_id", "delivery_id", "source_kind", "source_ref", "kind"]
    connection.execute(insert(Interaction).from_select([*columns, "weight", "at"], rows))


def write_in(connection: Connection, day: datetime) -> None:
    """What a twentieth of the relays write on a day, some with a hashtag."""
    said = case(*((Relay.id % len(SAID) == n, text) for n, text in enumerate(SAID)))
    rows = select(
        Relay.channel,
        literal(f"b{day:%m%d}-") + cast(Relay.id, String),
        Relay.id,
        literal("message", String),
        said,
        moment(day + timedelta(hours=12)),
    ).where(Relay.place.is_not(None), Relay.id % 20 == day.day % 20)
    columns = ["channel", "platform_message_id", "relay_id", "kind", "text", "received_at"]
    connection.execute(insert(InboundMessage).from_select(columns, rows))


def _answered(kind: str, ref: int) -> tuple[ColumnElement[bool], ...]:
    """Two in three of the relays a question or poll reached answer it."""
    return (
        Delivery.source_kind == kind,
        Delivery.source_ref == str(ref),
        Delivery.status.in_(("delivered", "read", "sent")),
        Delivery.id % 3 != 0,
    )


def answers(connection: Connection, question: int, when: datetime) -> None:
    right = Delivery.id % 2 == 0
    rows = select(literal(question), Delivery.relay_id, Delivery.id % 2, right, moment(when)).where(
        *_answered("question", question)
    )
    columns = ["question_id", "relay_id", "choice", "correct", "answered_at"]
    connection.execute(insert(Answer).from_select(columns, rows))


def votes(connection: Connection, poll: int, when: datetime) -> None:
    rows = select(
        literal(poll), Delivery.relay_id, Delivery.id % 2, moment(when), moment(when)
    ).where(*_answered("poll", poll))
    columns = ["poll_id", "relay_id", "choice", "voted_at", "updated_at"]
    connection.execute(insert(Vote).from_select(columns, rows))


def add(connection: Connection, table: Any, **values: Any) -> int:
    return int(connection.execute(insert(table).returning(table.id), values).scalar_one())


def campaign(connection: Connection) -> None:
    """A post every day of December to most relays, three broadcasts, a contest of two
    questions and a poll, each with its deliveries; interactions and what relays wrote."""
    bench = add(
        connection,
        CampaignRow,
        slug="bench",
        name="Bench",
        timezone="Africa/Bamako",
        starts_on=MONTH.start,
        ends_on=MONTH.end,
        folder="/bench",
        settings={},
        kit={},
    )
    for day in range(1, 32):
        when = datetime(2026, 12, day, 8, tzinfo=UTC)
        post = add(
            connection,
            PostRow,
            campaign_id=bench,
            slug=f"j{day:02d}",
            phase=("informer", "sensibiliser", "agir")[(day - 1) // 11],
            status="ready",
            scheduled_at=when,
            expires_at=when + timedelta(hours=16),
            audience={},
            content={"media": MEDIA[day % 4], "hashtags": HASHTAGS[day % 3]},
            version=str(day),
            first_sent_at=when,
        )
        deliver(connection, "post", post, when, share=70, salt=day)
        interact(connection, post, when)
        write_in(connection, when)
    for day in (5, 15, 25):
        when = datetime(2026, 12, day, 14, tzinfo=UTC)
        broadcast = add(
            connection, Broadcast, audience={}, texts={}, media={}, send_at=when, created_by="cli"
        )
        deliver(connection, "broadcast", broadcast, when, share=50, salt=day + 40)
    opens = datetime(2026, 12, 10, 10, tzinfo=UTC)
    common = {"campaign_id": bench, "opens_at": opens, "audience": {}}
    closes = opens + timedelta(hours=3)
    contest = add(connection, Contest, slug="quiz", title={}, prize={}, closes_at=closes, **common)
    for position, share in enumerate((50, 30)):
        choices: list[dict[str, str]] = [{}, {}]
        question = add(
            connection,
            Question,
            contest_id=contest,
            position=position,
            text={},
            choices=choices,
            correct=0,
            media={},
        )
        deliver(connection, "question", question, opens, share=share, salt=80 + position)
        answers(connection, question, opens + timedelta(minutes=20 + 70 * position))
    poll = add(
        connection, Poll, slug="sondage", question={}, choices=[{}, {}], closes_at=closes, **common
    )
    deliver(connection, "poll", poll, opens, share=50, salt=90)
    votes(connection, poll, opens + timedelta(hours=2))


def prepare(url: str, relays: int) -> dict[str, int]:
    """The month's data; returns how many rows each table got."""
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        relays_and_history(connection, relays, random.Random(7))
        campaign(connection)
    made = {}
    with engine.connect() as connection:
        for table in (Relay, RelayEvent, Delivery, Interaction, InboundMessage, Answer, Vote):
            made[table.__tablename__] = connection.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))  # what autovacuum would have done by now
    engine.dispose()
    return made


WAYS = {
    "everything": Filters(),
    "narrowed": Filters(campaign="bench", channel="whatsapp", place="kayes"),
}


@contextmanager
def cut_off(session: Session, deadline: float) -> Iterator[None]:
    """The session's queries give up at the deadline, so a slow run cannot hold the bench:
    SQLite checks it as it works, PostgreSQL bounds each statement by the time left."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        left = max(1, int((deadline - time.perf_counter()) * 1000))
        connection.exec_driver_sql(f"SET statement_timeout = {left}")
        yield
        return
    raw = connection.connection.driver_connection
    raw.set_progress_handler(lambda: time.perf_counter() > deadline, 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def run(backend: str, url: str, *, relays: int, runs: int, limit: float) -> list[str]:
    started = time.perf_counter()
    made = prepare(url, relays)
    counts = ", ".join(f"{count} {table}" for table, count in made.items())
    print(f"  ({backend}: {time.perf_counter() - started:.0f} s to make {counts})")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    lines = []
    deadline = time.perf_counter() + limit
    for name, filters in WAYS.items():
        timings: list[float] = []
        figures: Indicators | None = None
        for _ in range(runs):
            try:
                with factory() as session, cut_off(session, deadline):
                    start = time.perf_counter()
                    figures = compute(session=session, period=MONTH, filters=filters, zone=ZONE)
                    timings.append(time.perf_counter() - start)
            except OperationalError:
                print(f"  ({backend} {name}: cut off after {limit:.0f} s of runs)")
                break
        if figures is None:
            continue
        best, median = min(timings), statistics.median(timings)
        lines.append(
            f"{backend:<12}{name:<12}{len(timings):>5}{best:>9.2f}{median:>9.2f}"
            f"{median / TARGET:>9.2f}   {summary(figures)}"
        )
    engine.dispose()
    return lines


def summary(figures: Indicators) -> str:
    """A few of the figures, to see that the month was really counted."""
    community, posts = figures.community, figures.posts
    return (
        f"active {community.active_end}, joined {community.joined}, {len(posts)} posts "
        f"reached {sum(post.reached for post in posts)}, {figures.interactions} interactions"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relays", type=int, default=100_000, help="(max 200000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each way")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds of runs, at most")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN, help="admin URL ('' for none)")
    args = parser.parse_args()
    relays = max(100, min(args.relays, 200_000))
    runs = max(1, min(args.runs, 20))
    print(f"compute() for {MONTH.start} to {MONTH.end}, {relays} relays; target {TARGET:.0f} s")
    timing = {"relays": relays, "runs": runs, "limit": args.limit}
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        lines += run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", **timing)
    if args.postgres:
        with postgres_database(args.postgres) as postgres_url:
            if postgres_url is None:
                print(f"  (PostgreSQL: not measured, nothing answers at {args.postgres})")
            else:
                lines += run("postgresql", postgres_url, **timing)
    print(f"{'backend':<12}{'filters':<12}{'runs':>5}{'best s':>9}{'median s':>9}{'/target':>9}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
