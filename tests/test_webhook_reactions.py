"""Reactions and quoting replies through POST /webhooks/telegram: kept against the post
they are about, a reaction never answered, a replayed update counted once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.models import Delivery, DeliveryStatus, Interaction
from bot.outbound import Message
from tests.conftest import HOOK_HEADERS
from tests.factories import make_delivery, make_relay

CHAT = 7301


def reaction(update_id: int, message_id: int, *emoji: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message_reaction": {
            "chat": {"id": CHAT, "type": "private"},
            "message_id": message_id,
            "user": {"id": CHAT, "is_bot": False, "first_name": "Awa"},
            "date": 1764547200,
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": value} for value in emoji],
        },
    }


def test_a_reaction_to_a_post_is_kept_once_and_not_answered(
    telegram_app: TestClient, factory: sessionmaker[Session]
) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address=f"telegram:{CHAT}", channel="telegram")
        text = Message("Les sessions du conseil communal sont publiques.")
        post = make_delivery(session, relay, text, ref="42")
        delivery = session.get_one(Delivery, post)
        delivery.status, delivery.platform_message_id = DeliveryStatus.SENT, "9001"
        delivery.sent_at = datetime.now(UTC)
    for _ in range(2):  # Telegram retries what it thinks was not received
        response = telegram_app.post(
            "/webhooks/telegram", json=reaction(500, 9001, "🙏"), headers=HOOK_HEADERS
        )
        assert response.status_code == 200
    with factory() as session:
        kept = session.scalars(select(Interaction)).all()
        queued = session.scalars(select(Delivery).where(Delivery.id != post)).all()
    assert [(row.kind.value, row.source_ref, row.detail) for row in kept] == [
        ("reaction", "42", "🙏")
    ]
    assert queued == []  # nothing is said back to a reaction
