"""The web simulator: a phone in the browser talking through the console channel."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.console.channel import ConsoleChannel
from bot.models import Language, Relay
from bot.web.app import create_app
from scheduler.worker import DeliveryWorker
from tests.conftest import SettingsFactory

LOCAL = ("127.0.0.1", 40000)


@pytest.fixture
def client(make_settings: SettingsFactory, factory: sessionmaker[Session]) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        yield client


def deliver(factory: sessionmaker[Session]) -> int:
    """Run the delivery worker once, as `relais serve` does in the background."""
    worker = DeliveryWorker(factory=factory, channels={"console": ConsoleChannel()})
    return asyncio.run(worker.run_once())


def say(client: TestClient, phone: str, message_id: str, **body: Any) -> None:
    response = client.post(f"/simulator/api/phones/{phone}/send", json={"id": message_id, **body})
    assert response.status_code == 202, response.text


def shown(client: TestClient, phone: str, after: int = 0) -> dict[str, Any]:
    response = client.get(f"/simulator/api/phones/{phone}/messages", params={"after": after})
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def test_page_is_served_with_its_own_assets_in_either_language(client: TestClient) -> None:
    page = client.get("/simulator")
    assert page.status_code == 200
    assert "Simulateur Relais" in page.text
    assert 'lang="fr"' in page.text
    assert "/static/admin/simulator.js" in page.text
    assert "https://" not in page.text
    assert "Relais telefɔni ladegelan" in client.get("/simulator", params={"lang": "bm"}).text
    assert client.get("/static/admin/simulator.js").status_code == 200
    assert client.get("/static/admin/simulator.css").status_code == 200


def test_a_phone_joins_in_bambara_through_the_outbox(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    say(client, "sim-awa", "m1", text="/start")
    assert shown(client, "sim-awa", after=0)["messages"][-1]["direction"] == "in"  # not sent yet
    assert deliver(factory) == 1
    first = shown(client, "sim-awa")
    welcome = first["messages"][-1]
    assert welcome["direction"] == "out"
    assert [option["data"] for option in welcome["options"]] == ["lang:bm", "lang:fr"]

    say(client, "sim-awa", "m2", choice="lang:bm", label="Bamanankan")
    deliver(factory)
    newer = shown(client, "sim-awa", after=first["cursor"])
    assert [message["text"][:17] for message in newer["messages"]] == ["I sigilen bɛ min?"]
    history = shown(client, "sim-awa")["messages"]
    assert [message["direction"] for message in history] == ["in", "out", "in", "out"]
    assert history[2]["text"] == "Bamanankan"
    with factory() as session:
        relay = session.scalars(select(Relay).where(Relay.address == "console:sim-awa")).one()
        assert relay.language is Language.BM


def test_several_phones_are_separate_people(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    say(client, "sim-one", "a", text="/start")
    say(client, "sim-two", "a", text="bonjour")
    deliver(factory)
    assert shown(client, "sim-one")["messages"][-1]["options"]
    assert not shown(client, "sim-two")["messages"][-1]["options"]


def test_resending_the_same_message_id_is_harmless(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    say(client, "sim-awa", "same", text="/start")
    say(client, "sim-awa", "same", text="/start")
    assert deliver(factory) == 1


@pytest.mark.parametrize(
    ("phone", "body", "status"),
    [
        ("Not A Phone", {"id": "x", "text": "hi"}, 422),
        ("sim-awa", {"id": "x", "text": "   "}, 422),
        ("sim-awa", {"id": "x", "choice": "nonsense"}, 422),
        ("sim-awa", {"id": "bad id!", "text": "hi"}, 422),
        ("sim-awa", {"id": "x", "text": "x" * 5000}, 422),
    ],
)
def test_bad_input_gets_a_clear_error(
    client: TestClient, phone: str, body: dict[str, Any], status: int
) -> None:
    response = client.post(f"/simulator/api/phones/{phone}/send", json=body)
    assert response.status_code == status
    assert response.json()["detail"]


def test_without_admin_token_only_this_machine_may_use_it(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    app = create_app(make_settings())
    with TestClient(app, client=("203.0.113.9", 40000)) as remote:
        assert remote.get("/simulator").status_code == 403
    with TestClient(app, client=LOCAL) as proxied:
        assert (
            proxied.get("/simulator", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
        )


def test_with_admin_token_a_bearer_or_the_cookie_opens_it(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    app = create_app(make_settings(admin_token="s3cret-admin-token"))
    with TestClient(app, client=("203.0.113.9", 40000)) as remote:
        assert remote.get("/simulator").status_code == 401
        bearer = {"Authorization": "Bearer s3cret-admin-token"}
        assert remote.get("/simulator", headers=bearer).status_code == 200
        first = remote.get(
            "/simulator", params={"token": "s3cret-admin-token"}, follow_redirects=False
        )
        assert first.status_code == 303
        assert "token" not in first.headers["location"]
        assert remote.get("/simulator").status_code == 200  # the cookie now


def test_metrics_count_without_naming_anyone(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    say(client, "sim-awa", "m1", text="/start", name="Awa Traoré")
    deliver(factory)
    body = client.get("/metrics").text
    assert 'relais_relays{channel="console",language="fr",status="active"} 1' in body
    assert 'relais_deliveries{source="reply",status="sent"} 1' in body
    assert 'relais_inbound_messages{channel="console"} 1' in body
    assert "awa" not in body.lower()
