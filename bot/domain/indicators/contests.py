"""Contests that opened in the period: who was sent each question, who answered in time
and right, and when (answers per hour after opening).

"Sent" is what reached the relay (the platform took it), the denominator of every
participation rate: a question still queued when the contest closed was never asked.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from math import ceil

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.domain.contests.questions import QUESTION_SOURCE
from bot.domain.indicators.days import Span
from bot.domain.indicators.elapsed import HOUR_MS, milliseconds_between
from bot.domain.indicators.figures import ContestFigures, QuestionFigures, rate
from bot.domain.indicators.reach import reach_of
from bot.domain.indicators.scope import Scope
from bot.models import Answer, Contest, Question


def _hours(opens_at: datetime, closes_at: datetime) -> int:
    """Hours the contest is open, a last part-hour counted whole."""
    return max(1, ceil((closes_at - opens_at).total_seconds() / 3600))


def contest_figures(*, session: Session, span: Span, scope: Scope) -> tuple[ContestFigures, ...]:
    contests = session.execute(
        select(Contest.id, Contest.slug, Contest.opens_at, Contest.closes_at)
        .where(span.holds(Contest.opens_at), scope.of_campaign(Contest.campaign_id))
        .order_by(Contest.opens_at, Contest.slug)
    ).all()
    if not contests:
        return ()
    questions = session.execute(
        select(Question.id, Question.contest_id, Question.position)
        .where(Question.contest_id.in_([contest.id for contest in contests]))
        .order_by(Question.contest_id, Question.position)
    ).all()
    ids = [question.id for question in questions]
    sent = reach_of(
        session=session,
        source_kind=QUESTION_SOURCE,
        refs=[str(question_id) for question_id in ids],
        scope=scope,
    )
    in_time = (Answer.question_id.in_(ids), ~Answer.late, scope.counts(Answer.relay_id))
    answered = {
        question_id: (int(count), int(correct or 0))
        for question_id, count, correct in session.execute(
            select(Answer.question_id, func.count(), func.sum(case((Answer.correct, 1), else_=0)))
            .where(*in_time)
            .group_by(Answer.question_id)
        )
    }
    participants = {
        contest_id: int(count)
        for contest_id, count in session.execute(
            select(Question.contest_id, func.count(func.distinct(Answer.relay_id)))
            .join(Question, Question.id == Answer.question_id)
            .where(*in_time)
            .group_by(Question.contest_id)
        )
    }
    hour = milliseconds_between(Contest.opens_at, Answer.answered_at) // HOUR_MS
    timed = (
        select(Answer.question_id, hour.label("hour"))
        .select_from(Answer)
        .join(Question, Question.id == Answer.question_id)
        .join(Contest, Contest.id == Question.contest_id)
        .where(*in_time, Answer.answered_at >= Contest.opens_at)
        .subquery("timed")
    )
    per_hour: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, at_hour, count in session.execute(
        select(timed.c.question_id, timed.c.hour, func.count()).group_by(
            timed.c.question_id, timed.c.hour
        )
    ):
        per_hour[question_id][int(at_hour)] = int(count)

    figures = []
    for contest in contests:
        hours = _hours(contest.opens_at, contest.closes_at)
        asked = [question for question in questions if question.contest_id == contest.id]
        rows = []
        for question in asked:
            reached = sent[str(question.id)].reached if str(question.id) in sent else 0
            count, correct = answered.get(question.id, (0, 0))
            rows.append(
                QuestionFigures(
                    contest_id=contest.slug,
                    question=question.position + 1,
                    sent=reached,
                    answered_in_time=count,
                    correct=correct,
                    participation_rate=rate(count, reached),
                    correct_rate=rate(correct, count),
                    answers_per_hour=tuple(per_hour[question.id].get(at, 0) for at in range(hours)),
                )
            )
        first_sent = rows[0].sent if rows else 0
        taking_part = participants.get(contest.id, 0)
        answers = sum(row.answered_in_time for row in rows)
        figures.append(
            ContestFigures(
                contest_id=contest.slug,
                sent=first_sent,
                participants=taking_part,
                participation_rate=rate(taking_part, first_sent),
                correct_rate=rate(sum(row.correct for row in rows), answers),
                questions=tuple(rows),
            )
        )
    return tuple(figures)
