"""/admin/inbox through a logged-in browser: newest first, by pseudonym only, filters,
replies through the outbox, "to share", and forms refused without their CSRF token."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.handlers import build_router
from bot.domain.contests.pseudonyms import pseudonym
from bot.models import Delivery, InboxEntry, InboxReply, Relay
from bot.web.app import create_app
from tests.conftest import SettingsFactory
from tests.dashboard import Dashboard, add_account, log_in
from tests.factories import converse

Factory = sessionmaker[Session]
AWA = "whatsapp:+22370009001"
MOUSSA = "telegram:7009002"


@pytest.fixture
def web(make_settings: SettingsFactory, factory: Factory, tmp_path: Path) -> Iterator[Dashboard]:
    """A logged-in organiser, from another machine; uploads go to a temporary folder."""
    add_account(factory)
    settings = make_settings(uploads_dir=str(tmp_path / "uploads"))
    with TestClient(create_app(settings), client=("203.0.113.9", 4000)) as client:
        yield Dashboard(client, log_in(client))


def write(factory: Factory, address: str, text: str, name: str, language: str = "fr") -> None:
    """Join (name, language, Kayes), then write `text` to the team."""
    router = build_router()
    converse(factory, router, address, "/start", name=name)
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")
    converse(factory, router, address, text)


def entry_of(factory: Factory, address: str) -> int:
    with factory() as session:
        found = session.scalar(select(InboxEntry.id).join(Relay).where(Relay.address == address))
        assert found is not None
        return found


def shown_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'id="entry-(\d+)"', html)]


def test_the_inbox_shows_who_wrote_by_pseudonym_only_newest_first(
    web: Dashboard, factory: Factory
) -> None:
    write(factory, AWA, "Quand est la réunion ?", "Awa Traoré")
    write(factory, MOUSSA, "I ni ce, n bɛ se ka dɛmɛ wa?", "Moussa Keïta", language="bm")
    page = web.client.get("/admin/inbox")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert shown_ids(text) == [entry_of(factory, MOUSSA), entry_of(factory, AWA)]
    with factory() as session:
        for relay in session.scalars(select(Relay)):
            assert pseudonym(relay) in text
    assert "Quand est la réunion ?" in text
    assert "WhatsApp" in text
    assert "Telegram" in text
    assert "Kayes" in text
    assert "bambara" in text.lower()
    # Nothing personal: no address, no number, no name.
    for personal in ("22370009001", "7009002", "Awa Traoré", "Moussa", "Keïta"):
        assert personal not in text
    assert "2 messages attendent une réponse" in text


def test_a_reply_goes_through_the_outbox_to_the_relays_channel(
    web: Dashboard, factory: Factory
) -> None:
    write(factory, AWA, "Quand est la réunion ?", "Awa Traoré")
    entry = entry_of(factory, AWA)
    answered = web.post(
        f"/admin/inbox/{entry}/reply", {"text": "Samedi à 10 h."}, follow_redirects=False
    )
    assert answered.status_code == 303
    with factory() as session:
        delivery = session.scalars(select(Delivery).where(Delivery.source_kind == "inbox")).one()
        relay = session.get_one(Relay, delivery.relay_id)
        assert relay.address == AWA  # its own channel: WhatsApp, this relay's number
        assert delivery.payload["text"] == "Samedi à 10 h."
        assert delivery.payload["language"] == "fr"
        assert session.get_one(InboxEntry, entry).answered_at is not None
        [reply] = session.scalars(select(InboxReply)).all()
        assert (reply.login, reply.text) == ("awa", "Samedi à 10 h.")
    thread = html.unescape(web.client.get(answered.headers["location"]).text)
    assert "Samedi à 10 h." in thread
    assert "Réponse en file d'attente" in thread


def test_an_empty_reply_is_refused_with_a_clear_error(web: Dashboard, factory: Factory) -> None:
    write(factory, AWA, "Allô ?", "Awa Traoré")
    entry = entry_of(factory, AWA)
    refused = web.post(f"/admin/inbox/{entry}/reply", {"text": "  "})
    assert refused.status_code == 400
    assert "Écrivez une réponse ou ajoutez une note vocale." in refused.text
    with factory() as session:
        assert session.scalars(select(Delivery).where(Delivery.source_kind == "inbox")).all() == []
    assert web.post("/admin/inbox/999999/reply", {"text": "?"}).status_code == 404


def test_the_unanswered_filter(web: Dashboard, factory: Factory) -> None:
    write(factory, AWA, "Première question", "Awa Traoré")
    write(factory, MOUSSA, "Deuxième question", "Moussa Keïta")
    web.post(f"/admin/inbox/{entry_of(factory, AWA)}/reply", {"text": "Réponse"})
    waiting = web.client.get("/admin/inbox?show=unanswered").text
    assert shown_ids(waiting) == [entry_of(factory, MOUSSA)]
    assert "1 message attend une réponse" in waiting
    everything = web.client.get("/admin/inbox").text
    assert len(shown_ids(everything)) == 2


def test_to_share_is_a_toggle_and_a_filter(web: Dashboard, factory: Factory) -> None:
    write(factory, AWA, "Dans notre quartier, les jeunes ont nettoyé la place.", "Awa Traoré")
    write(factory, MOUSSA, "Bonjour", "Moussa Keïta")
    entry = entry_of(factory, AWA)
    assert shown_ids(web.client.get("/admin/inbox?show=to_share").text) == []
    marked = web.post(f"/admin/inbox/{entry}/share", {"to_share": "1"}, follow_redirects=False)
    assert marked.status_code == 303
    assert shown_ids(web.client.get("/admin/inbox?show=to_share").text) == [entry]
    web.post(f"/admin/inbox/{entry}/share", {"to_share": "0"})
    assert shown_ids(web.client.get("/admin/inbox?show=to_share").text) == []


def test_forms_without_their_csrf_token_are_refused_and_change_nothing(
    web: Dashboard, factory: Factory
) -> None:
    write(factory, AWA, "Quand est la réunion ?", "Awa Traoré")
    entry = entry_of(factory, AWA)
    client = web.client
    assert client.post(f"/admin/inbox/{entry}/reply", data={"text": "Non"}).status_code == 403
    wrong = {"text": "Non", "csrf": "not-the-token"}
    assert client.post(f"/admin/inbox/{entry}/reply", data=wrong).status_code == 403
    assert client.post(f"/admin/inbox/{entry}/share", data={"to_share": "1"}).status_code == 403
    with factory() as session:
        assert session.scalars(select(Delivery).where(Delivery.source_kind == "inbox")).all() == []
        row = session.get_one(InboxEntry, entry)
        assert (row.answered_at, row.to_share) == (None, False)


def test_the_inbox_asks_for_a_login(make_settings: SettingsFactory, factory: Factory) -> None:
    with TestClient(create_app(make_settings()), client=("127.0.0.1", 4000)) as client:
        for path in ("/admin/inbox", "/admin/inbox/media/1"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code in (302, 303, 307)
            assert response.headers["location"].startswith("/admin/login")
