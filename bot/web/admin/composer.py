"""The broadcast composer: /admin/broadcasts/new (the form, kept as a draft), its live
recipient count and text checks, and sending a previewed draft now or at a local time.

The audience, the count, the draft and the start are bot.domain.broadcasts, as for the
CLI, the API and /diffuser."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from bot.db import unit_of_work
from bot.domain import broadcasts, uploads
from bot.domain.audience_choices import known_places, known_tags
from bot.domain.broadcast_checks import LONGEST, check_text
from bot.domain.broadcasts import Audience, AudienceError
from bot.domain.organisers import SignedIn
from bot.i18n import Text
from bot.models import Broadcast, BroadcastState
from bot.web.admin import pages
from bot.web.admin.auth import Checked, Organiser
from bot.web.admin.broadcast_form import Composed, read_form, read_send_at, values_of
from bot.web.ids import RowId
from bot.web.services import Services, ServicesDep
from content.validation_media import MEDIA_LIMIT

router = APIRouter(prefix="/admin/broadcasts", include_in_schema=False)
EMPTY: dict[str, Any] = {"languages": (), "places": (), "tags": (), "roles": ()}


def _choices(session: Session) -> dict[str, Any]:
    return {
        "known_places": known_places(session=session),
        "known_tags": known_tags(session=session),
    }


def _draft(session: Session, number: int | None) -> Broadcast | None:
    found = session.get(Broadcast, number) if number else None
    return found if found is not None and found.state is BroadcastState.DRAFT else None


def _form_page(
    request: Request,
    services: Services,
    organiser: SignedIn,
    *,
    values: dict[str, Any],
    draft: Broadcast | None = None,
    errors: list[Text] | None = None,
    status_code: int = 200,
) -> Response:
    language = pages.language(request)
    with services.factory() as session:
        context = _choices(session)
    context |= {
        "values": values,
        "draft": draft,
        "voice": (draft.media.get("bm") if draft else None),
        "errors": [error.render(language) for error in errors or ()],
        "longest": LONGEST,
        "zone": services.settings.timezone,
    }
    return pages.render(
        request, "admin/broadcast_new.html", context, organiser=organiser, status_code=status_code
    )


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, services: ServicesDep, organiser: Organiser, draft: int = 0) -> Response:
    """The form, empty or filled with a draft to change."""
    with services.factory() as session:
        found = _draft(session, draft)
        values = values_of(found, services.settings.zone) if found else {**EMPTY}
    return _form_page(request, services, organiser, values=values, draft=found)


async def _voice(form: Any) -> tuple[str, bytes] | None:
    upload = form.get("voice_bm")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return upload.filename, await upload.read(MEDIA_LIMIT + 1)


def _save(
    services: Services,
    composed: Composed,
    draft_id: int,
    media: dict[str, Any] | None,
    by: str,
) -> int:
    """Create the draft, or change it; `media` replaces its voice note unless None."""
    now = datetime.now(UTC)
    with unit_of_work(services.factory) as session:
        draft = _draft(session, draft_id)
        if draft is None:
            draft = broadcasts.create(
                session=session,
                audience=composed.audience,
                texts={},
                created_by=f"admin:{by}"[:64],
                now=now,
                state=BroadcastState.DRAFT,
            )
        draft.audience = composed.audience.to_json()
        draft.texts = composed.texts
        draft.urgent = composed.urgent
        draft.created_at = now
        draft.send_at = composed.send_at.astimezone(UTC) if composed.send_at else now
        if media is not None:
            draft.media = media
        return draft.id


def _number(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() else 0


def _compose(
    request: Request,
    services: Services,
    organiser: SignedIn,
    form: FormData,
    given: tuple[str, bytes] | None,
) -> Response:
    zone, now = services.settings.zone, datetime.now(UTC)
    draft_id = _number(form.get("draft"))
    with services.factory() as session:
        draft = _draft(session, draft_id)
    dropped = draft is not None and bool(form.get("drop_voice"))
    kept = bool(draft and draft.media.get("bm")) and not dropped
    composed = read_form(form, zone=zone, now=now, has_voice=given is not None or kept)
    media: dict[str, Any] | None = {} if dropped else None
    if given is not None and not composed.errors:
        folder = Path(services.settings.uploads_dir)
        try:
            media = {"bm": uploads.store_voice(folder=folder, data=given[1])}
        except uploads.UploadRefused as refused:
            composed.errors.append(uploads.REFUSALS[refused.reason])
    if composed.errors:
        return _form_page(
            request,
            services,
            organiser,
            values=composed.values,
            draft=draft,
            errors=composed.errors,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    number = _save(services, composed, draft_id, media, organiser.login)
    return RedirectResponse(f"/admin/broadcasts/{number}", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/new")
async def compose(request: Request, services: ServicesDep, organiser: Checked) -> Response:
    """Keep what the form says as a draft, and show its preview."""
    form = await request.form()
    try:
        given = await _voice(form)
    finally:
        await form.close()
    return await run_in_threadpool(_compose, request, services, organiser, form, given)


@router.get("/audience")
def audience_count(
    services: ServicesDep,
    organiser: Organiser,
    languages: Annotated[list[str], Query()] = [],  # noqa: B006
    places: Annotated[list[str], Query()] = [],  # noqa: B006
    tags: Annotated[list[str], Query()] = [],  # noqa: B006
    roles: Annotated[list[str], Query()] = [],  # noqa: B006
) -> dict[str, int]:
    """Recipients per language for these filters, as the broadcast would count them."""
    audience = Audience(
        languages=tuple(languages), places=tuple(places), roles=tuple(roles), tags=tuple(tags)
    )
    try:
        audience.check()
    except AudienceError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    with services.factory() as session:
        counts = broadcasts.count_recipients(
            session=session, audience=audience, zone=services.settings.zone
        )
    return {**counts, "total": sum(counts.values())}


class TextsIn(BaseModel):
    text_fr: str = Field(default="", max_length=20_000)
    text_bm: str = Field(default="", max_length=20_000)
    voice_bm: bool = False


@router.post("/check")
def check_texts(request: Request, body: TextsIn, organiser: Checked) -> dict[str, Any]:
    """How each text fits each channel, in the organiser's words."""
    language = pages.language(request)
    return {
        "fr": check_text(body.text_fr, with_voice=False).to_json(language),
        "bm": check_text(body.text_bm, with_voice=body.voice_bm).to_json(language),
    }


