"""How long /score takes to place one relay in a contest with many participants: the old
way (every participant fetched and ranked in Python, twice: the contest and the whole
campaign) beside the new (the database ranks with RANK() OVER and sends back one row
each), in the same run, on a temporary SQLite database and, when 127.0.0.1:5432 answers,
a temporary PostgreSQL one. /classement (the top ten and one's own rank) is timed too.

    python bench/standings.py [--participants 20000] [--questions 5] [--calls 40] [--limit 60]

The campaign holds two contests: the latest, answered by every participant, and an
earlier one answered by every other participant; points are 0, 10 or 15 an answer, so
ties are many. Before timing, both ways must give the same answers for every relay
sampled. Not a test: it prints a table and the ratios, and finishes by itself (each
backend's timing stops after --limit seconds).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/standings.py` from anywhere
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import case, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot.db import make_engine, make_session_factory  # noqa: E402
from bot.domain.contests.pseudonyms import pseudonym  # noqa: E402
from bot.domain.contests.standings import Score, Standing, leaderboard, places  # noqa: E402
from bot.migrations import upgrade  # noqa: E402
from bot.models import Answer, CampaignRow, Contest, Question, Relay, utcnow  # noqa: E402

NAMES = ["Awa Traoré", "Moussa Keïta", "Fatoumata Diarra", "Oumar Sidibé", "Kadiatou Coulibaly"]
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
Computation = Callable[[Session, Contest, Relay], object]


# The old way, as standings.py and handlers/quiz.py had it: the baseline.


def old_ranked(session: Session, contest_ids: list[int]) -> list[Score]:
    if not contest_ids:
        return []
    total = func.sum(Answer.points)
    rows = session.execute(
        select(
            Answer.relay_id,
            total,
            func.sum(case((Answer.correct & ~Answer.late, 1), else_=0)),
            func.count(),
        )
        .join(Question, Answer.question_id == Question.id)
        .where(Question.contest_id.in_(contest_ids))
        .group_by(Answer.relay_id)
        .order_by(total.desc(), Answer.relay_id)
    ).all()
    found: list[Score] = []
    for relay_id, points, correct, answered in rows:
        rank = len(found) + 1
        if found and found[-1].points == int(points or 0):
            rank = found[-1].rank
        found.append(Score(relay_id, int(points or 0), int(correct or 0), int(answered), rank))
    return found


def old_campaign_scores(session: Session, contest: Contest) -> list[Score]:
    if contest.campaign_id is None:
        return old_ranked(session, [contest.id])
    ids = session.scalars(select(Contest.id).where(Contest.campaign_id == contest.campaign_id))
    return old_ranked(session, list(ids))


def old_own(scores: list[Score], relay: Relay) -> Score | None:
    return next((score for score in scores if score.relay_id == relay.id), None)


def old_leaderboard(session: Session, scores: list[Score], top: int = 10) -> list[Standing]:
    shown = scores[:top]
    relays = {
        relay.id: relay
        for relay in session.scalars(
            select(Relay).where(Relay.id.in_([score.relay_id for score in shown]))
        )
    }
    return [
        Standing(score.rank, pseudonym(relays[score.relay_id]), score.points, score.correct)
        for score in shown
        if score.relay_id in relays
    ]


def old_score(session: Session, contest: Contest, relay: Relay) -> object:
    scores = old_ranked(session, [contest.id])
    mine = old_own(scores, relay)
    overall = old_campaign_scores(session, contest)
    whole = old_own(overall, relay)
    if mine is None or whole is None:
        return None
    return (
        mine.points,
        mine.correct,
        mine.rank,
        len(scores),
        whole.points,
        whole.rank,
        len(overall),
    )


def old_board(session: Session, contest: Contest, relay: Relay) -> object:
    scores = old_ranked(session, [contest.id])
    mine = old_own(scores, relay)
    return old_leaderboard(session, scores), mine.rank if mine else "-"


# The new way, as the handlers call it now.


def new_score(session: Session, contest: Contest, relay: Relay) -> object:
    placed = places(session, contest, relay)
    if placed is None:
        return None
    mine, whole = placed.contest, placed.campaign
    return (
        mine.score.points,
        mine.score.correct,
        mine.score.rank,
        mine.participants,
        whole.score.points,
        whole.score.rank,
        whole.participants,
    )


def new_board(session: Session, contest: Contest, relay: Relay) -> object:
    board = leaderboard(session, contest, relay=relay)
    return board.standings, board.mine.rank if board.mine else "-"


WAYS: dict[str, tuple[Computation, Computation]] = {
    "/score": (old_score, new_score),
    "/classement": (old_board, new_board),
}


@dataclass(frozen=True)
class Result:
    backend: str
    computation: str
    calls: int
    old: float  # median seconds per call
    new: float

    @property
    def ratio(self) -> float:
        return self.old / self.new if self.new else 0.0


def prepare(url: str, *, participants: int, questions: int, seed: int) -> tuple[int, list[int]]:
    """The campaign, its two contests and their answers, in bulk; returns the latest
    contest's id and the relays' ids."""
    upgrade(url)
    engine = make_engine(url)
    now = utcnow()
    draw = random.Random(seed)
    with engine.begin() as connection:
        campaign = connection.execute(
            insert(CampaignRow).returning(CampaignRow.id),
            {
                "slug": "bench",
                "name": "Bench",
                "timezone": "Africa/Bamako",
                "starts_on": date(2026, 12, 1),
                "ends_on": date(2026, 12, 31),
                "folder": "/bench",
                "settings": {},
                "kit": {},
            },
        ).scalar_one()
        contests = [
            connection.execute(
                insert(Contest).returning(Contest.id),
                {
                    "slug": slug,
                    "campaign_id": campaign,
                    "title": {"fr": slug},
                    "prize": {"fr": "Crédit"},
                    "opens_at": now - timedelta(days=days),
                    "closes_at": now - timedelta(days=days - 1),
                    "audience": {},
                },
            ).scalar_one()
            for slug, days in (("earlier", 9), ("latest", 2))
        ]
        asked = {
            contest: connection.execute(
                insert(Question).returning(Question.id),
                [
                    {
                        "contest_id": contest,
                        "position": position,
                        "text": {"fr": f"Question {position}"},
                        "choices": [{"fr": "Oui"}, {"fr": "Non"}],
                        "correct": 0,
                        "media": {},
                    }
                    for position in range(questions)
                ],
            )
            .scalars()
            .all()
            for contest in contests
        }
        relays = (
            connection.execute(
                insert(Relay).returning(Relay.id),
                [
                    {
                        "address": f"console:bench-{n}",
                        "channel": "console",
                        "display_name": NAMES[n % len(NAMES)],
                        "consent_at": now,
                        "referral_code": f"S{n:07d}",
                    }
                    for n in range(participants)
                ],
            )
            .scalars()
            .all()
        )
        for contest, every in zip(contests, (2, 1), strict=True):
            answers = []
            for relay in relays[::every]:
                for question in asked[contest]:
                    points = draw.choice((0, 0, 10, 15))
                    answers.append(
                        {
                            "question_id": question,
                            "relay_id": relay,
                            "choice": 0 if points else 1,
                            "correct": bool(points),
                            "points": points,
                            "answered_at": now,
                        }
                    )
            connection.execute(insert(Answer), answers)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))  # what autovacuum would have done by now
    engine.dispose()
    return contests[-1], list(relays)


def once(factory: sessionmaker[Session], way: Computation, contest: int, relay: int) -> float:
    """One call in a session of its own, as each message gets; only the ranking is timed."""
    with factory() as session:
        found, who = session.get_one(Contest, contest), session.get_one(Relay, relay)
        start = time.perf_counter()
        way(session, found, who)
        return time.perf_counter() - start


def check(factory: sessionmaker[Session], contest: int, sample: list[int]) -> None:
    """Both ways must say the same thing, ties included, before either is timed."""
    with factory() as session:
        found = session.get_one(Contest, contest)
        for relay in sample:
            who = session.get_one(Relay, relay)
            for name, (old, new) in WAYS.items():
                if old(session, found, who) != new(session, found, who):
                    raise SystemExit(f"{name}: the two ways disagree for relay {relay}")


def run(
    backend: str, url: str, *, participants: int, questions: int, calls: int, limit: float
) -> list[Result]:
    started = time.perf_counter()
    contest, relays = prepare(url, participants=participants, questions=questions, seed=7)
    print(f"  ({backend}: {time.perf_counter() - started:.1f} s to build the contests)")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    sample = random.Random(11).sample(relays, min(calls, len(relays)))
    check(factory, contest, sample[:20])
    results = []
    deadline = time.perf_counter() + limit
    for name, (old, new) in WAYS.items():
        once(factory, old, contest, sample[0])  # warm the caches for both alike
        once(factory, new, contest, sample[0])
        timings: list[tuple[float, float]] = []
        for relay in sample:  # interleaved, so a noisy moment hurts both alike
            if time.perf_counter() > deadline:
                print(f"  ({backend} {name}: stopped after {limit:.0f} s)")
                break
            timings.append((once(factory, old, contest, relay), once(factory, new, contest, relay)))
        if timings:
            old_median = statistics.median(pair[0] for pair in timings)
            new_median = statistics.median(pair[1] for pair in timings)
            results.append(Result(backend, name, len(timings), old_median, new_median))
    engine.dispose()
    return results


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str | None]:
    """A fresh database, dropped afterwards; None when PostgreSQL does not answer."""
    admin = make_url(admin_url)
    dsn = (
        f"host={admin.host} port={admin.port or 5432} user={admin.username} dbname={admin.database}"
    )
    try:
        connection = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    name = f"relais_bench_{uuid.uuid4().hex[:12]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=20_000, help="(max 100000)")
    parser.add_argument("--questions", type=int, default=5, help="per contest (max 20)")
    parser.add_argument("--calls", type=int, default=40, help="relays placed, each way")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per backend, at most")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN, help="admin URL ('' for none)")
    args = parser.parse_args()
    participants = max(10, min(args.participants, 100_000))
    questions = max(1, min(args.questions, 20))
    calls = max(1, min(args.calls, 1000))
    answers = participants * questions + (participants + 1) // 2 * questions
    print(
        f"{participants} participants, 2 contests of {questions} questions in one campaign "
        f"({answers} answers); median of {calls} calls each way"
    )
    timing = {"participants": participants, "questions": questions, "calls": calls}
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        results += run("sqlite", sqlite_url, limit=args.limit, **timing)
    if args.postgres:
        with postgres_database(args.postgres) as postgres_url:
            if postgres_url is None:
                print(f"  (PostgreSQL: not measured, nothing answers at {args.postgres})")
            else:
                results += run("postgresql", postgres_url, limit=args.limit, **timing)
    print(
        f"{'backend':<12}{'computation':<14}{'calls':>6}{'old ms':>10}{'new ms':>10}{'old/new':>9}"
    )
    for result in results:
        print(
            f"{result.backend:<12}{result.computation:<14}{result.calls:>6}"
            f"{result.old * 1000:>10.1f}{result.new * 1000:>10.1f}{result.ratio:>9.2f}"
        )


if __name__ == "__main__":
    main()
