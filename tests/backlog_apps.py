"""The web app with its backlog set as a test asks, and what the backlog tests read
(tests/test_backlog.py, tests/test_backlog_restart.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.updates import parse_update
from bot.conversation.inbound_waiting import store_waiting
from bot.models import Delivery, InboundMessage, Relay
from bot.web.app import create_app
from bot.web.backlog import Backlog
from tests.conftest import HOOK_HEADERS, HOOK_SECRET, SettingsFactory

Factory = sessionmaker[Session]
SID = "AC" + "1" * 32
TWILIO_TOKEN = "twilio-token-for-the-backlog"
PUBLIC = "https://relais.example.org"
WHATSAPP_FROM = "whatsapp:+22370000000"


def backlog_app(make_settings: SettingsFactory, **backlog: int) -> FastAPI:
    settings = make_settings(
        telegram_token="123456:TEST-token",
        telegram_secret=HOOK_SECRET,
        public_url=PUBLIC,
        twilio_account_sid=SID,
        twilio_auth_token=TWILIO_TOKEN,
        twilio_whatsapp_from=WHATSAPP_FROM,
    )
    app = create_app(settings)
    services = app.state.services
    services.backlog = Backlog(services, **backlog)
    return app


def drained(client: TestClient) -> bool:
    backlog: Backlog = client.app.state.services.backlog  # type: ignore[attr-defined]
    assert client.portal is not None
    return bool(client.portal.call(backlog.drained, 20.0))


def payloads(factory: Factory, address: str) -> list[dict[str, Any]]:
    with factory() as session:
        relay_ids = select(Relay.id).where(Relay.address == address)
        rows = session.scalars(
            select(Delivery.payload)
            .where(Delivery.relay_id.in_(relay_ids) | (Delivery.address == address))
            .order_by(Delivery.id)
        )
        return list(rows)


def waiting_count(factory: Factory) -> int:
    with factory() as session:
        return (
            session.scalar(
                select(func.count()).select_from(InboundMessage).where(InboundMessage.waiting)
            )
            or 0
        )


async def burst(app: FastAPI, updates: list[dict[str, Any]]) -> list[int]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://relais") as http:
        responses = await asyncio.gather(
            *(
                http.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS)
                for update in updates
            )
        )
    assert await app.state.services.backlog.drained(30.0)
    return [response.status_code for response in responses]


def store_left_waiting(factory: Factory, update: dict[str, Any], at: datetime | None = None) -> int:
    """What a webhook stores under a burst, left waiting as by a process that stopped."""
    parsed = parse_update(update)
    with factory() as session, session.begin():
        inbound_id = store_waiting(
            session=session,
            channel="telegram",
            platform_message_id=str(parsed.update_id),
            inbound=parsed.inbound,
            raw=update,
            now=at or datetime.now(UTC),
        )
    assert inbound_id is not None
    return inbound_id
