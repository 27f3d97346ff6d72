"""Record contest answers exactly once, and say what each is worth.

The first answer of a participant to a question counts: the answer table is unique on
(question, relay) and the insert is ON CONFLICT DO NOTHING, so a replayed webhook, a
double tap or two web processes at once record one answer. After closing an answer is
kept, marked late, worth nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.models import Answer, Contest, ContestState, Question, Relay


@dataclass(frozen=True)
class Recorded:
    """What became of an answer: `first` is False when one was recorded before."""

    first: bool
    correct: bool
    late: bool
    points: int


def points_for(contest: Contest, *, correct: bool, late: bool, now: datetime) -> int:
    if not correct or late:
        return 0
    quick = contest.speed_minutes and now - contest.opens_at <= timedelta(
        minutes=contest.speed_minutes
    )
    return contest.points + (contest.speed_bonus if quick else 0)


def record_answer(
    *, session: Session, question: Question, relay: Relay, choice: int, now: datetime
) -> Recorded:
    """Record this participant's answer unless they answered before; say how it counts."""
    if not 0 <= choice < len(question.choices):
        raise ValueError("no such choice")
    contest = question.contest
    late = contest.state is ContestState.CLOSED or now >= contest.closes_at
    correct = choice == question.correct
    points = points_for(contest, correct=correct, late=late, now=now)
    inserted = insert_ignore(
        session,
        Answer.__table__,  # type: ignore[arg-type]
        {
            "question_id": question.id,
            "relay_id": relay.id,
            "choice": choice,
            "correct": correct,
            "late": late,
            "points": points,
            "answered_at": now,
        },
        unique=["question_id", "relay_id"],
    )
    if inserted is not None:
        return Recorded(first=True, correct=correct, late=late, points=points)
    earlier = session.scalars(
        select(Answer).where(Answer.question_id == question.id, Answer.relay_id == relay.id)
    ).one()
    return Recorded(first=False, correct=earlier.correct, late=earlier.late, points=earlier.points)
