"""Taps answered in one unit of work (one group commit) read the contest's questions once:
the tapped question's contest by id, then its questions with their contest, whichever
question each relay taps. A tap on a question that no longer exists is told so and
records nothing. On PostgreSQL a tap's answer is recorded and the relay's answers read back
in one statement."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Choice, ChoiceKind, Inbound
from bot.db import unit_of_work
from bot.models import Answer, ContestState, Question
from tests.contest_factories import make_contest
from tests.factories import converse, make_relay, new_relay
from tests.statements import statements_run

NOW = datetime.now(UTC)


def _tap(session: Session, router: Router, address: str, data: str, n: int) -> None:
    receive(
        session=session,
        router=router,
        channel="telegram",
        platform_message_id=f"tap-{n}",
        inbound=Inbound(address=address, choice=Choice(ChoiceKind.QUIZ, data)),
        raw={"data": data},
        now=NOW,
    )


def test_a_group_of_taps_reads_the_questions_once(
    engine: Engine, factory: sessionmaker[Session], router: Router
) -> None:
    contest_id = make_contest(factory, state=ContestState.OPEN)
    with factory() as session:
        first, second = session.scalars(
            select(Question.id).where(Question.contest_id == contest_id).order_by(Question.id)
        )
    with unit_of_work(factory) as session:
        addresses = [
            make_relay(session, address=f"telegram:{9100 + n}", channel="telegram").address
            for n in range(4)
        ]
    with statements_run(engine) as statements, unit_of_work(factory) as session:
        for n, address in enumerate(addresses):
            _tap(session, router, address, f"{(first, second)[n % 2]}.1", n)

    reads = [s for s in statements if re.match(r"SELECT .* FROM question\b", s)]
    assert len(reads) == 2, reads  # the contest of the first tapped question; its questions
    assert reads[0].startswith("SELECT question.contest_id FROM question WHERE question.id")
    assert "JOIN contest" in reads[1]  # with their contest: no lazy load of it later
    with factory() as session:
        answers = session.scalars(select(Answer).order_by(Answer.relay_id)).all()
        assert [a.question_id for a in answers] == [first, second, first, second]
        assert all(a.correct and a.points == 15 for a in answers)


def test_a_tap_on_a_question_that_is_gone_is_told_so(
    factory: sessionmaker[Session], router: Router
) -> None:
    make_contest(factory, state=ContestState.OPEN)
    new_relay(factory, address="telegram:9200", channel="telegram")
    with factory() as session:
        missing = (session.scalar(select(func.max(Question.id))) or 0) + 1000
    tapped = Choice(ChoiceKind.QUIZ, f"{missing}.0").pack()
    replies = converse(factory, router, "telegram:9200", choice=tapped)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
    texts = [reply.get("text", "") for reply in replies]
    assert any("n'existe plus" in text for text in texts), texts


def test_a_tap_records_and_reads_the_answers_in_one_statement_on_postgresql(
    engine: Engine, factory: sessionmaker[Session], router: Router
) -> None:
    contest_id = make_contest(factory, state=ContestState.OPEN)
    with factory() as session:
        first = session.scalars(
            select(Question.id).where(Question.contest_id == contest_id).order_by(Question.id)
        ).first()
    address = "telegram:9300"
    new_relay(factory, address=address, channel="telegram")
    with statements_run(engine) as statements:
        replies = converse(
            factory, router, address, choice=Choice(ChoiceKind.QUIZ, f"{first}.1").pack()
        )

    touching = [s for s in statements if re.search(r"\banswer\b", s)]
    postgres = engine.dialect.name == "postgresql"
    assert len(touching) == (1 if postgres else 2), touching
    assert "INSERT INTO answer" in touching[0]
    texts = [reply.get("text", "") for reply in replies]
    assert any("Bonne réponse" in text for text in texts), texts
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 1
