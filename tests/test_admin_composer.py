"""The broadcast composer: the live count is the domain's, a form becomes a draft, its
preview says who gets what, then it goes now or at a local time; CSRF and voice notes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.models import Broadcast, BroadcastState, Delivery, DeliveryStatus, Language, Role
from bot.web.app import create_app
from tests.dashboard import Dashboard, SettingsFactory, add_account, log_in
from tests.factories import new_relay

Factory = sessionmaker[Session]
BAMAKO = ZoneInfo("Africa/Bamako")
OGG = b"OggS\x00\x02" + b"\x00" * 200


@pytest.fixture
def composer(
    make_settings: SettingsFactory, factory: Factory, tmp_path: Path
) -> Iterator[Dashboard]:
    """A logged-in organiser, with uploads kept in this test's folder."""
    add_account(factory)
    app = create_app(make_settings(uploads_dir=str(tmp_path / "uploads")))
    with TestClient(app, client=("203.0.113.9", 4000), base_url="http://testserver") as client:
        yield Dashboard(client, log_in(client))


@pytest.fixture
def relays(factory: Factory) -> dict[str, int]:
    return {
        "fr-kayes": new_relay(factory, language=Language.FR, place="kayes", tags=["élu"]),
        "bm-kayes": new_relay(factory, language=Language.BM, place="kayes"),
        "bm-kita": new_relay(factory, language=Language.BM, place="kita", tags=["Élu"]),
        "bm-organiser": new_relay(factory, language=Language.BM, place="kita", role=Role.ORGANISER),
    }


def created(factory: Factory) -> list[Broadcast]:
    with factory() as session:
        return list(session.scalars(select(Broadcast).order_by(Broadcast.id)))


def compose(composer: Dashboard, **fields: object) -> int:
    """Post the form; the draft's number, from the preview it leads to."""
    response = composer.post("/admin/broadcasts/new", fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/admin/broadcasts/(\d+)", response.headers["location"])
    assert found
    return int(found.group(1))


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"languages": ["bm"]},
        {"places": ["kita"], "languages": ["fr", "bm"]},
        {"tags": ["élu"]},
        {"roles": ["organiser"]},
        {"places": ["nowhere"]},
    ],
)
def test_the_live_count_is_the_domains(
    composer: Dashboard, factory: Factory, relays: dict[str, int], filters: dict[str, list[str]]
) -> None:
    answer = composer.client.get("/admin/broadcasts/audience", params=filters)
    assert answer.status_code == 200
    audience = Audience.from_json(filters)
    with factory() as session:
        expected = broadcasts.count_recipients(session=session, audience=audience, zone=BAMAKO)
    assert answer.json() == {**expected, "total": sum(expected.values())}


