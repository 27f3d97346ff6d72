"""What the contests page shows, read from the same services as `relais quiz` and
/api/contests: participants and the leaderboard from standings, the draws' audit from
draw_records, participation per question from the indicators, poll results from polls
(past their threshold only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.contests import draw_records
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.questions import localized, questions_of
from bot.domain.contests.seeded_draw import list_digest
from bot.domain.contests.standings import Standing, leaderboard, participant_count
from bot.domain.indicators.contests import contest_figures
from bot.domain.indicators.days import span
from bot.domain.indicators.figures import ContestFigures, Filters, Period
from bot.domain.indicators.scope import Scope
from bot.domain.polls import Results, answer_count, results, results_by_place
from bot.models import Contest, ContestDraw, ContestState, Poll, Relay

LATEST = 100  # contests and polls listed, the latest to open first


@dataclass(frozen=True)
class ContestLine:
    contest: Contest
    title: str
    questions: int
    participants: int
    draws: int


@dataclass(frozen=True)
class Audit:
    """One draw, with what anyone needs to check it; winners by pseudonym only."""

    number: int
    drawn_at: datetime
    drawn_by: str
    redraw: bool
    rule: str
    seed: str
    eligible: int
    eligible_sha256: str
    winners: list[str]
    verified: bool


@dataclass(frozen=True)
class ContestView:
    contest: Contest
    title: str
    prize: str
    closed: bool  # the draw may run
    participants: int
    figures: ContestFigures | None
    questions: list[str]
    standings: list[Standing]
    audits: list[Audit]


@dataclass(frozen=True)
class PollLine:
    poll: Poll
    question: str
    choices: list[str]
    answers: int
    results: Results | None  # None below the threshold
    places: dict[str, Results]


def find_contest(session: Session, slug: str) -> Contest | None:
    return session.scalars(select(Contest).where(Contest.slug == slug)).first()


def may_draw(contest: Contest, now: datetime) -> bool:
    """draw_records.run's own rule: closed, or past its closing time."""
    return contest.state is ContestState.CLOSED or contest.closes_at <= now


def contest_lines(session: Session, language: str) -> list[ContestLine]:
    lines = []
    for contest in session.scalars(select(Contest).order_by(Contest.opens_at.desc()).limit(LATEST)):
        drawn = session.scalar(select(func.count()).where(ContestDraw.contest_id == contest.id))
        lines.append(
            ContestLine(
                contest=contest,
                title=localized(contest.title, language),
                questions=len(questions_of(session, contest)),
                participants=participant_count(session, contest),
                draws=int(drawn or 0),
            )
        )
    return lines


def audit(session: Session, row: ContestDraw) -> Audit:
    """As `relais quiz audit` checks it: the list's digest recomputed, the winners redrawn."""
    winners = [session.get(Relay, int(relay_id)) for relay_id in row.winners]
    return Audit(
        number=row.id,
        drawn_at=row.drawn_at,
        drawn_by=row.drawn_by,
        redraw=row.redraw,
        rule=row.rule.value,
        seed=row.seed,
        eligible=len(row.eligible),
        eligible_sha256=row.eligible_sha256,
        winners=[pseudonym(relay) if relay else "?" for relay in winners],
        verified=draw_records.verify(row)
        and list_digest(tuple(row.eligible)) == row.eligible_sha256,
    )


def _figures(session: Session, contest: Contest, zone: ZoneInfo) -> ContestFigures | None:
    """The indicators' figures of the day the contest opened, this contest's."""
    day = contest.opens_at.astimezone(zone).date()
    found = contest_figures(
        session=session, span=span(Period(day, day), zone), scope=Scope(Filters())
    )
    return next((figures for figures in found if figures.contest_id == contest.slug), None)


def contest_view(
    session: Session, contest: Contest, *, language: str, zone: ZoneInfo, top: int, now: datetime
) -> ContestView:
    return ContestView(
        contest=contest,
        title=localized(contest.title, language),
        prize=localized(contest.prize, language),
        closed=may_draw(contest, now),
        participants=participant_count(session, contest),
        figures=_figures(session, contest, zone),
        questions=[localized(q.text, language) for q in questions_of(session, contest)],
        standings=leaderboard(session, contest, top).standings,
        audits=[audit(session, row) for row in reversed(draw_records.draws_of(session, contest))],
    )


def poll_lines(session: Session, language: str) -> list[PollLine]:
    return [
        PollLine(
            poll=poll,
            question=localized(poll.question, language),
            choices=[localized(choice, language) for choice in poll.choices],
            answers=answer_count(session=session, poll=poll),
            results=results(session=session, poll=poll),
            places=results_by_place(session=session, poll=poll),
        )
        for poll in session.scalars(select(Poll).order_by(Poll.opens_at.desc()).limit(LATEST))
    ]


def percent(rate: float | None) -> str:
    """A rate for people: a whole percentage, or a dash when nothing to divide by."""
    return "—" if rate is None else f"{round(rate * 100)}\u00a0%"
