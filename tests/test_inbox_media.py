"""Media in the inbox: a relay's voice note or picture played in the page, fetched from its
platform (the fakes serve them as Telegram and Twilio do); an organiser's voice note
checked, stored, served to Twilio and uploaded to Telegram."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.registry import build_channels
from bot.conversation.handlers import build_router
from bot.conversation.inbound import receive
from bot.conversation.values import Inbound, Media, MediaKind
from bot.db import unit_of_work
from bot.domain.media_library import MediaLibrary
from bot.models import Delivery, DeliveryStatus, InboundMedia, InboxEntry, InboxReply
from bot.web.app import create_app
from scheduler.worker import DeliveryWorker
from tests.conftest import SettingsFactory
from tests.dashboard import Dashboard, add_account, log_in
from tests.factories import converse
from tests.fakes.telegram import FakeTelegram, UploadedFile
from tests.fakes.twilio import FakeTwilio

Factory = sessionmaker[Session]
OGG = b"OggS\x00\x02" + bytes(range(200))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
WHATSAPP_FROM = "whatsapp:+22370000000"


@pytest.fixture
def platforms(telegram: FakeTelegram, twilio: FakeTwilio, tmp_path: Path) -> dict[str, Any]:
    return {
        "telegram_token": telegram.token,
        "telegram_secret": "s",
        "telegram_api_url": telegram.api_url,
        "twilio_account_sid": twilio.account_sid,
        "twilio_auth_token": twilio.auth_token,
        "twilio_whatsapp_from": WHATSAPP_FROM,
        "twilio_api_url": twilio.api_url,
        "public_url": "https://relais.example.org",
        "uploads_dir": str(tmp_path / "uploads"),
    }


@pytest.fixture
def web(
    make_settings: SettingsFactory, factory: Factory, platforms: dict[str, Any]
) -> Iterator[Dashboard]:
    add_account(factory)
    app = create_app(make_settings(**platforms))
    # The public URL is https: the session cookie is Secure, so the browser is on https too.
    with TestClient(app, client=("203.0.113.9", 4000), base_url="https://testserver") as c:
        yield Dashboard(c, log_in(c))


def joined(factory: Factory, address: str) -> None:
    router = build_router()
    converse(factory, router, address, "/start", name="Fanta Diarra")
    converse(factory, router, address, choice="lang:bm")
    converse(factory, router, address, choice="place:kita")


def send_media(factory: Factory, address: str, media: Media, message_id: str) -> int:
    """The relay sends `media` with no text; the id of the media row kept."""
    with unit_of_work(factory) as session:
        receive(
            session=session,
            router=build_router(),
            channel=address.partition(":")[0],
            platform_message_id=message_id,
            inbound=Inbound(address=address, media=(media,)),
            raw={},
            now=datetime.now(UTC),
        )
    with factory() as session:
        found = session.scalars(select(InboundMedia.id).order_by(InboundMedia.id.desc())).first()
        assert found is not None
        assert session.scalars(select(InboxEntry)).first() is not None
        return found


def test_a_telegram_voice_note_plays_in_the_page(
    web: Dashboard, factory: Factory, telegram: FakeTelegram
) -> None:
    joined(factory, "telegram:8101")
    voice = telegram.user_file("voice", OGG, "audio/ogg")
    media = Media(MediaKind.VOICE, "telegram-file:" + voice["file_id"], "audio/ogg")
    media_id = send_media(factory, "telegram:8101", media, "tg-voice-1")
    page = web.client.get("/admin/inbox").text
    assert f'<audio controls preload="none" src="/admin/inbox/media/{media_id}"' in page
    played = web.client.get(f"/admin/inbox/media/{media_id}")
    assert played.status_code == 200
    assert played.content == OGG
    assert played.headers["content-type"] == "audio/ogg"
    # A player reads by ranges; the file is fetched from Telegram once.
    head = web.client.get(f"/admin/inbox/media/{media_id}", headers={"Range": "bytes=0-3"})
    assert head.status_code == 206
    assert head.content == b"OggS"
    assert head.headers["content-range"] == f"bytes 0-3/{len(OGG)}"
    tail = web.client.get(f"/admin/inbox/media/{media_id}", headers={"Range": "bytes=-2"})
    assert tail.content == OGG[-2:]
    beyond = web.client.get(f"/admin/inbox/media/{media_id}", headers={"Range": "bytes=9999-"})
    assert beyond.status_code == 416
    assert [call.params["file_id"] for call in telegram.calls_to("getFile")] == [voice["file_id"]]


def test_a_whatsapp_picture_is_fetched_with_the_accounts_auth(
    web: Dashboard, factory: Factory, twilio: FakeTwilio
) -> None:
    joined(factory, "whatsapp:+22370008102")
    url = twilio.add_media(JPEG, "image/jpeg")
    media_id = send_media(
        factory, "whatsapp:+22370008102", Media(MediaKind.PHOTO, url, "image/jpeg"), "MM1"
    )
    assert f'<img src="/admin/inbox/media/{media_id}"' in web.client.get("/admin/inbox").text
    shown = web.client.get(f"/admin/inbox/media/{media_id}")
    assert shown.status_code == 200
    assert shown.content == JPEG
    assert shown.headers["content-type"] == "image/jpeg"
    assert twilio.refused == []


def test_media_elsewhere_than_twilio_is_never_fetched_with_its_credentials(
    web: Dashboard, factory: Factory
) -> None:
    joined(factory, "whatsapp:+22370008103")
    elsewhere = Media(MediaKind.PHOTO, "https://attacker.example/x.jpg", "image/jpeg")
    media_id = send_media(factory, "whatsapp:+22370008103", elsewhere, "MM2")
    assert web.client.get(f"/admin/inbox/media/{media_id}").status_code == 404
    assert web.client.get("/admin/inbox/media/999999").status_code == 404


def deliver(factory: Factory, settings_overrides: dict[str, Any], make: SettingsFactory) -> None:
    settings = make(**settings_overrides)
    channels = build_channels(settings, MediaLibrary(factory, Path(settings.uploads_dir)))

    async def go() -> None:
        await DeliveryWorker(factory=factory, channels=channels).run_once()
        for channel in channels.values():
            await channel.close()

    asyncio.run(go())


def test_a_voice_reply_is_stored_served_and_sent(
    web: Dashboard,
    factory: Factory,
    telegram: FakeTelegram,
    twilio: FakeTwilio,
    platforms: dict[str, Any],
    make_settings: SettingsFactory,
) -> None:
    joined(factory, "telegram:8104")
    joined(factory, "whatsapp:+22370008104")
    converse(factory, build_router(), "telegram:8104", "Ne bɛ se ka mun kɛ?")
    converse(factory, build_router(), "whatsapp:+22370008104", "I ni ce kosɛbɛ")
    with factory() as session:
        entries = session.scalars(select(InboxEntry.id).order_by(InboxEntry.id)).all()
    for entry in entries:
        answered = web.post(
            f"/admin/inbox/{entry}/reply",
            {"text": ""},
            files={"voice": ("jaabi.ogg", OGG, "audio/ogg")},
            follow_redirects=False,
        )
        assert answered.status_code == 303, answered.text
    with factory() as session:
        voices = {reply.voice for reply in session.scalars(select(InboxReply))}
    [reference] = voices  # the same note, kept once
    assert reference is not None
    assert reference.startswith("_uploads/")
    assert reference.endswith(".ogg")
    assert (
        Path(platforms["uploads_dir"]) / reference.removeprefix("_uploads/")
    ).read_bytes() == OGG
    served = web.client.get(f"/media/{reference}")  # what Twilio fetches, and the page plays
    assert served.content == OGG
    assert served.headers["content-type"] == "audio/ogg"
    assert f'src="/media/{reference}"' in web.client.get("/admin/inbox").text
    with unit_of_work(factory) as session:  # only the replies go: no waiting on chat spacing
        session.execute(
            update(Delivery)
            .where(Delivery.source_kind != "inbox")
            .values(status=DeliveryStatus.CANCELLED)
        )
    deliver(factory, platforms, make_settings)
    [voice] = telegram.calls_to("sendVoice")
    assert voice.params["chat_id"] == 8104
    assert isinstance(voice.params["voice"], UploadedFile)
    assert voice.params["voice"].data == OGG
    [sent] = twilio.sent_to("whatsapp:+22370008104")
    assert sent.media_urls == (f"https://relais.example.org/media/{reference}",)
    with factory() as session:
        statuses = session.scalars(
            select(Delivery.status).where(Delivery.source_kind == "inbox")
        ).all()
        assert statuses == [DeliveryStatus.SENT, DeliveryStatus.SENT]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier de la note vocale est vide."),
        (b"<html>not a voice note</html>", "utilisez OGG, MP3, M4A ou AMR"),
    ],
)
def test_a_file_that_is_no_voice_note_is_refused(
    web: Dashboard, factory: Factory, data: bytes, message: str
) -> None:
    joined(factory, "telegram:8105")
    converse(factory, build_router(), "telegram:8105", "Ne bɛ se ka mun kɛ?")
    with factory() as session:
        entry = session.scalars(select(InboxEntry.id)).one()
    refused = web.post(
        f"/admin/inbox/{entry}/reply",
        {"text": "Voici"},
        files={"voice": ("note.ogg", data, "audio/ogg")},
    )
    assert refused.status_code == 400
    assert message in html.unescape(refused.text)
    with factory() as session:
        assert session.scalars(select(InboxReply)).all() == []
