"""/admin/inbox: what relays wrote to the team, newest first; replies and "to share".

GET /admin/inbox (?show=unanswered|testimonies|to_share), GET /admin/inbox/media/<id>
(a relay's picture, voice note or video, fetched from its platform),
POST /admin/inbox/<id>/reply (fields `text` and optional file `voice`),
POST /admin/inbox/<id>/share (field `to_share`: 1 or 0).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from babel.dates import format_datetime
from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.channels.whatsapp.window import inside_window
from bot.db import unit_of_work
from bot.domain import inbox, uploads
from bot.domain.inbox_items import Filters, Item, count_unanswered, items
from bot.domain.organisers import SignedIn
from bot.i18n import Text, _
from bot.models import InboundMedia, InboundMessage, InboxEntry, Language
from bot.report import names
from bot.web.admin import pages
from bot.web.admin.auth import Checked, Organiser
from bot.web.admin.relay_media import MediaUnavailable, fetch
from bot.web.ids import RowId
from bot.web.services import Services, ServicesDep

router = APIRouter(prefix="/admin", include_in_schema=False)
SHOWS = ("all", "unanswered", "testimonies", "to_share")
ACCEPT = "audio/ogg,audio/mpeg,audio/mp4,audio/amr,.ogg,.oga,.opus,.mp3,.m4a,.amr"
REFUSALS: dict[str, Text] = {
    "empty": _("Write a reply or add a voice note."),
    "too long": _("The reply is too long: {limit} characters at most.", limit=inbox.TEXT_LIMIT),
    "left": _("This relay has left Relais: they can no longer receive messages."),
    **{f"upload:{reason}": said for reason, said in uploads.REFUSALS.items()},
}


def _shown(item: Item, language: Language, services: Services, now: datetime) -> dict[str, Any]:
    """What the template needs of an item, in the organiser's language and time zone."""

    def when(moment: datetime) -> str:
        local = moment.astimezone(services.settings.zone)
        return format_datetime(local, "d MMM, HH:mm", locale=language.value)

    return {
        "item": item,
        "channel": names.channel(item.channel, language),
        "language": names.spoken(item.language, language),
        "received": when(item.received_at),
        "replies": [(reply, when(reply.at)) for reply in item.replies],
        "kinds": {a.id: names.post_format(a.kind, language) for a in item.attachments},
        "waits_for_window": item.channel == "whatsapp"
        and not inside_window(item.last_inbound_at, now),
    }


