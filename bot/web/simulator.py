"""The web simulator: a phone in the browser, talking to the bot through the console channel.

Messages go through the same path as Telegram's: stored once, handled, replies queued;
the delivery worker "sends" console replies and the page polls what was sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.conversation.inbound import receive
from bot.conversation.values import Choice, Inbound
from bot.db import unit_of_work
from bot.domain.answered import chosen_by
from bot.i18n import _, translations
from bot.models import Delivery, DeliveryStatus, InboundMessage, Relay
from bot.outbound import MediaRef, Message, Option, Outbound, from_json
from bot.web.access import COOKIE, require_operator
from bot.web.page_templates import templates
from bot.web.services import Services, ServicesDep
from bot.web.ui_language import remember_language, ui_language

CHANNEL = "console"
PHONE = r"^[a-z0-9-]{3,40}$"


def _operator(request: Request, services: ServicesDep) -> None:
    require_operator(request, services)


router = APIRouter(dependencies=[Depends(_operator)], tags=["simulator"])


class PhoneMessage(BaseModel):
    """What a simulated phone sends: text, or the data of a pressed button."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    text: str | None = Field(default=None, max_length=4096)
    choice: str | None = Field(default=None, max_length=64)
    label: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=64)


class ShownOption(BaseModel):
    label: str
    data: str


class ShownMedia(BaseModel):
    kind: str
    url: str


class ShownMessage(BaseModel):
    id: str
    direction: Literal["in", "out"]
    text: str
    options: list[ShownOption] = []
    media: ShownMedia | None = None
    at: datetime


class ShownChoice(BaseModel):
    """The phone's own answer to a question or poll: its button is marked, and the
    others are disabled when `locked`."""

    data: str
    locked: bool


class Conversation(BaseModel):
    messages: list[ShownMessage]
    cursor: int
    chosen: dict[str, ShownChoice] = {}  # "quiz:<question id>" / "poll:<poll id>" → answer


@router.get("/simulator", response_class=HTMLResponse, include_in_schema=False)
def simulator_page(request: Request) -> Response:
    """Serves the page; ?token=… (when an admin token is set) is traded for a cookie."""
    token = request.query_params.get("token")
    if token:
        response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response
    language = ui_language(request)
    strings = {
        key: text.render(language)
        for key, text in {
            "phone": _("Phone"),
            "send_failed": _("The message could not be sent."),
            "document": _("Open the document"),
        }.items()
    }
    page = templates().TemplateResponse(
        request,
        "simulator.html",
        {
            "_": translations(language).gettext,
            "lang": language.value,
            "strings": strings,
            "api_base": "/simulator/api",
        },
    )
    remember_language(request, page)
    return page


def _take(services: Services, phone: str, message: PhoneMessage) -> None:
    choice = Choice.unpack(message.choice) if message.choice else None
    if message.choice and choice is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown option")
    text = (message.text or "").strip() or None
    if choice is None and text is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "empty message")
    with unit_of_work(services.factory) as session:
        receive(
            session=session,
            router=services.router,
            channel=CHANNEL,
            platform_message_id=f"{phone}:{message.id}",
            inbound=Inbound(
                address=f"{CHANNEL}:{phone}",
                text=text,
                choice=choice,
                display_name=message.name,
            ),
            raw=message.model_dump(exclude_none=True),
            now=datetime.now(UTC),
            zone=services.settings.zone,
        )


@router.post("/simulator/api/phones/{phone}/send", status_code=202)
async def send(
    phone: Annotated[str, PathParam(pattern=PHONE)], message: PhoneMessage, services: ServicesDep
) -> dict[str, bool]:
    """A simulated phone sends a message (idempotent per message id)."""
    await run_in_threadpool(_take, services, phone, message)
    services.wake_worker()
    return {"ok": True}


def _shown_media(media: MediaRef | None) -> ShownMedia | None:
    if media is None:
        return None
    url = f"/media/{media.path}" if media.path else media.url or ""
    return ShownMedia(kind=media.kind, url=url)


def _buttons(message: Outbound) -> tuple[Option, ...]:
    """A phone's buttons, as on Telegram: the options, and the share acknowledgement."""
    if not isinstance(message, Message):
        return ()
    return message.options + ((message.share,) if message.share is not None else ())


def _shown_out(delivery: Delivery) -> ShownMessage:
    message = from_json(delivery.payload)
    text = message.text if isinstance(message, Message) else ""
    return ShownMessage(
        id=f"out-{delivery.id}",
        direction="out",
        text=text,
        options=[ShownOption(label=option.label, data=option.data) for option in _buttons(message)],
        media=_shown_media(message.media if isinstance(message, Message) else None),
        at=delivery.sent_at or delivery.created_at,
    )


def _shown_in(message: InboundMessage, phone: str) -> ShownMessage:
    raw = message.payload or {}
    return ShownMessage(
        id=message.platform_message_id.removeprefix(f"{phone}:"),
        direction="in",
        text=str(raw.get("text") or raw.get("label") or raw.get("choice") or ""),
        at=message.received_at,
    )


def _conversation(services: Services, phone: str, after: int) -> Conversation:
    address = f"{CHANNEL}:{phone}"
    with services.factory() as session:
        relay_id = session.scalar(select(Relay.id).where(Relay.address == address))
        chosen = (
            chosen_by(session=session, relay_id=relay_id, now=datetime.now(UTC))
            if relay_id is not None
            else {}
        )
        sent = _sent_to(session, address, after)
        shown = [_shown_out(delivery) for delivery in sent]
        if after == 0:
            received = session.scalars(
                select(InboundMessage)
                .where(InboundMessage.channel == CHANNEL, InboundMessage.address == address)
                .order_by(InboundMessage.id)
            )
            shown.extend(_shown_in(message, phone) for message in received)
            shown.sort(key=lambda message: message.at)
    cursor = max((delivery.id for delivery in sent), default=after)
    return Conversation(
        messages=shown,
        cursor=cursor,
        chosen={
            key: ShownChoice(data=value.data, locked=value.locked) for key, value in chosen.items()
        },
    )


def _sent_to(session: Session, address: str, after: int) -> list[Delivery]:
    relay_ids = select(Relay.id).where(Relay.address == address)
    return list(
        session.scalars(
            select(Delivery)
            .where(
                or_(Delivery.relay_id.in_(relay_ids), Delivery.address == address),
                Delivery.status == DeliveryStatus.SENT,
                Delivery.source_kind != "ack",
                Delivery.id > after,
            )
            .order_by(Delivery.id)
        )
    )


@router.get("/simulator/api/phones/{phone}/messages")
async def messages(
    phone: Annotated[str, PathParam(pattern=PHONE)],
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
) -> Conversation:
    """What the phone shows: its whole history with after=0, then what the bot sent since."""
    return await run_in_threadpool(_conversation, services, phone, after)
