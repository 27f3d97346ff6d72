"""/api/contests and /api/polls: create them, follow them, the leaderboard, the draw.

A contest or poll is posted as JSON in the shape of one item of a campaign file's
`contests:` or `polls:` section (content/FORMAT.md); problems come back with their field.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db import unit_of_work
from bot.domain.contests import draw_records, tick
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.standings import leaderboard, participant_count
from bot.domain.contests.store import SlugTaken, StoreRefused, create_poll, create_quiz
from bot.domain.polls import answer_count, results, results_by_place
from bot.models import (
    Contest,
    ContestDraw,
    ContestState,
    Language,
    Poll,
    Question,
    Relay,
)
from bot.web.access import require_operator
from bot.web.api.contest_bodies import (
    CONTEST_EXAMPLE,
    POLL_EXAMPLE,
    ContestIn,
    DocumentedAs,
    PollIn,
    ProblemsOut,
)
from bot.web.services import Services, ServicesDep
from content.model import OpinionPoll, Quiz
from content.problems import CampaignInvalid
from content.quizzes import poll_from_data, quiz_from_data

__all__ = ["router"]


def _operator(request: Request, services: ServicesDep) -> None:
    require_operator(request, services)


router = APIRouter(prefix="/api", tags=["contests and polls"], dependencies=[Depends(_operator)])
ContestBody = Annotated[
    dict[str, Any],
    Body(
        description="One contest, as in a campaign file (content/FORMAT.md).",
        examples=[CONTEST_EXAMPLE],
    ),
    DocumentedAs(ContestIn),
]
PollBody = Annotated[
    dict[str, Any],
    Body(
        description="One poll, as in a campaign file (content/FORMAT.md).",
        examples=[POLL_EXAMPLE],
    ),
    DocumentedAs(PollIn),
]
REFUSED: dict[int | str, dict[str, Any]] = {
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "model": ProblemsOut,
        "description": "Refused: every problem, by field (a body that is not a JSON object "
        "is refused with FastAPI's own validation error).",
    }
}


class ContestOut(BaseModel):
    slug: str
    title: dict[str, str]
    prize: dict[str, str]
    state: ContestState
    mode: str
    opens_at: datetime
    closes_at: datetime
    questions: int
    participants: int
    draws: int


class StandingOut(BaseModel):
    rank: int
    pseudonym: str = Field(description="Initials and a tag: never a name or a number.")
    points: int
    correct: int


class DrawIn(BaseModel):
    winners: int = Field(ge=1, le=1000)
    seed: str | None = Field(default=None, max_length=128)
    redraw: bool = False
    by: str | None = Field(default=None, max_length=100, description="Who runs it.")


class DrawOut(BaseModel):
    id: int
    seed: str
    rule: str
    eligible: list[str] = Field(description="The frozen list: participants' numbers, sorted.")
    eligible_sha256: str
    winners: list[str]
    winner_pseudonyms: list[str]
    redraw: bool
    drawn_by: str
    drawn_at: datetime
    verified: bool


class PollOut(BaseModel):
    slug: str
    question: dict[str, str]
    opens_at: datetime
    closes_at: datetime
    threshold: int
    answers: int
    results: list[int] | None = Field(
        description="Answers per choice; null below the threshold, so nobody can be traced."
    )
    places: dict[str, list[int]] = Field(
        default_factory=dict, description="Per place, only where the threshold is reached."
    )


def _problems(exc: CampaignInvalid, language: Language) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [
            {
                "field": problem.field,
                "severity": problem.severity,
                "message": problem.message.render(language),
            }
            for problem in exc.problems
        ],
    )


def _contest_out(session: Session, contest: Contest) -> ContestOut:
    questions = session.scalar(select(func.count()).where(Question.contest_id == contest.id))
    drawn = session.scalar(select(func.count()).where(ContestDraw.contest_id == contest.id))
    return ContestOut(
        slug=contest.slug,
        title=contest.title,
        prize=contest.prize,
        state=contest.state,
        mode=contest.mode.value,
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
        questions=int(questions or 0),
        participants=participant_count(session, contest),
        draws=int(drawn or 0),
    )


def _contest(session: Session, slug: str) -> Contest:
    found = session.scalars(select(Contest).where(Contest.slug == slug)).first()
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such contest")
    return found


Item = TypeVar("Item", Quiz, OpinionPoll)
Row = TypeVar("Row", Contest, Poll)
Out = TypeVar("Out", ContestOut, PollOut)


def _store(
    services: Services,
    data: dict[str, Any],
    language: Language,
    *,
    read: Callable[[dict[str, Any]], Item],
    store: Callable[[Session, Item, datetime], Row],
    out: Callable[[Session, Row], Out],
) -> Out:
    """Read a body as the campaign file's format, store it, and send what is due now."""
    try:
        item = read(data)
    except CampaignInvalid as exc:
        raise _problems(exc, language) from exc
    now = datetime.now(UTC)
    with unit_of_work(services.factory) as session:
        try:
            row = store(session, item, now)
        except (SlugTaken, StoreRefused) as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, exc.message.render(language)) from exc
        tick.tick(session=session, now=now, zone=services.settings.zone)
        session.refresh(row)
        return out(session, row)


