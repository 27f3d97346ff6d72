"""Broadcasts: audiences, fan-out once per relay, cancelling, and the /api/broadcasts API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience, AudienceError
from bot.models import (
    Broadcast,
    BroadcastState,
    Delivery,
    DeliveryStatus,
    Language,
    RelayStatus,
    Role,
)
from scheduler import jobs
from tests.conftest import AUTH
from tests.factories import new_relay

Factory = sessionmaker[Session]
BAMAKO = ZoneInfo("Africa/Bamako")
TEXTS = {
    "fr": "Venez à la session du conseil communal samedi !",
    "bm": "Aw ka na komini ka lajɛ la sibiridon!",
}


def received(factory: Factory, relay_id: int) -> list[dict[str, Any]]:
    with factory() as session:
        query = select(Delivery.payload).where(
            Delivery.relay_id == relay_id, Delivery.source_kind == "broadcast"
        )
        return list(session.scalars(query))


def schedule(
    factory: Factory, *, now: datetime, send_at: datetime, created_by: str = "cli"
) -> None:
    """A broadcast to everyone, created `now` to start at `send_at`."""
    with unit_of_work(factory) as session:
        broadcasts.create(
            session=session,
            audience=Audience(),
            texts=TEXTS,
            created_by=created_by,
            now=now,
            send_at=send_at,
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("all", Audience()),
        ("language=bm", Audience(languages=("bm",))),
        (
            "lieu=kayes,kita role=organiser",
            Audience(places=("kayes", "kita"), roles=("organiser",)),
        ),
        (
            "tag=ambassadeur since=2026-11-01",
            Audience(tags=("ambassadeur",), joined_since=date(2026, 11, 1)),
        ),
    ],
)
def test_audiences_are_read_from_a_short_description(text: str, expected: Audience) -> None:
    assert Audience.parse(text) == expected


@pytest.mark.parametrize("text", ["language=en", "role=king", "place", "colour=red", "since=hier"])
def test_a_wrong_audience_says_what_is_wrong(text: str) -> None:
    with pytest.raises(AudienceError):
        Audience.parse(text)


def test_a_broadcast_reaches_its_audience_once_in_each_language(factory: Factory) -> None:
    now = datetime.now(UTC)
    fr = new_relay(factory, language=Language.FR, place="kayes", tags=["ambassadeur"])
    bm = new_relay(factory, language=Language.BM, place="kayes", tags=["Ambassadeur", "élu"])
    outside = [
        new_relay(factory, language=Language.BM, place="kita", tags=["ambassadeur"]),
        new_relay(factory, language=Language.BM, place="kayes", tags=[]),
        new_relay(
            factory,
            language=Language.BM,
            place="kayes",
            tags=["ambassadeur"],
            status=RelayStatus.STOPPED,
        ),
    ]
    audience = Audience(places=("kayes",), tags=("ambassadeur",))
    with unit_of_work(factory) as session:
        assert broadcasts.count_recipients(session=session, audience=audience, zone=BAMAKO) == {
            "fr": 1,
            "bm": 1,
        }
        broadcast = broadcasts.create(
            session=session, audience=audience, texts=TEXTS, created_by="cli", now=now
        )
        assert broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO) == 2
        assert (
            broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO) == 0
        )  # again: nothing
        assert broadcast.state is BroadcastState.SENDING
    assert [p["text"] for p in received(factory, fr)] == [TEXTS["fr"]]
    assert [p["text"] for p in received(factory, bm)] == [TEXTS["bm"]]
    assert all(received(factory, other) == [] for other in outside)


def test_a_bambara_voice_note_goes_to_bambara_readers(factory: Factory) -> None:
    now = datetime.now(UTC)
    bm = new_relay(factory, language=Language.BM)
    fr = new_relay(factory, language=Language.FR)
    voice = {"kind": "voice", "url": "telegram-file:AwACAgQ"}
    with unit_of_work(factory) as session:
        broadcast = broadcasts.create(
            session=session,
            audience=Audience(),
            texts={"fr": "Venez !"},
            media={"bm": voice},
            created_by="cli",
            now=now,
        )
        broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO)
    [to_bm], [to_fr] = received(factory, bm), received(factory, fr)
    assert (to_bm["language"], to_bm["media"], to_bm["text"]) == ("bm", voice, "")
    assert (to_fr["text"], to_fr["media"]) == ("Venez !", voice)


def test_joined_since_and_role(factory: Factory) -> None:
    now = datetime.now(UTC)
    newcomer = new_relay(
        factory, consent_at=datetime(2026, 11, 10, 12, tzinfo=UTC), role=Role.ORGANISER
    )
    new_relay(factory, consent_at=datetime(2026, 10, 1, tzinfo=UTC), role=Role.ORGANISER)
    new_relay(factory, consent_at=datetime(2026, 11, 10, 12, tzinfo=UTC))
    audience = Audience(roles=("organiser",), joined_since=date(2026, 11, 10))
    with unit_of_work(factory) as session:
        assert (
            broadcasts.count_recipients(session=session, audience=audience, zone=BAMAKO)["fr"] == 1
        )
        broadcast = broadcasts.create(
            session=session, audience=audience, texts=TEXTS, created_by="cli", now=now
        )
        broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO)
    assert len(received(factory, newcomer)) == 1


def test_cancelling_withdraws_what_was_not_handed_over(factory: Factory) -> None:
    now = datetime.now(UTC)
    first, second = new_relay(factory), new_relay(factory)
    with unit_of_work(factory) as session:
        broadcast = broadcasts.create(
            session=session, audience=Audience(), texts=TEXTS, created_by="cli", now=now
        )
        broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO)
        sent = session.scalars(select(Delivery).where(Delivery.relay_id == first)).one()
        sent.status = DeliveryStatus.SENT
        broadcast_id = broadcast.id
    with unit_of_work(factory) as session:
        broadcast = session.get_one(Broadcast, broadcast_id)
        assert broadcasts.cancel(session=session, broadcast=broadcast, now=now) == 1
        found = broadcasts.status(session=session, broadcast=broadcast, zone=BAMAKO)
    assert found.deliveries == {"sent": 1, "cancelled": 1}
    assert found.broadcast.state is BroadcastState.CANCELLED
    del second


def test_a_scheduled_broadcast_starts_when_its_time_comes(factory: Factory) -> None:
    now = datetime.now(UTC)
    target = new_relay(factory)
    schedule(factory, now=now, send_at=now + timedelta(hours=2))
    with unit_of_work(factory) as session:
        assert broadcasts.start_due(session=session, now=now + timedelta(hours=1), zone=BAMAKO) == 0
    with unit_of_work(factory) as session:
        assert broadcasts.start_due(session=session, now=now + timedelta(hours=2), zone=BAMAKO) == 1
    assert len(received(factory, target)) == 1


# --- the API --------------------------------------------------------------------------


def test_the_api_needs_the_token(api: TestClient) -> None:
    assert api.get("/api/broadcasts").status_code == 401
    assert api.get("/api/broadcasts", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.get("/api/broadcasts", headers=AUTH).status_code == 200


def test_create_follow_and_cancel_through_the_api(api: TestClient, factory: Factory) -> None:
    fr, bm = new_relay(factory, language=Language.FR), new_relay(factory, language=Language.BM)
    created = api.post("/api/broadcasts", headers=AUTH, json={"texts": TEXTS})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["state"] == "sending"  # queued is not sent
    assert body["recipients"] == {"fr": 1, "bm": 1}
    assert body["deliveries"] == {"queued": 2}
    followed = api.get(f"/api/broadcasts/{body['id']}", headers=AUTH).json()
    assert followed["deliveries"] == {"queued": 2}
    cancelled = api.post(f"/api/broadcasts/{body['id']}/cancel", headers=AUTH).json()
    assert (cancelled["state"], cancelled["deliveries"]) == ("cancelled", {"cancelled": 2})
    assert len(received(factory, fr)) == len(received(factory, bm)) == 1


def test_a_later_broadcast_waits_in_the_campaign_time_zone(
    api: TestClient, factory: Factory
) -> None:
    new_relay(factory)
    later = (datetime.now(BAMAKO) + timedelta(days=1)).replace(tzinfo=None, microsecond=0)
    body = api.post(
        "/api/broadcasts", headers=AUTH, json={"texts": TEXTS, "send_at": later.isoformat()}
    ).json()
    assert body["state"] == "scheduled"
    assert body["deliveries"] == {}
    assert datetime.fromisoformat(body["send_at"]) == later.replace(tzinfo=BAMAKO)


@pytest.mark.parametrize(
    "body",
    [
        {"texts": {}},
        {"texts": {"fr": "   "}},
        {"texts": {"en": "Hello"}},
        {"texts": {"fr": "x" * 1601}},
        {"texts": TEXTS, "audience": {"roles": ["king"]}},
        {"texts": TEXTS, "media": {"bm": {"kind": "voice", "url": "file:///etc/passwd"}}},
    ],
)
def test_bad_requests_are_refused_clearly(api: TestClient, body: dict[str, Any]) -> None:
    response = api.post("/api/broadcasts", headers=AUTH, json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_api_is_documented(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert {
        "/api/broadcasts",
        "/api/broadcasts/{broadcast_id}",
        "/api/broadcasts/{broadcast_id}/cancel",
    } <= set(paths)


def test_the_clock_starts_scheduled_broadcasts(factory: Factory) -> None:
    now = datetime.now(UTC)
    target = new_relay(factory)
    schedule(factory, now=now, send_at=now - timedelta(seconds=1), created_by="api")
    jobs.start_due_broadcasts(factory)
    jobs.start_due_broadcasts(factory)  # a second clock, or a second tick: nothing more
    assert len(received(factory, target)) == 1
