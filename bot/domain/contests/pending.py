"""What a typed "2" answers: the question or poll this relay was sent and has not
answered yet.

On Telegram a button says which question it answers; on WhatsApp and SMS a bare number
must be matched to something. The most recently sent contest or poll wins; within a
contest sent all at once, its first unanswered question. A few days after closing, a
number is no longer read as an answer (the late answer is still recorded until then).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, literal, null, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from bot.db import core
from bot.domain.contests.questions import QUESTION_SOURCE
from bot.models import Answer, Contest, Delivery, Poll, Question, Relay, Vote
from bot.precompiled import Precompiled

POLL_SOURCE = "poll"  # source_ref: the poll's id
LATE_GRACE = timedelta(days=3)


def _sent(source_kind: str, ref: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    # Compared as text: source_ref holds other kinds' references too.
    return and_(
        Delivery.source_kind == source_kind,
        Delivery.relay_id == bindparam("relay_id"),
        Delivery.source_ref == cast(ref, String),
    )


# Built once: every typed message asks it, and building it cost more than running it. It
# reads ids only, on the session's connection: most typed text answers nothing, and
# loading entities through the ORM cost more than the query; the one found is loaded
# afterwards. Questions and polls in one statement (UNION ALL): two cost 50-70 µs more.
_QUESTIONS = (
    select(
        literal(True).label("is_question"),
        Question.id,
        Question.contest_id,
        Question.position,
        Delivery.id.label("delivery"),
    )
    .join(Delivery, _sent(QUESTION_SOURCE, Question.id))
    .join(Contest, Contest.id == Question.contest_id)
    .where(
        Contest.closes_at > bindparam("horizon"),
        Question.id.not_in(
            select(Answer.question_id).where(Answer.relay_id == bindparam("relay_id"))
        ),
    )
)
_POLLS = (
    select(literal(False), Poll.id, null(), literal(0), Delivery.id)
    .join(Delivery, _sent(POLL_SOURCE, Poll.id))
    .where(
        Poll.closes_at > bindparam("horizon"),
        Poll.id.not_in(select(Vote.poll_id).where(Vote.relay_id == bindparam("relay_id"))),
    )
)
_WAITING: CompoundSelect[Any] = union_all(_QUESTIONS, _POLLS)
_WAITING_ROWS = Precompiled(_WAITING)


def pending_for(session: Session, relay: Relay, now: datetime) -> Question | Poll | None:
    """The question or poll a bare typed answer from this relay is meant for, if any."""
    parameters = {"relay_id": relay.id, "horizon": now - LATE_GRACE}
    rows = _WAITING_ROWS.rows(core(session), parameters)
    # A contest counts from its latest question sent; its first unanswered one is asked.
    latest: dict[int, int] = {}
    for is_question, _id, contest, _position, delivery in rows:
        if is_question:
            latest[contest] = max(latest.get(contest, 0), delivery)
    candidates: list[tuple[int, int, type[Question] | type[Poll], int]] = [
        (latest[contest], -position, Question, found) if is_question else (delivery, 0, Poll, found)
        for is_question, found, contest, position, delivery in rows
    ]
    if not candidates:
        return None
    _when, _order, kind, found = max(candidates, key=lambda item: (item[0], item[1]))
    return session.get_one(kind, found)  # type: ignore[return-value]
