"""Scores and ranks, per contest and for a whole campaign, and the public leaderboard.

The database ranks: one query sums each participant's answers and ranks them with
RANK() OVER, so equal points share a rank and the next rank skips (1, 2, 2, 4), and
only the rows asked for (one relay's, or the top of the board) come back, not every
participant. The leaderboard shows pseudonyms (initials and a tag), never a name or a
number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, RowMapping, Subquery, case, func, select
from sqlalchemy.orm import Session

from bot.domain.contests.pseudonyms import pseudonym
from bot.models import Answer, Contest, Question, Relay


@dataclass(frozen=True)
class Score:
    relay_id: int
    points: int
    correct: int
    answered: int
    rank: int  # 1 for the best; equal points share a rank


@dataclass(frozen=True)
class Place:
    """One relay's score, and how many are ranked with them: "rank N of M"."""

    score: Score
    participants: int


@dataclass(frozen=True)
class Places:
    """A relay's place in a contest and over the contest's whole campaign."""

    contest: Place
    campaign: Place


@dataclass(frozen=True)
class Standing:
    rank: int
    pseudonym: str
    points: int
    correct: int


@dataclass(frozen=True)
class Board:
    """The top of a contest's leaderboard, and the asking relay's own score if they took
    part (wherever they stand)."""

    standings: list[Standing]
    mine: Score | None = None


_SCORE = ("relay_id", "points", "correct", "answered", "rank")  # Score's fields, in order


def _of_contest(contest: Contest) -> ColumnElement[bool]:
    return Question.contest_id == contest.id


def _of_campaign(campaign_id: int) -> ColumnElement[bool]:
    return Question.contest_id.in_(select(Contest.id).where(Contest.campaign_id == campaign_id))


def _ranked(scope: ColumnElement[bool], *, positions: bool = False) -> Subquery:
    """Each participant's totals over the answers in scope, their rank and how many are
    ranked; with positions, also their line on the board (equal points by relay id).
    The windows run after the grouping, so they rank participants, not answers."""
    points = func.sum(Answer.points)
    windows = [
        func.rank().over(order_by=points.desc()).label("rank"),
        func.count().over().label("participants"),
    ]
    if positions:
        line = func.row_number().over(order_by=(points.desc(), Answer.relay_id))
        windows.append(line.label("position"))
    return (
        select(
            Answer.relay_id.label("relay_id"),
            points.label("points"),
            func.sum(case((Answer.correct & ~Answer.late, 1), else_=0)).label("correct"),
            func.count().label("answered"),
            *windows,
        )
        .join(Question, Answer.question_id == Question.id)
        .where(scope)
        .group_by(Answer.relay_id)
        .subquery("ranked")
    )


def _score(row: RowMapping) -> Score:
    """The score in a row that holds _SCORE's columns; PostgreSQL's sums are bigint."""
    return Score(*(int(row[name]) for name in _SCORE))


def _place(session: Session, scope: ColumnElement[bool], relay: Relay) -> Place | None:
    table = _ranked(scope)
    row = session.execute(
        select(*(table.c[name] for name in _SCORE), table.c.participants).where(
            table.c.relay_id == relay.id
        )
    ).first()
    if row is None:
        return None
    return Place(_score(row._mapping), int(row.participants))


def contest_scores(session: Session, contest: Contest) -> list[Score]:
    """Every participant's score in the contest, best first (equal points by relay id)."""
    table = _ranked(_of_contest(contest))
    rows = session.execute(
        select(*(table.c[name] for name in _SCORE)).order_by(table.c.rank, table.c.relay_id)
    ).all()
    return [_score(row._mapping) for row in rows]


def contest_place(session: Session, contest: Contest, relay: Relay) -> Place | None:
    """The relay's score and rank in the contest; None if they did not answer in it."""
    return _place(session, _of_contest(contest), relay)


def places(session: Session, contest: Contest, relay: Relay) -> Places | None:
    """The relay's place in the contest and over every contest of its campaign (the
    contest's own, counted once, without a campaign); None if they did not answer in it."""
    mine = contest_place(session, contest, relay)
    if mine is None:
        return None
    if contest.campaign_id is None:
        return Places(mine, mine)
    whole = _place(session, _of_campaign(contest.campaign_id), relay)
    return Places(mine, whole) if whole else None


def participant_count(session: Session, contest: Contest) -> int:
    """How many relays answered at least one question of the contest."""
    return int(
        session.scalar(
            select(func.count(func.distinct(Answer.relay_id)))
            .join(Question, Question.id == Answer.question_id)
            .where(Question.contest_id == contest.id)
        )
        or 0
    )


def leaderboard(
    session: Session, contest: Contest, top: int = 10, *, relay: Relay | None = None
) -> Board:
    """The best `top` of the contest by pseudonym (a tie at the cut goes by relay id), and
    the relay's own score, found by the same ranking."""
    table = _ranked(_of_contest(contest), positions=True)
    wanted = table.c.position <= top
    if relay is not None:
        wanted = wanted | (table.c.relay_id == relay.id)
    rows = session.execute(
        select(Relay, table.c.position, *(table.c[name] for name in _SCORE))
        .join(table, table.c.relay_id == Relay.id)
        .where(wanted)
        .order_by(table.c.position)
    ).all()
    standings = [
        Standing(int(row.rank), pseudonym(row.Relay), int(row.points), int(row.correct))
        for row in rows
        if row.position <= top
    ]
    if relay is None:
        return Board(standings)
    return Board(
        standings, next((_score(row._mapping) for row in rows if row.relay_id == relay.id), None)
    )


def latest_contest(session: Session, relay: Relay) -> Contest | None:
    """The contest this relay last answered in."""
    return session.scalars(
        select(Contest)
        .join(Question, Question.contest_id == Contest.id)
        .join(Answer, Answer.question_id == Question.id)
        .where(Answer.relay_id == relay.id)
        .order_by(Answer.answered_at.desc(), Answer.id.desc())
        .limit(1)
    ).first()
