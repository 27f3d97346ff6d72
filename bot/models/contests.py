"""Contests (jeux concours): questions, answers and draws; anonymous polls and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.enums import ContestMode, ContestState, Eligibility
from bot.models.base import Base, _enum, utcnow


class Contest(Base):
    """A jeu concours: questions with one right choice each, points, a prize, a draw."""

    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, Any]]  # language → text
    prize: Mapped[dict[str, Any]]  # language → text
    state: Mapped[ContestState] = mapped_column(_enum(ContestState), default=ContestState.DRAFT)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    points: Mapped[int] = mapped_column(default=1)  # for a right answer in time
    speed_bonus: Mapped[int] = mapped_column(default=0)  # added within speed_minutes of opening
    speed_minutes: Mapped[int] = mapped_column(default=0)
    feedback_at_once: Mapped[bool] = mapped_column(default=True)  # else after closing
    audience: Mapped[dict[str, Any]]  # as a broadcast's
    mode: Mapped[ContestMode] = mapped_column(
        _enum(ContestMode), default=ContestMode.SEQUENTIAL, server_default="sequential"
    )
    eligibility: Mapped[Eligibility] = mapped_column(
        _enum(Eligibility), default=Eligibility.ALL_CORRECT, server_default="all_correct"
    )
    # Each participant's results went out (their score, and the right answers).
    results_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("contest_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[dict[str, Any]]  # language → text
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # each: language → label
    correct: Mapped[int]  # index in choices
    media: Mapped[dict[str, Any]]  # language → {"kind", "path" | "url"}

    contest: Mapped[Contest] = relationship()


class Answer(Base):
    """A participant's first answer to a question: one per (question, relay), by constraint."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("question_id", "relay_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int]
    correct: Mapped[bool]
    late: Mapped[bool] = mapped_column(default=False)  # after the contest closed: no points
    points: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContestDraw(Base):
    """A winner draw, kept for good: the frozen eligible list, its SHA-256, the seed,
    who ran it and when. A second draw for the same contest is a redraw, recorded too."""

    __tablename__ = "contest_draw"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    seed: Mapped[str] = mapped_column(String(128))
    rule: Mapped[Eligibility] = mapped_column(_enum(Eligibility))
    eligible: Mapped[list[str]] = mapped_column(JSON)  # canonical participant ids, sorted
    eligible_sha256: Mapped[str] = mapped_column(String(64))
    winners: Mapped[list[str]] = mapped_column(JSON)  # in the order drawn
    redraw: Mapped[bool] = mapped_column(default=False)
    drawn_by: Mapped[str] = mapped_column(String(128))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)


class Poll(Base):
    """An anonymous opinion poll: results only in aggregate, and only past a threshold."""

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[dict[str, Any]]  # language → text
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # each: language → label
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    changeable: Mapped[bool] = mapped_column(default=False)  # a vote may change until close
    # Fewer votes than this and no result is shown, so no answer can be traced to anyone.
    threshold: Mapped[int] = mapped_column(default=10)
    audience: Mapped[dict[str, Any]]
    results_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(Base):
    """One relay's vote in a poll: one per (poll, relay), by constraint; never exported."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("poll_id", "relay_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int]
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
