"""Contest, question and poll rows as a Quiz or an OpinionPoll describes them: created,
left alone when the same, kept once started, updated (questions replaced) otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain.broadcasts import Audience
from bot.domain.contests.store_refusals import StoreRefused
from bot.domain.posts import media_reference
from bot.i18n import _
from bot.models import CampaignRow, Contest, ContestMode, ContestState, Eligibility, Poll, Question
from bot.outbound import media_to_json
from content.model import OpinionPoll, Participants, Quiz, QuizQuestion

Outcome = Literal["created", "updated", "unchanged", "kept"]


def _utc(local: datetime, zone: ZoneInfo, shift: timedelta) -> datetime:
    return (local + shift).replace(tzinfo=zone).astimezone(UTC)


def _audience(participants: Participants) -> dict[str, Any]:
    return Audience(
        languages=participants.languages,
        places=participants.places,
        roles=participants.roles,
        tags=participants.tags,
    ).to_json()


def _media(question: QuizQuestion, campaign_row: CampaignRow | None, slug: str) -> dict[str, Any]:
    if question.media and campaign_row is None:
        raise StoreRefused(slug, _("media needs a campaign folder"))
    return {
        language: media_to_json(media_reference(campaign_row, path))
        for language, path in question.media.items()
        if campaign_row is not None
    }


def _contest_values(quiz: Quiz, zone: ZoneInfo, shift: timedelta) -> dict[str, Any]:
    return {
        "title": dict(quiz.title),
        "prize": dict(quiz.prize),
        "opens_at": _utc(quiz.opens, zone, shift),
        "closes_at": _utc(quiz.closes, zone, shift),
        "points": quiz.points,
        "speed_bonus": quiz.speed_bonus,
        "speed_minutes": quiz.speed_minutes,
        "feedback_at_once": quiz.feedback == "at_once",
        "mode": ContestMode(quiz.mode),
        "eligibility": Eligibility(quiz.eligible),
        "audience": _audience(quiz.participants),
    }


def _question_values(quiz: Quiz, campaign_row: CampaignRow | None) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "text": dict(question.text),
            "choices": [dict(choice) for choice in question.choices],
            "correct": question.correct,
            "media": _media(question, campaign_row, quiz.id),
        }
        for position, question in enumerate(quiz.questions)
    ]


def _poll_values(poll: OpinionPoll, zone: ZoneInfo, shift: timedelta) -> dict[str, Any]:
    return {
        "question": dict(poll.question),
        "choices": [dict(choice) for choice in poll.choices],
        "opens_at": _utc(poll.opens, zone, shift),
        "closes_at": _utc(poll.closes, zone, shift),
        "changeable": poll.changeable,
        "threshold": poll.threshold,
        "audience": _audience(poll.participants),
    }


def _stored_questions(session: Session, contest: Contest) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Question).where(Question.contest_id == contest.id).order_by(Question.position)
    )
    keys = ("position", "text", "choices", "correct", "media")
    return [{key: getattr(row, key) for key in keys} for row in rows]


def _same(row: Contest | Poll, values: dict[str, Any]) -> bool:
    return all(getattr(row, key) == value for key, value in values.items())


def contest_started(contest: Contest, now: datetime) -> bool:
    return contest.state is not ContestState.DRAFT or contest.opens_at <= now


def poll_started(poll: Poll, now: datetime) -> bool:
    return poll.opens_at <= now


def put_contest(
    session: Session,
    stored: Contest | None,
    quiz: Quiz,
    campaign_row: CampaignRow | None,
    zone: ZoneInfo,
    now: datetime,
    shift: timedelta = timedelta(0),
) -> tuple[Contest, Outcome]:
    values = _contest_values(quiz, zone, shift)
    questions = _question_values(quiz, campaign_row)
    if stored is not None:
        if _same(stored, values) and _stored_questions(session, stored) == questions:
            return stored, "unchanged"
        if contest_started(stored, now):
            return stored, "kept"
        for key, value in values.items():
            setattr(stored, key, value)
        session.execute(delete(Question).where(Question.contest_id == stored.id))
        outcome: Outcome = "updated"
    else:
        campaign_id = campaign_row.id if campaign_row else None
        stored = Contest(slug=quiz.id, campaign_id=campaign_id, state=ContestState.DRAFT, **values)
        stored.created_at = now
        session.add(stored)
        session.flush()
        outcome = "created"
    session.add_all(Question(contest_id=stored.id, **question) for question in questions)
    session.flush()
    return stored, outcome


def put_poll(
    session: Session,
    stored: Poll | None,
    poll: OpinionPoll,
    campaign_row: CampaignRow | None,
    zone: ZoneInfo,
    now: datetime,
    shift: timedelta = timedelta(0),
) -> tuple[Poll, Outcome]:
    values = _poll_values(poll, zone, shift)
    if stored is not None:
        if _same(stored, values):
            return stored, "unchanged"
        if poll_started(stored, now):
            return stored, "kept"
        for key, value in values.items():
            setattr(stored, key, value)
        session.flush()
        return stored, "updated"
    campaign_id = campaign_row.id if campaign_row else None
    stored = Poll(slug=poll.id, campaign_id=campaign_id, created_at=now, **values)
    session.add(stored)
    session.flush()
    return stored, "created"
