"""End to end: an organiser broadcasts from Telegram, then from the API and the CLI,
against `relais serve` as a subprocess and the fake Telegram."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import callback_update, telegram_update
from tests.fakes.telegram import Call, FakeTelegram
from tests.serving import Served, fake_settings, post_update, relais, relais_serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ORGANISER, BAMBARA, FRENCH = 100, 201, 202


@pytest.fixture
def served(tmp_path: Path, telegram: FakeTelegram) -> Iterator[Served]:
    with relais_serve(tmp_path, **fake_settings(telegram)) as served:
        yield served


def post(served: Served, update: dict[str, object]) -> None:
    post_update(served.url, update)


def press(served: Served, telegram: FakeTelegram, chat: int, data: str) -> None:
    """Press a button on the latest message that has one, as a person would."""
    keyboards = [m for m in telegram.messages(chat) if m.get("reply_markup")]
    post(served, callback_update(data, chat_id=chat, message_id=keyboards[-1]["message_id"]))


def join(served: Served, telegram: FakeTelegram, chat: int, language: str) -> None:
    post(served, telegram_update("/start", chat_id=chat))
    telegram.wait_for(
        lambda call: call.params.get("chat_id") == chat, method="sendMessage", timeout=15
    )
    press(served, telegram, chat, f"lang:{language}")
    telegram.wait_for(
        lambda call: call.params.get("chat_id") == chat, method="sendMessage", count=2, timeout=15
    )
    press(served, telegram, chat, "place:kayes")
    telegram.wait_for(
        lambda call: call.params.get("chat_id") == chat, method="sendMessage", count=3, timeout=15
    )


def texts_to(telegram: FakeTelegram, chat: int) -> list[str]:
    return [
        call.params["text"]
        for call in telegram.calls_to("sendMessage")
        if call.params["chat_id"] == chat
    ]


def last_to(telegram: FakeTelegram, chat: int, count: int) -> Call:
    return telegram.wait_for(
        lambda call: call.params.get("chat_id") == chat,
        method="sendMessage",
        count=count,
        timeout=15,
    )[-1]


def test_an_organiser_broadcasts_from_telegram_the_api_and_the_cli(
    served: Served, telegram: FakeTelegram
) -> None:
    for chat, language in ((ORGANISER, "fr"), (BAMBARA, "bm"), (FRENCH, "fr")):
        join(served, telegram, chat, language)
    post(served, telegram_update("/diffuser", chat_id=BAMBARA))
    assert last_to(telegram, BAMBARA, 4).params["text"].startswith("Kampaɲi labɛnbagaw dɔrɔn")

    granted = relais(served, "admin", "grant", f"telegram:{ORGANISER}")
    assert granted.returncode == 0, granted.stderr
    post(served, telegram_update("/diffuser", chat_id=ORGANISER))
    last_to(telegram, ORGANISER, 4)
    press(served, telegram, ORGANISER, "aud:all")
    last_to(telegram, ORGANISER, 5)
    post(served, telegram_update("Session publique du conseil samedi !", chat_id=ORGANISER))
    last_to(telegram, ORGANISER, 6)
    post(served, telegram_update("Komini lajɛ bɛ kɛ sibiridon!", chat_id=ORGANISER))
    preview = last_to(telegram, ORGANISER, 7)
    assert "3 relais le recevront" in preview.params["text"]
    assert texts_to(telegram, BAMBARA)[-1] != "Komini lajɛ bɛ kɛ sibiridon!"  # not before OUI
    press(served, telegram, ORGANISER, "bcast:yes")
    assert last_to(telegram, BAMBARA, 5).params["text"] == "Komini lajɛ bɛ kɛ sibiridon!"
    assert last_to(telegram, FRENCH, 4).params["text"] == "Session publique du conseil samedi !"

    created = httpx.post(
        f"{served.url}/api/broadcasts",
        json={"audience": {"languages": ["bm"]}, "texts": {"fr": "Merci !", "bm": "I ni ce!"}},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    assert created.json()["recipients"] == {"fr": 0, "bm": 1}
    assert last_to(telegram, BAMBARA, 6).params["text"] == "I ni ce!"

    sent = relais(
        served,
        "broadcast",
        "create",
        "--audience",
        "place=kayes",
        "--fr",
        "Rendez-vous à 10 h",
        "--bm",
        "Lɛrɛ 10",
        "--yes",
    )
    assert sent.returncode == 0, sent.stderr
    assert last_to(telegram, FRENCH, 5).params["text"] == "Rendez-vous à 10 h"
    followed = relais(served, "broadcast", "status", "3", "--follow", "--timeout", "20")
    assert followed.returncode == 0
    assert "envoyés" in followed.stdout  # "sent", in the organiser's French
    assert telegram.refused == []
