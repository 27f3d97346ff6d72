"""/admin/contests: each contest's participation, its leaderboard by pseudonym, its draw
(run here once it has closed, with the audit shown), and poll results past their
threshold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db import unit_of_work
from bot.domain.contests import draw_records
from bot.domain.organisers import SignedIn
from bot.i18n import Text, _
from bot.web.admin import contest_views, pages
from bot.web.admin.auth import Checked, Organiser
from bot.web.services import Services, ServicesDep

router = APIRouter(prefix="/admin", include_in_schema=False)
TOP = 10


def _local(services: Services) -> Callable[[datetime], str]:
    """Times as the campaign's zone reads them."""
    zone = services.settings.zone
    return lambda moment: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@router.get("/contests", response_class=HTMLResponse)
async def contests(request: Request, organiser: Organiser, services: ServicesDep) -> Response:
    language = pages.language(request).value

    def read(session: Session) -> dict[str, object]:
        return {
            "contests": contest_views.contest_lines(session, language),
            "polls": contest_views.poll_lines(session, language),
        }

    context = await services.read(read)
    context["local"] = _local(services)
    return pages.render(request, "admin/contests.html", context, organiser=organiser)


async def _contest_page(
    request: Request,
    services: ServicesDep,
    organiser: SignedIn,
    slug: str,
    *,
    top: int = TOP,
    error: Text | None = None,
    status_code: int = 200,
) -> Response:
    language = pages.language(request)

    def read(session: Session) -> contest_views.ContestView:
        contest = contest_views.find_contest(session, slug)
        if contest is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such contest")
        return contest_views.contest_view(
            session,
            contest,
            language=language.value,
            zone=services.settings.zone,
            top=top,
            now=datetime.now(UTC),
        )

    view = await services.read(read)
    context = {
        "view": view,
        "top": top,
        "local": _local(services),
        "percent": contest_views.percent,
        "error": error.render(language) if error else None,
    }
    return pages.render(
        request, "admin/contest.html", context, organiser=organiser, status_code=status_code
    )


@router.get("/contests/{slug}", response_class=HTMLResponse)
async def contest(
    slug: str,
    request: Request,
    organiser: Organiser,
    services: ServicesDep,
    top: Annotated[int, Query(ge=1, le=100)] = TOP,
) -> Response:
    return await _contest_page(request, services, organiser, slug, top=top)


@router.post("/contests/{slug}/draw")
async def draw(
    slug: str,
    request: Request,
    organiser: Checked,
    services: ServicesDep,
    winners: Annotated[int, Form(ge=1, le=1000)],
    seed: Annotated[str, Form(max_length=128)] = "",
    redraw: Annotated[bool, Form()] = False,
) -> Response:
    """Freeze the eligible list, draw, record, tell the winners: as `relais quiz draw`."""

    def run() -> Text | None:
        with unit_of_work(services.factory) as session:
            found = contest_views.find_contest(session, slug)
            if found is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such contest")
            try:
                draw_records.run(
                    session=session,
                    contest=found,
                    winners=winners,
                    seed=seed.strip() or None,
                    redraw=redraw,
                    drawn_by=f"admin:{organiser.login}",
                    now=datetime.now(UTC),
                )
            except draw_records.StillOpen:
                return _("This contest is still open: draw once it has closed.")
            except draw_records.AlreadyDrawn:
                return _("This contest was drawn already. To draw again, tick “redraw”.")
        return None

    refused = await run_in_threadpool(run)
    if refused is not None:
        return await _contest_page(
            request, services, organiser, slug, error=refused, status_code=409
        )
    services.wake_worker()
    return RedirectResponse(f"/admin/contests/{slug}#draws", status_code=303)
