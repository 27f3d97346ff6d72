"""/admin/broadcasts: past broadcasts with their reach; one broadcast's page (a draft's
preview, or its progress followed live to the end); cancelling one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcast_checks import check_text
from bot.domain.broadcasts import SOURCE, Audience
from bot.domain.indicators.figures import Filters
from bot.domain.indicators.reach import reach_of
from bot.domain.indicators.scope import Scope
from bot.models import Broadcast, BroadcastState, Language
from bot.web.admin import pages
from bot.web.admin.auth import Checked, Organiser
from bot.web.admin.broadcast_views import LIVE, STATES, audience_words, local, progress
from bot.web.ids import RowId
from bot.web.services import Services, ServicesDep

router = APIRouter(prefix="/admin/broadcasts", include_in_schema=False)
LISTED = 100


def _first_words(broadcast: Broadcast, length: int = 60) -> str:
    text = broadcast.texts.get("fr") or broadcast.texts.get("bm") or ""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _listing(session: Session, services: Services, language: Language) -> list[dict[str, Any]]:
    found = list(session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(LISTED)))
    states = broadcasts.states(session=session, found=found)
    # Reach as the indicators count it (indicators.md): the test relays are left out.
    reach = reach_of(
        session=session,
        source_kind=SOURCE,
        refs=[str(broadcast.id) for broadcast in found],
        scope=Scope(Filters()),
    )
    zone = services.settings.zone
    return [
        {
            "id": broadcast.id,
            "state": states[broadcast.id].value,
            "state_label": STATES[states[broadcast.id]].render(language),
            "send_at": local(broadcast.send_at, zone),
            "audience": audience_words(Audience.from_json(broadcast.audience), language),
            "words": _first_words(broadcast),
            "voice": bool(broadcast.media),
            "reach": reach.get(str(broadcast.id)),
        }
        for broadcast in found
    ]


@router.get("", response_class=HTMLResponse)
async def listing(request: Request, services: ServicesDep, organiser: Organiser) -> Response:
    """Past broadcasts, newest first, with how far each got."""
    language = pages.language(request)
    rows = await services.read(lambda session: _listing(session, services, language))
    return pages.render(request, "admin/broadcasts.html", {"rows": rows}, organiser=organiser)


def _readers(
    session: Session, services: Services, draft: Broadcast, shown_in: Language
) -> list[dict[str, Any]]:
    """What each language's readers will get, and how many they are."""
    audience = Audience.from_json(draft.audience)
    zone = services.settings.zone
    counts = broadcasts.count_recipients(session=session, audience=audience, zone=zone)
    readers = []
    for language in Language:
        if audience.languages and language.value not in audience.languages:
            continue  # nobody reading it is in the audience
        message = broadcasts.message_for(draft, language)
        voice = message.media if message else None
        readers.append(
            {
                "language": language.value,
                "count": counts[language.value],
                "text": message.text if message else "",
                "other": bool(message and message.language != language.value),
                "voice": f"/media/{voice.path}" if voice and voice.path else None,
                "check": check_text(
                    message.text if message else "", with_voice=voice is not None
                ).to_json(shown_in),
            }
        )
    return readers


def _page(session: Session, services: Services, number: int, language: Language) -> dict[str, Any]:
    broadcast = session.get(Broadcast, number)
    if broadcast is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such broadcast")
    zone = services.settings.zone
    found = broadcasts.status(session=session, broadcast=broadcast, zone=zone)
    later = broadcast.send_at > broadcast.created_at
    context: dict[str, Any] = {
        "broadcast": broadcast,
        "audience": audience_words(Audience.from_json(broadcast.audience), language),
        "progress": progress(found, language),
        "send_at": local(broadcast.send_at, zone),
        "send_at_value": broadcast.send_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        if later
        else "",
        "zone": services.settings.timezone,
        "cancellable": found.state in (*LIVE, BroadcastState.DRAFT),
        "held_until": _held(session, broadcast, zone),
    }
    if broadcast.state is BroadcastState.DRAFT:
        context["readers"] = _readers(session, services, broadcast, language)
    return context


def _held(session: Session, broadcast: Broadcast, zone: ZoneInfo) -> str | None:
    """When quiet hours let it leave, if they hold it (a draft as if sent now)."""
    if broadcast.state not in (BroadcastState.DRAFT, BroadcastState.SCHEDULED):
        return None
    until = broadcasts.held_until(session=session, broadcast=broadcast, now=datetime.now(UTC))
    return local(until, zone) if until else None


@router.get("/{number:int}", response_class=HTMLResponse)
async def page(
    request: Request, number: RowId, services: ServicesDep, organiser: Organiser
) -> Response:
    """A draft's preview, or where a broadcast is."""
    language = pages.language(request)
    context = await services.read(lambda session: _page(session, services, number, language))
    context["problem"] = request.query_params.get("problem")
    template = "admin/broadcast_preview.html" if "readers" in context else "admin/broadcast.html"
    return pages.render(request, template, context, organiser=organiser)


@router.get("/{number:int}/progress")
async def follow(
    request: Request, number: RowId, services: ServicesDep, organiser: Organiser
) -> dict[str, Any]:
    """The live part of a broadcast's page, polled while it is scheduled or sending."""
    language = pages.language(request)

    def read(session: Session) -> dict[str, Any]:
        broadcast = session.get(Broadcast, number)
        if broadcast is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such broadcast")
        found = broadcasts.status(session=session, broadcast=broadcast, zone=services.settings.zone)
        return progress(found, language)

    return await services.read(read)


def _cancel(services: Services, number: int) -> bool:
    with unit_of_work(services.factory) as session:
        broadcast = session.get(Broadcast, number)
        if broadcast is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such broadcast")
        found = broadcasts.status(session=session, broadcast=broadcast, zone=services.settings.zone)
        if found.state not in (*LIVE, BroadcastState.DRAFT):
            return False
        broadcasts.cancel(session=session, broadcast=broadcast, now=datetime.now(UTC))
        return True


@router.post("/{number:int}/cancel")
async def cancel(number: RowId, services: ServicesDep, organiser: Checked) -> Response:
    """Cancel it while it is a draft, scheduled or sending: nothing not yet handed over goes."""
    if not await run_in_threadpool(_cancel, services, number):
        raise HTTPException(status.HTTP_409_CONFLICT, "this broadcast has ended already")
    return RedirectResponse(f"/admin/broadcasts/{number}", status_code=status.HTTP_303_SEE_OTHER)