def _send(services: Services, number: int, when: str, send_at: str) -> str | None:
    """Start or schedule the draft; a problem's code for its page, or None."""
    zone, now = services.settings.zone, datetime.now(UTC)
    with unit_of_work(services.factory) as session:
        draft = _draft(session, number)
        if draft is None:
            return None  # sent already (a second click): its page tells where it is
        moment = None
        if when == "at":
            moment, _late = read_send_at(send_at, zone=zone, now=now)
            if moment is None:
                return "time"
        draft.state = BroadcastState.SCHEDULED
        draft.send_at = moment.astimezone(UTC) if moment else now
        if draft.send_at <= now:
            broadcasts.start(session=session, broadcast=draft, now=now, zone=zone)
    return None


@router.post("/{number:int}/send")
async def send(
    request: Request, number: RowId, services: ServicesDep, organiser: Checked
) -> Response:
    """Send a previewed draft now, or at the local time given."""
    form = await request.form()
    await form.close()
    when = "at" if form.get("when") == "at" else "now"
    problem = await run_in_threadpool(_send, services, number, when, str(form.get("send_at") or ""))
    page = f"/admin/broadcasts/{number}" + (f"?problem={problem}" if problem else "")
    if problem is None:
        services.wake_worker()
    return RedirectResponse(page, status_code=status.HTTP_303_SEE_OTHER)
