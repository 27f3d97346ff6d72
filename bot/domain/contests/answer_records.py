"""Record contest answers exactly once, and say what each is worth.

The first answer of a participant to a question counts: the answer table is unique on
(question, relay) and the insert is ON CONFLICT DO NOTHING, so a replayed webhook, a
double tap or two web processes at once record one answer. After closing an answer is
kept, marked late, worth nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, null, select, union_all
from sqlalchemy.orm import Session

from bot.db import core, insert_ignore, insert_ignore_statement
from bot.models import Answer, Contest, ContestState, Question, Relay
from bot.precompiled import Precompiled


@dataclass(frozen=True)
class Recorded:
    """What became of an answer: `first` is False when one was recorded before.
    `answered`: the questions of the contest this participant has now answered, when the
    statement that recorded it also read them (PostgreSQL), else None."""

    first: bool
    correct: bool
    late: bool
    points: int
    answered: frozenset[int] | None = None


def points_for(contest: Contest, *, correct: bool, late: bool, now: datetime) -> int:
    if not correct or late:
        return 0
    quick = contest.speed_minutes and now - contest.opens_at <= timedelta(
        minutes=contest.speed_minutes
    )
    return contest.points + (contest.speed_bonus if quick else 0)


_ANSWERS: Table = Answer.__table__  # type: ignore[assignment]
_COLUMNS = ("question_id", "relay_id", "choice", "correct", "late", "points", "answered_at")
_UNIQUE = ("question_id", "relay_id")


@functools.cache
def _record_and_read() -> Precompiled:
    """PostgreSQL: insert_ignore's INSERT of the answer and the questions of the contest
    this participant answered before, in one statement: one round trip, where the
    follow-up question read them in a second. The SELECT reads the snapshot from before
    the INSERT, so the new answer comes back from the INSERT's own RETURNING: a row (its
    id, its question) when recorded, then (None, question) for each earlier one."""
    recorded = insert_ignore_statement("postgresql", _ANSWERS, _UNIQUE, _COLUMNS).cte("recorded")
    earlier = (
        select(null().cast(_ANSWERS.c.id.type), Answer.question_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Answer.relay_id == bindparam("relay_id"),
            Question.contest_id == bindparam("contest"),
        )
    )
    question = bindparam("question_id", type_=_ANSWERS.c.question_id.type)
    return Precompiled(union_all(select(recorded.c.id, question), earlier))


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
    values = {
        "question_id": question.id,
        "relay_id": relay.id,
        "choice": choice,
        "correct": correct,
        "late": late,
        "points": points,
        "answered_at": now,
    }
    connection = core(session)
    answered: frozenset[int] | None = None
    if connection.dialect.name == "postgresql":
        rows = _record_and_read().rows(connection, {**values, "contest": contest.id})
        inserted = next((row[0] for row in rows if row[0] is not None), None)
        answered = frozenset(row[1] for row in rows)
    else:
        inserted = insert_ignore(session, _ANSWERS, values, unique=list(_UNIQUE))
    if inserted is not None:
        return Recorded(first=True, correct=correct, late=late, points=points, answered=answered)
    earlier = session.scalars(
        select(Answer).where(Answer.question_id == question.id, Answer.relay_id == relay.id)
    ).one()
    return Recorded(first=False, correct=earlier.correct, late=earlier.late, points=earlier.points)