def _page(
    request: Request,
    organiser: SignedIn,
    services: Services,
    *,
    errors: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    show = request.query_params.get("show", "all")
    show = show if show in SHOWS else "all"
    language = pages.language(request)
    filters = Filters(
        unanswered=show == "unanswered",
        testimonies=show == "testimonies",
        to_share=show == "to_share",
    )
    with services.factory() as session:
        found = items(session=session, filters=filters)
        unanswered = count_unanswered(session=session)
    now = datetime.now(UTC)
    return pages.render(
        request,
        "admin/inbox.html",
        {
            "entries": [_shown(item, language, services, now) for item in found],
            "show": show,
            "unanswered": unanswered,
            "errors": errors or {},
            "sent": request.query_params.get("sent"),
            "accept": ACCEPT,
        },
        organiser=organiser,
        status_code=status_code,
    )


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_page(request: Request, organiser: Organiser, services: ServicesDep) -> Response:
    return await run_in_threadpool(_page, request, organiser, services)


def _media_row(session: Session, media_id: int) -> tuple[str, str, str, str | None] | None:
    """(channel, platform reference, kind, content type) of media kept in the inbox."""
    row = session.execute(
        select(
            InboundMessage.channel, InboundMedia.url, InboundMedia.kind, InboundMedia.content_type
        )
        .join(InboundMessage, InboundMessage.id == InboundMedia.inbound_id)
        .join(InboxEntry, InboxEntry.inbound_id == InboundMedia.inbound_id)
        .where(InboundMedia.id == media_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


@router.get("/inbox/media/{media_id}")
async def relay_media(
    request: Request, media_id: RowId, organiser: Organiser, services: ServicesDep
) -> Response:
    """A relay's picture, voice note or video, played in the page."""
    found = await services.read(lambda session: _media_row(session, media_id))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such media")
    channel, url, kind, stored_type = found
    try:
        fetched = await fetch(
            settings=services.settings, channel=channel, url=url, kind=kind, stored_type=stored_type
        )
    except MediaUnavailable as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "media not available") from exc
    return _ranged(request.headers.get("range"), fetched.data, fetched.content_type)


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _ranged(asked: str | None, data: bytes, media_type: str) -> Response:
    """The bytes, or the one range a player asks for (it seeks, and reads an Ogg voice
    note's duration from its end)."""
    headers = {
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
    }
    found = _RANGE.fullmatch(asked.strip()) if asked else None
    if found is None or found.groups() == ("", ""):
        return Response(data, media_type=media_type, headers=headers)
    first, last = found.groups()
    size = len(data)
    start = int(first) if first else max(0, size - int(last))
    end = min(int(last), size - 1) if first and last else size - 1
    if start >= size or start > end:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status_code=status.HTTP_416_RANGE_NOT_SATISFIABLE, headers=headers)
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return Response(
        data[start : end + 1],
        status_code=status.HTTP_206_PARTIAL_CONTENT,
        media_type=media_type,
        headers=headers,
    )


async def _refused(
    request: Request, organiser: SignedIn, services: Services, entry_id: int, reason: str
) -> Response:
    message = REFUSALS[reason].render(pages.language(request))
    return await run_in_threadpool(
        lambda: _page(
            request,
            organiser,
            services,
            errors={entry_id: message},
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    )


@router.post("/inbox/{entry_id}/reply")
async def reply(
    request: Request,
    entry_id: RowId,
    organiser: Checked,
    services: ServicesDep,
    text: Annotated[str, Form(max_length=20000)] = "",
    voice: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Queues the organiser's answer for the relay and closes the thread."""
    reference = None
    if voice is not None and voice.filename:
        data = await voice.read(uploads.MAX_BYTES + 1)
        folder = Path(services.settings.uploads_dir)
        try:
            reference = await run_in_threadpool(lambda: uploads.store(folder=folder, data=data))
        except uploads.UploadRefused as exc:
            return await _refused(request, organiser, services, entry_id, f"upload:{exc.reason}")

    def save() -> None:
        with unit_of_work(services.factory) as session:
            inbox.reply(
                session=session,
                entry_id=entry_id,
                login=organiser.login,
                text=text,
                voice=reference,
                now=datetime.now(UTC),
            )

    try:
        await run_in_threadpool(save)
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such inbox entry") from exc
    except inbox.ReplyRefused as exc:
        return await _refused(request, organiser, services, entry_id, str(exc))
    services.wake_worker()
    return RedirectResponse(
        f"/admin/inbox?sent={entry_id}#entry-{entry_id}", status_code=status.HTTP_303_SEE_OTHER
    )


@router.post("/inbox/{entry_id}/share")
async def share(
    entry_id: RowId,
    organiser: Checked,
    services: ServicesDep,
    to_share: Annotated[str, Form(max_length=1)] = "1",
    show: Annotated[str, Form(max_length=20)] = "all",
) -> Response:
    """Marks an entry to use in a later post, or takes the mark off."""

    def save() -> None:
        with unit_of_work(services.factory) as session:
            inbox.set_to_share(session=session, entry_id=entry_id, to_share=to_share == "1")

    try:
        await run_in_threadpool(save)
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such inbox entry") from exc
    back = f"?show={show}" if show in SHOWS and show != "all" else ""
    return RedirectResponse(
        f"/admin/inbox{back}#entry-{entry_id}", status_code=status.HTTP_303_SEE_OTHER
    )
