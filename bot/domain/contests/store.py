"""Contests and polls into the database, from a campaign file or the API, upserted by slug
without ever changing one that has opened.

A contest still a draft whose opening time has not come follows what it is given (its
questions replaced); one that has opened — or whose opening time has passed — never
changes, since answers may exist; a draft the campaign file no longer holds is deleted.
Polls alike, a poll having started once its opening time has passed. Storing the same
thing twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
Item = TypeVar("Item", Quiz, OpinionPoll)


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
    report = QuizReport(
        contests=_sync(
            session,
            Contest,
            quizzes,
            campaign_row,
            store=lambda row, quiz: put_contest(session, row, quiz, campaign_row, zone, now, shift),
            started=lambda row: contest_started(row, now),
            before_delete=lambda row: session.execute(
                delete(Question).where(Question.contest_id == row.id)
            ),
        ),
        polls=_sync(
            session,
            Poll,
            polls,
            campaign_row,
            store=lambda row, poll: put_poll(session, row, poll, campaign_row, zone, now, shift),
            started=lambda row: poll_started(row, now),
        ),
    )
    session.flush()
    return report


def _sync(
    session: Session,
    model: type[Row],
    items: Sequence[Item],
    campaign_row: CampaignRow | None,
    *,
    store: Callable[[Row | None, Item], tuple[Row, Outcome]],
    started: Callable[[Row], bool],
    before_delete: Callable[[Row], object] = lambda row: None,
) -> Changes:
    """Store each item over the row of its slug; the campaign's other rows go, unless
    they have opened."""
    changes = Changes()
    stored = {row.slug: row for row in _existing(session, model, campaign_row)}
    for item in items:
        row = stored.pop(item.id, None) or _by_slug(session, model, item.id)
        changes.add(item.id, store(row, item)[1])
    for slug, row in stored.items():
        if started(row):
            changes.kept.append(slug)
            continue
        before_delete(row)
        session.delete(row)
        changes.removed.append(slug)
    return changes


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
