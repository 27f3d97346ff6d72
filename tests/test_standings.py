"""Ranks as the database computes them, on SQLite and PostgreSQL: equal points share a
rank and the next rank skips (1, 2, 2, 2, 5), a relay with no answer has no rank and
counts for nobody, a campaign ranks over its own contests only; the same through /score
and /classement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.standings import (
    Place,
    contest_place,
    contest_scores,
    leaderboard,
    participant_count,
    places,
)
from bot.models import Answer, CampaignRow, Contest, Question, Relay
from tests.contest_factories import make_contest
from tests.factories import converse, existing_relay, make_relay

Factory = sessionmaker[Session]
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LATE = -1  # a right answer after closing: kept, worth nothing


def campaign(factory: Factory, slug: str) -> int:
    with unit_of_work(factory) as session:
        row = CampaignRow(
            slug=slug,
            name=slug,
            timezone="Africa/Bamako",
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 31),
            folder=f"/campaigns/{slug}",
            settings={},
            kit={},
        )
        session.add(row)
        session.flush()
        return row.id


def relays(factory: Factory, count: int) -> list[int]:
    with unit_of_work(factory) as session:
        return [make_relay(session, display_name=f"Awa Traoré {n}").id for n in range(count)]


def score(
    factory: Factory, contest_id: int, points: dict[int, list[int]], at: datetime = START
) -> None:
    """Each relay's points, one answer per question in order; 0 is a wrong answer, LATE a
    late one. Written best relay last, so no order can come from the order of insertion."""
    with unit_of_work(factory) as session:
        questions = session.scalars(
            select(Question.id).where(Question.contest_id == contest_id).order_by(Question.position)
        ).all()
        for relay_id, earned in sorted(points.items(), reverse=True):
            for question_id, value in zip(questions, earned, strict=False):
                session.add(
                    Answer(
                        question_id=question_id,
                        relay_id=relay_id,
                        choice=1 if value else 0,
                        correct=bool(value),
                        late=value == LATE,
                        points=max(value, 0),
                        answered_at=at + timedelta(minutes=relay_id),
                    )
                )


def test_equal_points_share_a_rank_and_the_next_rank_skips(factory: Factory) -> None:
    a, b, c, d, e, f = relays(factory, 6)
    contest = make_contest(factory)
    score(factory, contest, {a: [10, 5], b: [10, 0], c: [0, 10], d: [10], e: [0, LATE], f: [0]})
    with factory() as session:
        row = session.get_one(Contest, contest)
        table = [
            (s.relay_id, s.points, s.correct, s.answered, s.rank)
            for s in contest_scores(session, row)
        ]
        assert table == [
            (a, 15, 2, 2, 1),
            (b, 10, 1, 2, 2),
            (c, 10, 1, 2, 2),
            (d, 10, 1, 1, 2),
            (e, 0, 0, 2, 5),
            (f, 0, 0, 1, 5),
        ]
        for who, _points, _correct, _answered, rank in table:
            place = contest_place(session, row, session.get_one(Relay, who))
            assert place is not None
            assert (place.score.rank, place.participants) == (rank, 6)
        board = leaderboard(session, row).standings
        assert [(s.rank, s.points) for s in board] == [
            (1, 15),
            (2, 10),
            (2, 10),
            (2, 10),
            (5, 0),
            (5, 0),
        ]
        cut = leaderboard(session, row, top=3, relay=session.get_one(Relay, f))
        named = [pseudonym(session.get_one(Relay, who)) for who in (a, b, c)]
        # The cut falls inside a tie: by relay id. The asker's own line is found below it.
        assert [(s.rank, s.pseudonym) for s in cut.standings] == list(
            zip([1, 2, 2], named, strict=True)
        )
        assert cut.mine == contest_scores(session, row)[-1]
        just_below = leaderboard(session, row, top=3, relay=session.get_one(Relay, d))
        assert (len(just_below.standings), just_below.mine) == (3, contest_scores(session, row)[3])


def test_everyone_level_is_first(factory: Factory) -> None:
    a, b, c = relays(factory, 3)
    contest = make_contest(factory)
    score(factory, contest, {a: [0], b: [0, 0], c: [0]})
    with factory() as session:
        row = session.get_one(Contest, contest)
        assert [s.rank for s in contest_scores(session, row)] == [1, 1, 1]
        assert [s.rank for s in leaderboard(session, row).standings] == [1, 1, 1]


def test_a_relay_with_no_answer_has_no_rank(factory: Factory) -> None:
    a, b, silent = relays(factory, 3)
    contest = make_contest(factory, campaign_id=campaign(factory, "engageons"))
    empty = make_contest(factory)
    score(factory, contest, {a: [10], b: [5]})
    with factory() as session:
        row, nobody = session.get_one(Contest, contest), session.get_one(Contest, empty)
        quiet = session.get_one(Relay, silent)
        assert contest_place(session, row, quiet) is None
        assert places(session, row, quiet) is None
        assert [s.relay_id for s in contest_scores(session, row)] == [a, b]
        board = leaderboard(session, row, relay=quiet)
        assert (len(board.standings), board.mine) == (2, None)
        place = contest_place(session, row, session.get_one(Relay, b))
        assert place is not None
        assert (place.score.rank, place.participants) == (2, 2)
        assert participant_count(session, row) == 2
        assert contest_scores(session, nobody) == []
        assert leaderboard(session, nobody, relay=quiet).standings == []
        assert contest_place(session, nobody, session.get_one(Relay, a)) is None


def test_a_campaign_ranks_over_its_own_contests(factory: Factory) -> None:
    a, b, c, d = relays(factory, 4)
    ours, theirs = campaign(factory, "engageons"), campaign(factory, "paix")
    first = make_contest(factory, campaign_id=ours)
    second = make_contest(factory, campaign_id=ours)
    other = make_contest(factory, campaign_id=theirs)
    alone = make_contest(factory)
    score(factory, first, {a: [10], c: [5]})
    score(factory, second, {b: [15], c: [10]})
    score(factory, other, {d: [100], a: [100]})
    score(factory, alone, {d: [3], b: [3]})

    def line(place: Place) -> tuple[int, int, int]:
        return (place.score.points, place.score.rank, place.participants)

    with factory() as session:

        def placed(contest: int, who: int) -> tuple[tuple[int, int, int], ...] | None:
            found = places(session, session.get_one(Contest, contest), session.get_one(Relay, who))
            return None if found is None else (line(found.contest), line(found.campaign))

        assert placed(second, b) == ((15, 1, 2), (15, 1, 3))
        assert placed(second, c) == ((10, 2, 2), (15, 1, 3))
        assert placed(first, a) == ((10, 1, 2), (10, 3, 3))  # the other campaign's 100 aside
        assert placed(first, b) is None  # in the campaign, but not in this contest
        assert placed(first, d) is None
        assert placed(alone, d) == ((3, 1, 2), (3, 1, 2))  # no campaign: the contest alone
        assert placed(alone, b) == ((3, 1, 2), (3, 1, 2))


def join(factory: Factory, router: Router, address: str) -> int:
    converse(factory, router, address, "/start", name="Awa Traoré")
    converse(factory, router, address, choice="lang:fr")
    converse(factory, router, address, choice="place:kayes")
    relay = existing_relay(factory, address)
    return relay.id


def said(factory: Factory, router: Router, address: str, text: str) -> str:
    [reply] = converse(factory, router, address, text)
    return str(reply["text"]).replace("\xa0", " ")


def test_score_and_classement_share_ranks_on_ties(factory: Factory, router: Router) -> None:
    addresses = [f"console:rank-{n}" for n in range(4)]
    a, b, c, _silent = [join(factory, router, address) for address in addresses]
    ours = campaign(factory, "engageons")
    earlier = make_contest(factory, campaign_id=ours)
    latest = make_contest(factory, campaign_id=ours)  # /score speaks of the last one answered
    score(factory, earlier, {c: [20]}, at=START - timedelta(days=1))
    score(factory, latest, {a: [15], b: [15], c: [5]})
    assert "Rang 1 sur 3" in said(factory, router, addresses[1], "/score")
    text = said(factory, router, addresses[2], "/score")
    assert "5 points, 1 bonnes réponses sur 2. Rang 3 sur 3" in text, text
    assert "Toute la campagne : 25 points, rang 1 sur 3" in text, text
    assert "Toute la campagne : 15 points, rang 2 sur 3" in said(
        factory, router, addresses[0], "/score"
    )
    board = said(factory, router, addresses[1], "/classement")
    assert [line.split(".")[0] for line in board.splitlines()[1:4]] == ["1", "1", "3"], board
    assert "Vous : rang 1," in board
    assert "aucun concours" in said(factory, router, addresses[3], "/score")
    assert "aucun concours" in said(factory, router, addresses[3], "/classement")
