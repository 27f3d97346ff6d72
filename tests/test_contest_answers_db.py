"""Contest answers in the database: exactly once, late after closing, scored and ranked."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.contests.answer_records import record_answer
from bot.domain.contests.standings import contest_scores
from bot.models import Answer, ContestState, Question, Relay
from tests.contest_factories import make_contest
from tests.factories import new_relay

Factory = sessionmaker[Session]
OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CHOICES = [{"fr": "Oui", "bm": "Awɔ"}, {"fr": "Non", "bm": "Ayi"}, {"fr": "Je ne sais pas"}]


def contest(factory: Factory, questions: int = 2, **overrides: Any) -> list[int]:
    """An open contest of `questions` questions (the first choice right, 10 points and 5 more
    within the hour), from OPENS for two days; its questions' ids."""
    asked = [
        {"text": {"fr": f"Question {position}"}, "choices": CHOICES, "correct": 0}
        for position in range(questions)
    ]
    contest_id = make_contest(
        factory,
        asked,
        state=ContestState.OPEN,
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=2),
        **overrides,
    )
    with factory() as session:
        query = select(Question.id).where(Question.contest_id == contest_id)
        return list(session.scalars(query.order_by(Question.position)))


def answer(factory: Factory, question_id: int, relay_id: int, choice: int, now: datetime) -> Any:
    with unit_of_work(factory) as session:
        question, relay = session.get_one(Question, question_id), session.get_one(Relay, relay_id)
        return record_answer(
            session=session, question=question, relay=relay, choice=choice, now=now
        )


def test_the_first_answer_counts_and_a_second_changes_nothing(factory: Factory) -> None:
    [question] = contest(factory, questions=1)
    who = new_relay(factory)
    first = answer(factory, question, who, 0, OPENS + timedelta(minutes=5))
    again = answer(factory, question, who, 1, OPENS + timedelta(minutes=6))
    assert (first.first, first.correct, first.points) == (True, True, 15)  # 10 + speed bonus
    assert (again.first, again.correct, again.points) == (False, True, 15)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 1


def test_two_requests_at_once_record_one_answer(factory: Factory) -> None:
    [question] = contest(factory, questions=1)
    who = new_relay(factory)
    barrier = threading.Barrier(6)

    def tap(choice: int) -> bool:
        barrier.wait(timeout=10)
        return bool(answer(factory, question, who, choice, OPENS + timedelta(hours=2)).first)

    with ThreadPoolExecutor(max_workers=6) as pool:
        firsts = list(pool.map(tap, [0, 1, 0, 1, 2, 0]))
    assert sorted(firsts) == [False] * 5 + [True]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 1


def test_after_closing_an_answer_is_late_and_worth_nothing(factory: Factory) -> None:
    [question] = contest(factory, questions=1)
    late = answer(factory, question, new_relay(factory), 0, OPENS + timedelta(days=3))
    assert (late.first, late.correct, late.late, late.points) == (True, True, True, 0)


def test_scores_rank_ties_together(factory: Factory) -> None:
    first, second = contest(factory)
    fast, slow, wrong = new_relay(factory), new_relay(factory), new_relay(factory)
    for question in (first, second):
        answer(factory, question, fast, 0, OPENS + timedelta(minutes=1))
        answer(factory, question, slow, 0, OPENS + timedelta(hours=3))
        answer(factory, question, wrong, 1, OPENS + timedelta(minutes=1))
    tie = new_relay(factory)
    for question in (first, second):
        answer(factory, question, tie, 0, OPENS + timedelta(hours=4))
    with factory() as session:
        row = session.get_one(Question, first).contest
        table = [(s.relay_id, s.points, s.correct, s.rank) for s in contest_scores(session, row)]
    assert table == [(fast, 30, 2, 1), (slow, 20, 2, 2), (tie, 20, 2, 2), (wrong, 0, 0, 4)]
