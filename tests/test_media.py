"""Campaign media: served only when the kit or a post names it, uploaded once to
Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.registry import build_channels
from bot.db import unit_of_work
from bot.domain.campaign_store import store_campaign
from bot.domain.media_library import MediaLibrary
from bot.models import Delivery, DeliveryStatus, Language
from bot.web.app import create_app
from content.model import Kit
from scheduler.calendar import materialise_due
from scheduler.worker import DeliveryWorker
from tests.conftest import SettingsFactory
from tests.factories import make_campaign, make_post, make_relay
from tests.fakes.telegram import FakeTelegram, UploadedFile
from tests.fakes.twilio import FakeTwilio

Factory = sessionmaker[Session]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DAY = date(2026, 11, 1)  # in the past: the worker sends what is due by the real clock
DUE = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    media = tmp_path / "campagne" / "media"
    media.mkdir(parents=True)
    (media / "chiffres.png").write_bytes(PNG)
    (media / "brouillon.png").write_bytes(PNG)  # in the folder, named by no post
    (media / "kit.png").write_bytes(PNG)  # the kit's picture, named by no post
    (tmp_path / "secret.txt").write_text("not campaign media")
    (media / "lien.png").symlink_to(tmp_path / "secret.txt")
    return tmp_path / "campagne"


@pytest.fixture
def loaded(factory: Factory, folder: Path) -> Factory:
    post = make_post(id="j01", day=DAY, media={"fr": "media/chiffres.png", "bm": "media/lien.png"})
    kit = Kit(media={"fr": "media/kit.png"})
    campaign = make_campaign(post, folder=folder, start=DAY, end=DAY, kit=kit)
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=campaign, now=DUE)
    return factory


@pytest.fixture
def client(make_settings: SettingsFactory, loaded: Factory) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings()), client=("203.0.113.5", 4000)) as client:
        yield client


@pytest.mark.parametrize("path", ["media/chiffres.png", "media/kit.png"])
def test_a_post_or_kit_picture_is_served_to_anyone(client: TestClient, path: str) -> None:
    response = client.get(f"/media/engageonsnous/{path}")
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/media/engageonsnous/media/brouillon.png",  # no post names it
        "/media/engageonsnous/media/lien.png",  # a link leading out of the folder
        "/media/engageonsnous/media/%2e%2e/%2e%2e/secret.txt",
        "/media/engageonsnous/../secret.txt",
        "/media/autre/media/chiffres.png",
        "/media/engageonsnous/campaign.yaml",
    ],
)
def test_nothing_else_is_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def deliver(factory: Factory, settings_senders: dict[str, object]) -> None:
    async def go() -> None:
        worker = DeliveryWorker(factory=factory, channels=settings_senders)  # type: ignore[arg-type]
        await worker.run_once()
        for sender in settings_senders.values():
            await sender.close()  # type: ignore[attr-defined]

    asyncio.run(go())


def test_telegram_uploads_a_picture_once_then_reuses_its_file_id(
    loaded: Factory, make_settings: SettingsFactory
) -> None:
    with FakeTelegram() as telegram:
        settings = make_settings(
            telegram_token=telegram.token, telegram_secret="s", telegram_api_url=telegram.api_url
        )
        with unit_of_work(loaded) as session:
            for chat in (501, 502):
                make_relay(session, address=f"telegram:{chat}", channel="telegram")
            materialise_due(session=session, now=DUE)
        deliver(loaded, build_channels(settings, MediaLibrary(loaded)))  # type: ignore[arg-type]
        first, second = telegram.calls_to("sendPhoto")
        assert isinstance(first.params["photo"], UploadedFile)
        assert first.params["photo"].data == PNG
        uploaded = telegram.messages(501)[-1]["photo"][-1]["file_id"]
        assert second.params["photo"] == uploaded
        assert first.params["caption"].endswith("#EngageonsNous")
        assert telegram.refused == []
    with loaded() as session:
        statuses = session.scalars(select(Delivery.status)).all()
        assert statuses == [DeliveryStatus.SENT, DeliveryStatus.SENT]


def test_twilio_is_given_the_public_media_url(
    loaded: Factory, make_settings: SettingsFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWILIO_REGION", raising=False)
    monkeypatch.delenv("TWILIO_EDGE", raising=False)
    with FakeTwilio() as twilio:
        settings = make_settings(
            public_url="https://relais.example.org",
            twilio_account_sid=twilio.account_sid,
            twilio_auth_token=twilio.auth_token,
            twilio_whatsapp_from="whatsapp:+22370000000",
            twilio_api_url=twilio.api_url,
        )
        with unit_of_work(loaded) as session:
            make_relay(
                session,
                address="whatsapp:+22370000001",
                channel="whatsapp",
                language=Language.FR,
                last_inbound_at=datetime.now(UTC),  # inside the 24-hour window
            )
            materialise_due(session=session, now=DUE)
        deliver(loaded, build_channels(settings, MediaLibrary(loaded)))  # type: ignore[arg-type]
        [sent] = twilio.sent
        assert sent.media_urls == (
            "https://relais.example.org/media/engageonsnous/media/chiffres.png",
        )