def test_the_count_wants_a_login_and_known_values(
    composer: Dashboard, make_settings: SettingsFactory
) -> None:
    bad = composer.client.get("/admin/broadcasts/audience", params={"languages": ["en"]})
    assert bad.status_code == 400
    with TestClient(create_app(make_settings()), client=("203.0.113.9", 4000)) as stranger:
        refused = stranger.get("/admin/broadcasts/audience", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/admin/login")


def test_compose_preview_then_send_now(
    composer: Dashboard, factory: Factory, relays: dict[str, int]
) -> None:
    form = composer.client.get("/admin/broadcasts/new").text
    assert 'name="text_bm"' in form
    assert 'value="kita"' in form
    assert 'value="élu"' in form
    number = compose(
        composer, languages=["bm"], text_fr="Venez samedi !", text_bm="Aw ka na sibiridon!"
    )
    preview = composer.client.get(f"/admin/broadcasts/{number}").text
    assert 'data-readers="bm">3<' in preview
    assert 'data-readers="fr"' not in preview  # no French reader in this audience
    assert "Aw ka na sibiridon!" in preview
    assert [b.state for b in created(factory)] == [BroadcastState.DRAFT]
    with factory() as session:
        assert session.scalars(select(Delivery)).all() == []  # nothing before "send"
    sent = composer.post(f"/admin/broadcasts/{number}/send", {"when": "now"})
    assert sent.status_code == 200
    assert 'data-state="sending"' in sent.text
    with factory() as session:
        payloads = {d.relay_id: d.payload["text"] for d in session.scalars(select(Delivery))}
    assert payloads == {
        relays[name]: "Aw ka na sibiridon!" for name in ("bm-kayes", "bm-kita", "bm-organiser")
    }
    again = composer.post(f"/admin/broadcasts/{number}/send", {"when": "now"})
    assert again.status_code == 200  # a second click sends nothing more
    with factory() as session:
        assert len(session.scalars(select(Delivery)).all()) == 3


def test_send_at_a_local_time(
    composer: Dashboard, factory: Factory, relays: dict[str, int]
) -> None:
    later = (datetime.now(BAMAKO) + timedelta(days=1)).replace(second=0, microsecond=0)
    field = later.strftime("%Y-%m-%dT%H:%M")
    number = compose(composer, text_fr="Rendez-vous demain", send_at=field)
    preview = composer.client.get(f"/admin/broadcasts/{number}").text
    assert f'value="{field}"' in preview
    composer.post(f"/admin/broadcasts/{number}/send", {"when": "at", "send_at": field})
    [broadcast] = created(factory)
    assert broadcast.state is BroadcastState.SCHEDULED
    assert broadcast.send_at == later.astimezone(UTC)
    with factory() as session:
        assert session.scalars(select(Delivery)).all() == []
    page = composer.client.get(f"/admin/broadcasts/{number}").text
    assert 'data-state="scheduled"' in page
    assert 'id="cancel"' in page


def test_a_time_gone_by_is_refused(composer: Dashboard, factory: Factory) -> None:
    gone = (datetime.now(BAMAKO) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    answer = composer.post("/admin/broadcasts/new", {"text_fr": "Trop tard", "send_at": gone})
    assert answer.status_code == 422
    assert "Cette heure est passée" in answer.text
    assert "Trop tard" in answer.text  # what was typed is kept
    assert created(factory) == []


def test_nothing_to_say_is_refused(composer: Dashboard, factory: Factory) -> None:
    answer = composer.post("/admin/broadcasts/new", {"text_fr": "  ", "languages": ["fr"]})
    assert answer.status_code == 422
    assert created(factory) == []


def test_cancel_while_sending_then_not_once_ended(
    composer: Dashboard, factory: Factory, relays: dict[str, int]
) -> None:
    number = compose(composer, text_fr="Venez", text_bm="Aw ka na")
    composer.post(f"/admin/broadcasts/{number}/send", {"when": "now"})
    cancelled = composer.post(f"/admin/broadcasts/{number}/cancel")
    assert 'data-state="cancelled"' in cancelled.text
    with factory() as session:
        statuses = set(session.scalars(select(Delivery.status)))
    assert statuses == {DeliveryStatus.CANCELLED}
    assert composer.post(f"/admin/broadcasts/{number}/cancel").status_code == 409


def test_forms_without_their_csrf_token_are_refused(
    composer: Dashboard, factory: Factory, relays: dict[str, int]
) -> None:
    client = composer.client
    assert client.post("/admin/broadcasts/new", data={"text_fr": "Sans jeton"}).status_code == 403
    assert created(factory) == []
    number = compose(composer, text_fr="Avec jeton")
    wrong = {"csrf": "not-the-token", "when": "now"}
    assert client.post(f"/admin/broadcasts/{number}/send", data=wrong).status_code == 403
    assert client.post(f"/admin/broadcasts/{number}/cancel").status_code == 403
    assert client.post("/admin/broadcasts/check", json={"text_fr": "x"}).status_code == 403
    assert [b.state for b in created(factory)] == [BroadcastState.DRAFT]


def test_the_texts_are_checked_for_each_channel(composer: Dashboard) -> None:
    headers = {"X-CSRF-Token": composer.csrf}
    body = {
        "text_fr": "Réunion à la mairie " * 30,
        "text_bm": "Aw ka na ɲɔgɔn ye",
        "voice_bm": True,
    }
    found = composer.client.post("/admin/broadcasts/check", json=body, headers=headers).json()
    fr, bm = found["fr"], found["bm"]
    assert (fr["length"], fr["whatsapp_left"], fr["telegram_left"]) == (599, 1001, 4096 - 599)
    assert (fr["sms_encoding"], fr["sms_segments"]) == ("GSM-7", 4)
    assert fr["warnings"]
    assert "SMS de 4 segments" in fr["warnings"][0]
    assert (bm["sms_encoding"], bm["telegram_left"]) == ("UCS-2", 1024 - 17)  # a caption
    too_long = {"text_fr": "x" * 1700}
    over = composer.client.post("/admin/broadcasts/check", json=too_long, headers=headers).json()
    assert over["fr"]["too_long"] is True


def upload(composer: Dashboard, name: str, data: bytes, **fields: object):  # type: ignore[no-untyped-def]
    form = {"csrf": composer.csrf, "languages": ["bm"], **fields}
    files = {"voice_bm": (name, data, "audio/ogg")}
    return composer.client.post(
        "/admin/broadcasts/new", data=form, files=files, follow_redirects=False
    )


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("note.txt", b"hello", "pas une note vocale que Relais"),
        ("note.ogg", b"<html>not audio", "pas une note vocale que Relais"),
        ("note.ogg", b"", "est vide"),
        ("note.ogg", b"OggS" + b"\x00" * 16_000_001, "trop lourde"),
    ],
)
def test_a_voice_note_is_checked(
    composer: Dashboard, factory: Factory, tmp_path: Path, name: str, data: bytes, said: str
) -> None:
    refused = upload(composer, name, data)
    assert refused.status_code == 422
    assert said in refused.text
    assert created(factory) == []
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_a_bambara_voice_note_is_kept_served_and_sent(
    composer: Dashboard, factory: Factory, relays: dict[str, int], tmp_path: Path
) -> None:
    answer = upload(composer, "Kuma.OGG", OGG)
    assert answer.status_code == 303, answer.text
    [draft] = created(factory)
    path = draft.media["bm"]["path"]
    assert draft.media["bm"]["kind"] == "voice"
    assert path.startswith("_uploads/")
    assert (tmp_path / "uploads" / path.removeprefix("_uploads/")).read_bytes() == OGG
    served = composer.client.get(f"/media/{path}")
    assert (served.status_code, served.content) == (200, OGG)
    assert composer.client.get("/media/_uploads/" + "0" * 64 + ".ogg").status_code == 404
    preview = composer.client.get(f"/admin/broadcasts/{draft.id}").text
    assert f'src="/media/{path}"' in preview
    composer.post(f"/admin/broadcasts/{draft.id}/send", {"when": "now"})
    with factory() as session:
        media = {d.payload["media"]["path"] for d in session.scalars(select(Delivery))}
    assert media == {path}


