"""Winner draws, recorded for good and checkable by anyone.

The eligible list is frozen (participants meeting the contest's rule and still active),
its SHA-256 recorded with the seed, the time and who ran it; seeded_draw picks the
winners from seed and list alone. A second draw of the same contest must be asked for
(a redraw) and is recorded too. Winners are told in their language.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.domain.contests import seeded_draw
from bot.domain.contests.questions import localized, questions_of
from bot.domain.outbox import enqueue_text
from bot.i18n import _
from bot.models import (
    Answer,
    Contest,
    ContestDraw,
    ContestState,
    Eligibility,
    Question,
    Relay,
    RelayStatus,
)

WINNER_SOURCE = "draw_winner"  # source_ref: the draw's id


class AlreadyDrawn(Exception):
    """The contest was drawn before; drawing again must be asked for as a redraw."""

    def __init__(self, previous: ContestDraw) -> None:
        super().__init__(f"already drawn at {previous.drawn_at.isoformat()}")
        self.previous = previous


class StillOpen(Exception):
    """The contest has not closed: its eligible list is not final, so no draw yet."""

    def __init__(self, contest: Contest) -> None:
        super().__init__(f"open until {contest.closes_at.isoformat()}")
        self.closes_at = contest.closes_at


def eligible(session: Session, contest: Contest) -> list[str]:
    """Who may win, as canonical ids (the relay's number as text): participants still
    active whose answers in time meet the contest's rule."""
    right = func.sum(case((Answer.correct.is_(True), 1), else_=0))
    query = (
        select(Answer.relay_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Relay, Relay.id == Answer.relay_id)
        .where(
            Question.contest_id == contest.id,
            Answer.late.is_(False),
            Relay.status == RelayStatus.ACTIVE,
        )
        .group_by(Answer.relay_id)
    )
    if contest.eligibility is Eligibility.ALL_CORRECT:
        query = query.having(right == len(questions_of(session, contest)))
    elif contest.eligibility is Eligibility.ANY_CORRECT:
        query = query.having(right >= 1)
    return list(seeded_draw.canonical(str(relay_id) for relay_id in session.scalars(query)))


def draws_of(session: Session, contest: Contest) -> list[ContestDraw]:
    return list(
        session.scalars(
            select(ContestDraw).where(ContestDraw.contest_id == contest.id).order_by(ContestDraw.id)
        )
    )


def run(
    *,
    session: Session,
    contest: Contest,
    winners: int,
    drawn_by: str,
    now: datetime,
    seed: str | None = None,
    redraw: bool = False,
) -> ContestDraw:
    """Freeze the eligible list, draw, record. Raises StillOpen before the contest has
    closed, and AlreadyDrawn when it was drawn before, unless `redraw`."""
    if contest.state is not ContestState.CLOSED and contest.closes_at > now:
        raise StillOpen(contest)
    earlier = draws_of(session, contest)
    if earlier and not redraw:
        raise AlreadyDrawn(earlier[-1])
    result = seeded_draw.draw(eligible(session, contest), winners, seed or secrets.token_hex(16))
    row = ContestDraw(
        contest_id=contest.id,
        seed=result.seed,
        rule=contest.eligibility,
        eligible=list(result.eligible),
        eligible_sha256=result.eligible_sha256,
        winners=list(result.winners),
        redraw=bool(earlier),
        drawn_by=drawn_by,
        drawn_at=now,
    )
    session.add(row)
    session.flush()
    notify_winners(session=session, contest=contest, row=row)
    return row


def verify(row: ContestDraw) -> bool:
    """True when the recorded winners follow from the recorded seed and list."""
    return seeded_draw.verify(
        seeded_draw.Draw(row.seed, tuple(row.eligible), row.eligible_sha256, tuple(row.winners))
    )


def notify_winners(*, session: Session, contest: Contest, row: ContestDraw) -> int:
    """Tell each winner, in their language, what they won and what happens next."""
    told = 0
    for relay_id in row.winners:
        relay = session.get(Relay, int(relay_id))
        if relay is None or relay.status is not RelayStatus.ACTIVE:
            continue
        language = relay.language
        text = _(
            "Congratulations! You are among the winners of the draw of “{title}”. "
            "Your prize: {prize}. The campaign team will contact you here to hand it "
            "over; never pay anyone for a prize.",
            title=localized(contest.title, language.value),
            prize=localized(contest.prize, language.value),
        ).render(language)
        if enqueue_text(
            session=session,
            source_kind=WINNER_SOURCE,
            source_ref=str(row.id),
            relay=relay,
            text=text,
        ):
            told += 1
    return told
