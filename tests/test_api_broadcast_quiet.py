"""/api/broadcasts: the `urgent` flag, what quiet hours hold, and audiences that name what
no relay has."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Language
from tests.conftest import AUTH
from tests.factories import new_relay
from tests.quiet_campaign import add_campaign, quiet_now

Factory = sessionmaker[Session]
TEXTS = {"fr": "Venez samedi !", "bm": "Aw ka na sibiridon!"}


def test_quiet_hours_hold_a_broadcast_unless_urgent(api: TestClient, factory: Factory) -> None:
    new_relay(factory, language=Language.FR)
    add_campaign(factory, quiet=quiet_now())
    held = api.post("/api/broadcasts", headers=AUTH, json={"texts": TEXTS})
    assert held.status_code == 201, held.text
    body = held.json()
    assert (body["state"], body["urgent"], body["deliveries"]) == ("scheduled", False, {})
    assert datetime.fromisoformat(body["held_until"]) > datetime.fromisoformat(body["send_at"])
    urgent = api.post("/api/broadcasts", headers=AUTH, json={"texts": TEXTS, "urgent": True})
    body = urgent.json()
    assert (body["urgent"], body["held_until"], body["deliveries"]) == (True, None, {"queued": 1})


def test_outside_quiet_hours_nothing_is_held(api: TestClient, factory: Factory) -> None:
    new_relay(factory, language=Language.FR)
    body = api.post("/api/broadcasts", headers=AUTH, json={"texts": TEXTS}).json()
    assert (body["held_until"], body["deliveries"]) == (None, {"queued": 1})


def test_an_unknown_place_or_tag_is_refused_with_the_known_ones(
    api: TestClient, factory: Factory
) -> None:
    new_relay(factory, language=Language.FR, place="kita", tags=["élu"])
    place = api.post(
        "/api/broadcasts", headers=AUTH, json={"texts": TEXTS, "audience": {"places": ["kaye"]}}
    )
    assert place.status_code == 422
    assert "kaye" in place.json()["detail"]
    assert "kayes" in place.json()["detail"]
    tag = api.post(
        "/api/broadcasts", headers=AUTH, json={"texts": TEXTS, "audience": {"tags": ["elu"]}}
    )
    assert tag.status_code == 422
    assert "élu" in tag.json()["detail"]
    known = api.post(
        "/api/broadcasts", headers=AUTH, json={"texts": TEXTS, "audience": {"tags": ["élu"]}}
    )
    assert known.status_code == 201, known.text