def _latest(session: Session, model: type[Row], out: Callable[[Session, Row], Out]) -> list[Out]:
    """The hundred contests or polls that open last, newest first."""
    found = session.scalars(select(model).order_by(model.opens_at.desc()).limit(100))
    return [out(session, row) for row in found]


def _create_contest(services: Services, data: dict[str, Any], language: Language) -> ContestOut:
    zone = services.settings.zone
    return _store(
        services,
        data,
        language,
        read=quiz_from_data,
        store=lambda session, quiz, now: create_quiz(
            session=session, quiz=quiz, zone=zone, now=now
        ),
        out=_contest_out,
    )


def _draw_out(session: Session, row: ContestDraw) -> DrawOut:
    relays = [session.get(Relay, int(relay_id)) for relay_id in row.winners]
    return DrawOut(
        id=row.id,
        seed=row.seed,
        rule=row.rule.value,
        eligible=row.eligible,
        eligible_sha256=row.eligible_sha256,
        winners=row.winners,
        winner_pseudonyms=[pseudonym(relay) if relay else "" for relay in relays],
        redraw=row.redraw,
        drawn_by=row.drawn_by,
        drawn_at=row.drawn_at,
        verified=draw_records.verify(row),
    )


def _draw(services: Services, slug: str, body: DrawIn) -> DrawOut:
    now = datetime.now(UTC)
    with unit_of_work(services.factory) as session:
        contest = _contest(session, slug)
        try:
            row = draw_records.run(
                session=session,
                contest=contest,
                winners=body.winners,
                seed=body.seed,
                redraw=body.redraw,
                drawn_by=body.by or f"api:{getpass.getuser()}",
                now=now,
            )
        except draw_records.StillOpen as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, "the contest is still open") from exc
        except draw_records.AlreadyDrawn as exc:
            raise HTTPException(
                status.HTTP_409_CONFLICT, "already drawn: set redraw to draw again"
            ) from exc
        return _draw_out(session, row)


def _poll_out(session: Session, poll: Poll) -> PollOut:
    overall = results(session=session, poll=poll)
    per_place = results_by_place(session=session, poll=poll)
    return PollOut(
        slug=poll.slug,
        question=poll.question,
        opens_at=poll.opens_at,
        closes_at=poll.closes_at,
        threshold=poll.threshold,
        answers=answer_count(session=session, poll=poll),
        results=list(overall.counts) if overall else None,
        places={place: list(found.counts) for place, found in per_place.items()},
    )


def _create_poll(services: Services, data: dict[str, Any], language: Language) -> PollOut:
    zone = services.settings.zone
    return _store(
        services,
        data,
        language,
        read=poll_from_data,
        store=lambda session, poll, now: create_poll(
            session=session, poll=poll, zone=zone, now=now
        ),
        out=_poll_out,
    )


@router.post("/contests", status_code=status.HTTP_201_CREATED, responses=REFUSED)
async def create_contest(
    services: ServicesDep, data: ContestBody, lang: Language = Language.FR
) -> ContestOut:
    """Create a contest (or update it while it has not opened); due questions go out."""
    created = await run_in_threadpool(_create_contest, services, data, lang)
    services.wake_worker()
    return created


@router.get("/contests")
async def list_contests(services: ServicesDep) -> list[ContestOut]:
    return await services.read(lambda session: _latest(session, Contest, _contest_out))


@router.get("/contests/{slug}")
async def get_contest(slug: str, services: ServicesDep) -> ContestOut:
    return await services.read(lambda session: _contest_out(session, _contest(session, slug)))


@router.get("/contests/{slug}/leaderboard")
async def get_leaderboard(slug: str, services: ServicesDep, top: int = 10) -> list[StandingOut]:
    """The public leaderboard: pseudonyms only."""

    def read(session: Session) -> list[StandingOut]:
        contest = _contest(session, slug)
        return [
            StandingOut(rank=s.rank, pseudonym=s.pseudonym, points=s.points, correct=s.correct)
            for s in leaderboard(session, contest, max(1, min(top, 100))).standings
        ]

    return await services.read(read)


@router.post("/contests/{slug}/draws", status_code=status.HTTP_201_CREATED)
async def draw_winners(slug: str, body: DrawIn, services: ServicesDep) -> DrawOut:
    """Freeze the eligible list, draw, record, and tell the winners."""
    drawn = await run_in_threadpool(_draw, services, slug, body)
    services.wake_worker()
    return drawn


@router.get("/contests/{slug}/draws")
async def list_draws(slug: str, services: ServicesDep) -> list[DrawOut]:
    """Every draw of the contest, with what is needed to check it."""

    def read(session: Session) -> list[DrawOut]:
        draws = draw_records.draws_of(session, _contest(session, slug))
        return [_draw_out(session, row) for row in draws]

    return await services.read(read)


@router.post("/polls", status_code=status.HTTP_201_CREATED, responses=REFUSED)
async def create_poll_route(
    services: ServicesDep, data: PollBody, lang: Language = Language.FR
) -> PollOut:
    """Create a poll (or update it until it opens); it goes out when it opens."""
    created = await run_in_threadpool(_create_poll, services, data, lang)
    services.wake_worker()
    return created


@router.get("/polls")
async def list_polls(services: ServicesDep) -> list[PollOut]:
    """Polls with their results in aggregate, only past their threshold."""

    return await services.read(lambda session: _latest(session, Poll, _poll_out))
