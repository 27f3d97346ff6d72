"""Scores and ranks, per contest and for a whole campaign, and the public leaderboard.

The leaderboard shows pseudonyms (initials and a tag), never a name or a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
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
class Standing:
    rank: int
    pseudonym: str
    points: int
    correct: int


def ranked(session: Session, contest_ids: list[int]) -> list[Score]:
    """Every participant's points over these contests, best first; ties share their rank."""
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


def contest_scores(session: Session, contest: Contest) -> list[Score]:
    return ranked(session, [contest.id])


def campaign_scores(session: Session, contest: Contest) -> list[Score]:
    """Scores over every contest of the contest's campaign (just this one without one)."""
    if contest.campaign_id is None:
        return ranked(session, [contest.id])
    ids = session.scalars(select(Contest.id).where(Contest.campaign_id == contest.campaign_id))
    return ranked(session, list(ids))


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


def own(scores: list[Score], relay: Relay) -> Score | None:
    return next((score for score in scores if score.relay_id == relay.id), None)


def leaderboard(session: Session, scores: list[Score], top: int = 10) -> list[Standing]:
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
