"""Relays and deliveries in bulk, through the product's own fan-out: for the tests and
benchmarks that send thousands of messages."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, insert, select

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.domain.outbox import enqueue_for_relays
from bot.models import Delivery, DeliveryStatus, Relay, utcnow
from bot.outbound import from_json


def code(chat: int) -> str:
    return f"E{chat:09d}"


def queue_broadcast(url: str, count: int, *, first_chat: int, source_ref: str = "b1") -> None:
    """`count` Telegram relays, each with one queued delivery of one broadcast, in bulk."""
    engine = make_engine(url)
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(Relay),
            [
                {
                    "address": f"telegram:{first_chat + n}",
                    "channel": "telegram",
                    "consent_at": now,
                    "referral_code": code(first_chat + n),
                }
                for n in range(count)
            ],
        )
    payload = {"language": "fr", "text": "Réunion publique samedi à 10 h : venez nombreux !"}
    with unit_of_work(make_session_factory(engine)) as session:  # the product's own fan-out
        enqueue_for_relays(
            session=session,
            source_kind="broadcast",
            source_ref=source_ref,
            message=from_json(payload),
            relays=Relay.referral_code.between(code(first_chat), code(first_chat + count - 1)),
            now=now,
        )
    engine.dispose()


def statuses(url: str) -> Counter[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        ).all()
    engine.dispose()
    return Counter({str(DeliveryStatus(status).value): int(n) for status, n in rows})
