"""/api/broadcasts: create a call to action, follow it, cancel it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.models import Broadcast, BroadcastState
from bot.web.access import require_operator
from bot.web.ids import RowId
from bot.web.services import Services, ServicesDep


def _operator(request: Request, services: ServicesDep) -> None:
    require_operator(request, services)


router = APIRouter(prefix="/api/broadcasts", tags=["broadcasts"], dependencies=[Depends(_operator)])
Language = Literal["fr", "bm"]


class AudienceBody(BaseModel):
    """Who receives it: active relays who finished joining; every field narrows."""

    languages: list[Language] = []
    places: list[str] = []
    roles: list[Literal["relay", "organiser"]] = []
    tags: list[str] = []
    joined_since: date | None = None


class MediaIn(BaseModel):
    kind: Literal["photo", "voice", "video", "audio", "document"]
    url: str = Field(pattern=r"^https?://", max_length=1024)


class BroadcastIn(BaseModel):
    audience: AudienceBody = AudienceBody()
    texts: dict[Language, Annotated[str, Field(max_length=1600)]] = {}
    media: dict[Language, MediaIn] = {}
    send_at: datetime | None = Field(
        default=None, description="When to send; naive times are in the campaign's zone."
    )
    urgent: bool = Field(
        default=False,
        description="Send even in quiet hours; otherwise a broadcast waits for them to end.",
    )

    @field_validator("texts")
    @classmethod
    def _something_to_say(cls, value: dict[str, str]) -> dict[str, str]:
        return {language: text for language, text in value.items() if text.strip()}


class BroadcastOut(BaseModel):
    id: int
    state: BroadcastState = Field(
        description="scheduled, then sending while any delivery is on its way, then done;"
        " or cancelled."
    )
    send_at: datetime
    audience: AudienceBody
    texts: dict[str, str]
    urgent: bool = Field(description="Sent even in quiet hours.")
    held_until: datetime | None = Field(
        description="When quiet hours let it leave, if they hold it (never when urgent)."
    )
    recipients: dict[str, int] = Field(description="Relays in the audience, per language.")
    deliveries: dict[str, int] = Field(description="Deliveries per status.")


def held_until(session: Session, broadcast: Broadcast) -> datetime | None:
    if broadcast.state not in (BroadcastState.SCHEDULED, BroadcastState.SENDING):
        return None
    return broadcasts.held_until(session=session, broadcast=broadcast, now=datetime.now(UTC))


def _out(session: Session, services: Services, broadcast: Broadcast) -> BroadcastOut:
    found = broadcasts.status(session=session, broadcast=broadcast, zone=services.settings.zone)
    return BroadcastOut(
        id=broadcast.id,
        state=found.state,
        send_at=broadcast.send_at,
        audience=AudienceBody.model_validate(broadcast.audience),
        texts=broadcast.texts,
        urgent=broadcast.urgent,
        held_until=held_until(session, broadcast),
        recipients=found.recipients,
        deliveries=found.deliveries,
    )


def _create(services: Services, body: BroadcastIn) -> BroadcastOut:
    if not body.texts and not body.media:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "give a text or a media")
    now = datetime.now(UTC)
    send_at = body.send_at
    if send_at is not None and send_at.tzinfo is None:
        send_at = send_at.replace(tzinfo=services.settings.zone)
    audience = broadcasts.Audience(
        languages=tuple(body.audience.languages),
        places=tuple(body.audience.places),
        roles=tuple(body.audience.roles),
        tags=tuple(body.audience.tags),
        joined_since=body.audience.joined_since,
    )
    with unit_of_work(services.factory) as session:
        try:
            broadcasts.check(session=session, audience=audience)
        except broadcasts.AudienceError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
        broadcast = broadcasts.create(
            session=session,
            audience=audience,
            urgent=body.urgent,
            texts={str(language): text for language, text in body.texts.items()},
            media={language: media.model_dump() for language, media in body.media.items()},
            created_by="api",
            now=now,
            send_at=send_at.astimezone(UTC) if send_at else now,
        )
        if broadcast.send_at <= now:
            broadcasts.start(
                session=session, broadcast=broadcast, now=now, zone=services.settings.zone
            )
        return _out(session, services, broadcast)


def _get(services: Services, broadcast_id: int, *, cancel: bool = False) -> BroadcastOut:
    with unit_of_work(services.factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such broadcast")
        if cancel:
            broadcasts.cancel(session=session, broadcast=broadcast, now=datetime.now(UTC))
        return _out(session, services, broadcast)


def _list(services: Services) -> list[BroadcastOut]:
    with services.factory() as session:
        found = session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(100))
        return [_out(session, services, broadcast) for broadcast in found]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_broadcast(body: BroadcastIn, services: ServicesDep) -> BroadcastOut:
    """Create a broadcast; it is queued at once, or at `send_at`. Quiet hours hold one not
    marked `urgent` until they end (`held_until` says when). An audience naming a place or
    tag no relay has is refused (422), with the known ones."""
    created = await run_in_threadpool(_create, services, body)
    services.wake_worker()
    return created


@router.get("")
async def list_broadcasts(services: ServicesDep) -> list[BroadcastOut]:
    """The latest broadcasts, newest first."""
    return await run_in_threadpool(_list, services)


@router.get("/{broadcast_id}")
async def get_broadcast(broadcast_id: RowId, services: ServicesDep) -> BroadcastOut:
    """A broadcast with its audience per language and its deliveries per status."""
    return await run_in_threadpool(_get, services, broadcast_id)


@router.post("/{broadcast_id}/cancel")
async def cancel_broadcast(broadcast_id: RowId, services: ServicesDep) -> BroadcastOut:
    """Cancel it: every delivery not yet handed to a platform is withdrawn."""
    return await run_in_threadpool(lambda: _get(services, broadcast_id, cancel=True))
