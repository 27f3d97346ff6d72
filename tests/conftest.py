"""Fixtures: a real database per backend, the settings, the conversation router, the web
app as /api's callers see it, the loopback fakes of Telegram and Twilio, and what the
fake Twilio's own tests talk to it with."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client

from bot.conversation.handlers import build_router
from bot.conversation.router import Router
from bot.db import make_engine, make_session_factory
from bot.settings import Settings
from bot.web.app import create_app
from tests.dashboard import dashboard  # noqa: F401  (shared by the dashboard's tests)
from tests.databases import empty_tables, migrated
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio
from tests.twilio_clients import ClientFactory, Receiver

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One migrated database per backend for the whole run."""
    with migrated(request.param, tmp_path_factory.mktemp(request.param)) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    empty_tables(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def router() -> Router:
    return build_router()


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def make_settings(database_url: str) -> SettingsFactory:
    """Settings for this test's database, untouched by the developer's environment."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {"database_url": database_url, **overrides}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]

    return make


API_TOKEN = "api-token-for-tests"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
REMOTE = ("203.0.113.7", 4000)  # not this machine: /api wants the token from it


@pytest.fixture
def api(make_settings: SettingsFactory, engine: Engine) -> Iterator[TestClient]:
    """The web app with an organiser's token set, called from another machine."""
    with TestClient(create_app(make_settings(admin_token=API_TOKEN)), client=REMOTE) as client:
        yield client


HOOK_SECRET = "hook-secret_123"
HOOK_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET}


@pytest.fixture
def telegram_app(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """The web app with Telegram on (a bot token and the webhook's secret), called from this
    machine, on emptied tables."""
    settings = make_settings(telegram_token="123456:TEST-token", telegram_secret=HOOK_SECRET)
    with TestClient(create_app(settings), client=("127.0.0.1", 40000)) as client:
        yield client


@pytest.fixture(autouse=True)
def _isolated(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """Capture logs, and keep the developer's RELAIS_* variables out of every test."""
    caplog.set_level(logging.INFO)
    for name in list(os.environ):
        if name.startswith("RELAIS_"):
            monkeypatch.delenv(name)


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """The fake Telegram Bot API on loopback, with its default bot token."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    """The fake Twilio Messages API on loopback."""
    for name in ("TWILIO_REGION", "TWILIO_EDGE"):  # twilio-python would rewrite the fake's host
        monkeypatch.delenv(name, raising=False)
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def make_twilio_client(twilio: FakeTwilio) -> Iterator[ClientFactory]:
    """twilio-python Clients pointed at the fake (their HTTP sessions closed afterwards)."""
    clients: list[Any] = []

    def make(username: str = "", password: str = "", account_sid: str | None = None) -> Any:
        client = Client(username or twilio.account_sid, password or twilio.auth_token, account_sid)
        client.api.base_url = twilio.api_url
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.http_client.session.close()


@pytest.fixture
def twilio_client(make_twilio_client: ClientFactory) -> Any:
    return make_twilio_client()


@pytest.fixture
def callback_receiver() -> Iterator[Receiver]:
    """A small application on loopback recording the status callbacks posted to it."""
    with Receiver() as app:
        yield app
