"""Contests and polls into the database, from a campaign file or the API, upserted by slug
without ever changing one that has opened.

A contest still a draft whose opening time has not come follows what it is given (its
questions replaced); one that has opened — or whose opening time has passed — never
changes, since answers may exist; a draft the campaign file no longer holds is deleted.
Polls alike, a poll having started once its opening time has passed. Storing the same
thing twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.domain.contests.store_refusals import NotChangeable, SlugTaken, StoreRefused, refuse_taken
from bot.domain.contests.store_rows import (
    Outcome,
    contest_started,
    poll_started,
    put_contest,
    put_poll,
)
from bot.models import CampaignRow, Contest, Poll, Question
from content.model import OpinionPoll, Quiz

__all__ = [
    "Changes",
    "NotChangeable",
    "QuizReport",
    "SlugTaken",
    "StoreRefused",
    "create_poll",
    "create_quiz",
    "store_quizzes",
]
Row = TypeVar("Row", Contest, Poll)


@dataclass
class Changes:
    """What storing did, by slug, to one kind (contests or polls)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # opened already: left as they were
    removed: list[str] = field(default_factory=list)  # drafts no longer in the file

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def add(self, slug: str, outcome: Outcome) -> None:
        getattr(self, outcome).append(slug)


@dataclass
class QuizReport:
    contests: Changes = field(default_factory=Changes)
    polls: Changes = field(default_factory=Changes)


def _existing(session: Session, model: type[Row], campaign_row: CampaignRow | None) -> list[Row]:
    if campaign_row is None:
        return []
    return list(session.scalars(select(model).where(model.campaign_id == campaign_row.id)))


def store_quizzes(
    *,
    session: Session,
    campaign_row: CampaignRow | None,
    quizzes: tuple[Quiz, ...] | list[Quiz],
    polls: tuple[OpinionPoll, ...] | list[OpinionPoll],
    zone: ZoneInfo,
    now: datetime,
    shift_days: int = 0,
) -> QuizReport:
    """Upsert these contests and polls; `shift_days` moves their dates (a rehearsal).

    With a campaign, its drafts missing here are deleted (those that opened are kept);
    without one (a file of contests alone), nothing else is touched. Raises SlugTaken,
    storing nothing, when a slug belongs to another campaign.
    """
    shift = timedelta(days=shift_days)
    refuse_taken(
        session,
        campaign_row,
        [(Contest, quiz, f"contests[{index}].id") for index, quiz in enumerate(quizzes)]
        + [(Poll, poll, f"polls[{index}].id") for index, poll in enumerate(polls)],
    )
    report = QuizReport()
    contests = {row.slug: row for row in _existing(session, Contest, campaign_row)}
    for quiz in quizzes:
        stored = contests.pop(quiz.id, None) or _by_slug(session, Contest, quiz.id)
        _row, outcome = put_contest(session, stored, quiz, campaign_row, zone, now, shift)
        report.contests.add(quiz.id, outcome)
    for slug, contest in contests.items():
        if contest_started(contest, now):
            report.contests.kept.append(slug)
            continue
        session.execute(delete(Question).where(Question.contest_id == contest.id))
        session.delete(contest)
        report.contests.removed.append(slug)
    stored_polls = {row.slug: row for row in _existing(session, Poll, campaign_row)}
    for poll in polls:
        found = stored_polls.pop(poll.id, None) or _by_slug(session, Poll, poll.id)
        _poll, outcome = put_poll(session, found, poll, campaign_row, zone, now, shift)
        report.polls.add(poll.id, outcome)
    for slug, stored_poll in stored_polls.items():
        if poll_started(stored_poll, now):
            report.polls.kept.append(slug)
            continue
        session.delete(stored_poll)
        report.polls.removed.append(slug)
    session.flush()
    return report


def _by_slug(session: Session, model: type[Row], slug: str) -> Row | None:
    return session.scalars(select(model).where(model.slug == slug)).first()


def create_quiz(
    *,
    session: Session,
    quiz: Quiz,
    zone: ZoneInfo,
    now: datetime,
    campaign_row: CampaignRow | None = None,
) -> Contest:
    """Create the contest, or update it while it is a draft not yet open.

    Raises NotChangeable when it has opened, SlugTaken when another campaign uses the slug,
    StoreRefused when it has media but no campaign (media live in a campaign folder).
    """
    refuse_taken(session, campaign_row, [(Contest, quiz, "id")])
    stored = _by_slug(session, Contest, quiz.id)
    if stored is not None and contest_started(stored, now):
        raise NotChangeable(quiz.id)
    contest, _outcome = put_contest(session, stored, quiz, campaign_row, zone, now)
    return contest


def create_poll(
    *,
    session: Session,
    poll: OpinionPoll,
    zone: ZoneInfo,
    now: datetime,
    campaign_row: CampaignRow | None = None,
) -> Poll:
    """Create the poll, or update it until it opens. Raises NotChangeable once it has,
    SlugTaken when another campaign uses the slug."""
    refuse_taken(session, campaign_row, [(Poll, poll, "id")])
    stored = _by_slug(session, Poll, poll.id)
    if stored is not None and poll_started(stored, now):
        raise NotChangeable(poll.id)
    row, _outcome = put_poll(session, stored, poll, campaign_row, zone, now)
    return row