def test_a_draft_can_be_changed_before_it_goes(
    composer: Dashboard, factory: Factory, relays: dict[str, int]
) -> None:
    number = compose(composer, text_fr="Premier jet", places=["kita"])
    form = composer.client.get(f"/admin/broadcasts/new?draft={number}").text
    assert "Premier jet" in form
    assert 'value="kita" checked' in form
    again = compose(composer, draft=str(number), text_fr="Version finale", places=["kayes"])
    assert again == number
    [draft] = created(factory)
    assert (draft.texts, draft.audience["places"]) == ({"fr": "Version finale"}, ["kayes"])


def test_progress_reaches_everything_and_the_list_shows_the_reach(
    composer: Dashboard, factory: Factory, relays: dict[str, int]
) -> None:
    number = compose(composer, text_fr="Venez", text_bm="Aw ka na")
    composer.post(f"/admin/broadcasts/{number}/send", {"when": "now"})
    url = f"/admin/broadcasts/{number}/progress"
    first = composer.client.get(url).json()
    assert (first["state"], first["live"], first["percent"]) == ("sending", True, 0)
    assert (first["total"], first["counts"]["pending"]) == (4, 4)
    with unit_of_work(factory) as session:  # the worker: three sent, one failed
        ids = list(session.scalars(select(Delivery.id).order_by(Delivery.id)))
        for delivery_id in ids[:3]:
            session.get_one(Delivery, delivery_id).status = DeliveryStatus.SENT
        session.get_one(Delivery, ids[3]).status = DeliveryStatus.FAILED
    last = composer.client.get(url).json()
    assert (last["state"], last["live"], last["percent"], last["handled"]) == (
        "done",
        False,
        100,
        4,
    )
    assert (last["counts"]["reached"], last["counts"]["failed"]) == (3, 1)
    page = composer.client.get(f"/admin/broadcasts/{number}").text
    assert 'data-state="done"' in page
    assert 'id="cancel"' not in page  # it has ended: nothing to cancel
    listing = composer.client.get("/admin/broadcasts").text
    row = listing[listing.index(f'data-broadcast="{number}"') :]
    cells = re.findall(r'<td class="num"[^>]*>(\d+)</td>', row)[:4]
    assert cells == ["3", "4", "1", "0"]  # reached, audience, failed, held
    assert "terminée" in row


def test_the_pages_want_a_login(make_settings: SettingsFactory, factory: Factory) -> None:
    with TestClient(create_app(make_settings()), client=("203.0.113.9", 4000)) as stranger:
        for path in ("/admin/broadcasts", "/admin/broadcasts/new", "/admin/broadcasts/1"):
            answer = stranger.get(path, follow_redirects=False)
            assert answer.status_code == 303, path


def test_the_preview_says_when_readers_get_the_other_language(
    composer: Dashboard, relays: dict[str, int]
) -> None:
    number = compose(composer, text_fr="Seulement en français")
    preview = composer.client.get(f"/admin/broadcasts/{number}").text
    bambara = preview[preview.index('data-preview="bm"') :]
    assert "Pas de texte dans leur langue" in bambara
    assert "Seulement en français" in bambara
    assert "Pas de texte dans leur langue" not in preview[: preview.index('data-preview="bm"')]
