"""Quiz questions as relays receive them, and sending them through the outbox.

Two modes: sequential (the first question at opening, each next one as soon as the
previous is answered) and all_at_once (every question at opening). Telegram shows the
choices as buttons; WhatsApp and SMS as a numbered list to answer by number or letter.
A question's deliveries are unique per relay, so the clock can queue them every tick:
someone who joins while the contest is open gets it too, nobody gets it twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from bot.conversation.values import Choice, ChoiceKind
from bot.db import core
from bot.domain.broadcasts import Audience
from bot.domain.outbox import enqueue_in_each_language
from bot.i18n import Day, _
from bot.models import Answer, Contest, ContestMode, Language, Question, Relay
from bot.outbound import Message, Option, Subject, media_from_json
from bot.precompiled import Precompiled

QUESTION_SOURCE = "question"  # source_ref: the question's id


def localized(texts: dict[str, str], language: str) -> str:
    """The text in `language`, or in the other one rather than nothing."""
    return texts.get(language) or next((text for text in texts.values() if text), "")


def choice_label(question: Question, index: int, language: str) -> str:
    return localized(question.choices[index], language)


def closing(contest: Contest, zone: ZoneInfo) -> dict[str, Any]:
    """{day} and {time} of the contest's closing, for the texts that mention it."""
    local = contest.closes_at.astimezone(zone)
    return {"day": Day(contest.closes_at, zone), "time": local.strftime("%H:%M")}


def questions_of(session: Session, contest: Contest) -> list[Question]:
    return list(session.scalars(_QUESTIONS_OF, {"contest": contest.id}))


# Built once: every contest answer runs these (building them cost more than running them).
_QUESTIONS_OF = (
    select(Question).where(Question.contest_id == bindparam("contest")).order_by(Question.position)
)
_NEXT_QUESTION = (
    select(Question)
    .where(
        Question.contest_id == bindparam("contest"),
        Question.id.not_in(select(Answer.question_id).where(Answer.relay_id == bindparam("relay"))),
    )
    .order_by(Question.position)
)


def question_message(question: Question, total: int, language: Language, zone: ZoneInfo) -> Message:
    """The question in `language` (or the other one), its choices, its picture or voice."""
    contest = question.contest
    lang = language.value
    header = _(
        "{title}: question {number} of {total}",
        title=localized(contest.title, lang),
        number=question.position + 1,
        total=total,
    ).render(language)
    how = _(
        "Reply with the number of your answer (1 to {count}). Closes {day} at {time}.",
        count=len(question.choices),
        **closing(contest, zone),
    ).render(language)
    media: dict[str, Any] = question.media or {}
    chosen = media.get(lang) or next(iter(media.values()), None)
    return Message(
        text=f"{header}\n\n{localized(question.text, lang)}\n\n{how}",
        language=lang,
        options=tuple(
            Option(
                choice_label(question, index, lang),
                Choice(ChoiceKind.QUIZ, f"{question.id}.{index}").pack(),
            )
            for index in range(len(question.choices))
        ),
        media=media_from_json(chosen),
        subject=Subject("question", question.id),
    )


def queue_opening(*, session: Session, contest: Contest, now: datetime, zone: ZoneInfo) -> int:
    """Queue what the audience gets at opening (again is harmless); returns how many."""
    questions = questions_of(session, contest)
    total = len(questions)
    if contest.mode is ContestMode.SEQUENTIAL:
        questions = questions[:1]
    audience = Audience.from_json(contest.audience)

    def queue(question: Question) -> int:
        return enqueue_in_each_language(
            session=session,
            source_kind=QUESTION_SOURCE,
            source_ref=str(question.id),
            message=lambda language: question_message(question, total, language, zone),
            relays=lambda language: audience.relays(language, zone),
            now=now,
        )

    return sum(queue(question) for question in questions)


_KEPT = "relais.questions"  # session.info: the questions a unit of work loaded, by contest
_KEPT_BY_ID = "relais.questions.by_id"  # session.info: the same, by question id
# Each question with its contest, in one SELECT: every answer reads the contest.
_QUESTIONS_WITH_CONTEST = _QUESTIONS_OF.options(joinedload(Question.contest))
_CONTEST_OF_QUESTION = Precompiled(
    select(Question.contest_id).where(Question.id == bindparam("question"))
)
_ANSWERED = Precompiled(
    select(Answer.question_id)
    .join(Question, Question.id == Answer.question_id)
    .where(Answer.relay_id == bindparam("relay"), Question.contest_id == bindparam("contest"))
)


def kept_questions(session: Session, contest_id: int) -> list[Question]:
    """The contest's questions in order, with their contest, loaded once per session and
    kept referenced.

    The session's identity map holds objects weakly: between two webhooks of one group
    commit (one session) nothing referenced the question answered and its contest, so
    each answer loaded them again (three SELECTs of question, one of contest, per tap).
    """
    kept: dict[int, list[Question]] = session.info.setdefault(_KEPT, {})
    if contest_id not in kept:
        questions = list(session.scalars(_QUESTIONS_WITH_CONTEST, {"contest": contest_id}))
        kept[contest_id] = questions
        by_id: dict[int, Question] = session.info.setdefault(_KEPT_BY_ID, {})
        by_id.update((question.id, question) for question in questions)
    return kept[contest_id]


def kept_question(session: Session, question_id: int) -> Question | None:
    """A question by id, kept referenced with its contest's others for the session.

    Its contest's id is read on the driver's cursor, then the contest's questions once:
    a `Session.get` with its contest joined built and compiled its SELECT on every call,
    which cost more than the two statements (a session answering one tap, in process:
    535-558 → 298-346 µs)."""
    by_id: dict[int, Question] = session.info.setdefault(_KEPT_BY_ID, {})
    if question_id not in by_id:
        contest_id = _CONTEST_OF_QUESTION.scalar(core(session), {"question": question_id})
        if contest_id is None:
            return None
        kept_questions(session, contest_id)
    return by_id.get(question_id)


def following_question(
    session: Session,
    contest: Contest,
    relay: Relay,
    answered: frozenset[int] | None = None,
) -> tuple[Question | None, int]:
    """next_question and how many questions the contest has: the questions kept for the
    session, and only the ids this relay answered read from the database, unless given
    (as the statement that recorded the answer read them)."""
    questions = kept_questions(session, contest.id)
    if answered is None:
        rows = _ANSWERED.rows(core(session), {"relay": relay.id, "contest": contest.id})
        answered = frozenset(question_id for (question_id,) in rows)
    following = next((question for question in questions if question.id not in answered), None)
    return following, len(questions)


def next_question(session: Session, contest: Contest, relay: Relay) -> Question | None:
    """The first question of the contest this relay has not answered, in order."""
    return session.scalars(_NEXT_QUESTION, {"contest": contest.id, "relay": relay.id}).first()
