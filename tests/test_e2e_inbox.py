"""The inbox in real headless Chromium, on `relais serve` with the fake Telegram: a relay's
question and another's voice note appear, the voice note plays in the page, an organiser
replies from a phone-sized screen and from a laptop, and the replies reach the phones.
Screenshots are kept under tests/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, SCREENSHOTS, add_organiser, log_in, require_chromium
from tests.factories import callback_update, telegram_update
from tests.fakes.telegram import Call, FakeTelegram
from tests.ogg_opus import silence
from tests.serving import Served, fake_settings, post_update, relais_serve

QUESTION = "Quand aura lieu la prochaine réunion à Kayes ?"
VIEWPORTS = ((390, 844), (1280, 800))

pytestmark = pytest.mark.slow


def join(served: Served, chat_id: int, name: str, language: str) -> None:
    post_update(served.url, telegram_update("/start", chat_id=chat_id, first_name=name))
    post_update(served.url, callback_update(f"lang:{language}", chat_id=chat_id))
    post_update(served.url, callback_update("place:kayes", chat_id=chat_id))


def sent_text(chat_id: int, words: str) -> Any:
    def matches(call: Call) -> bool:
        return call.params.get("chat_id") == chat_id and words in str(
            call.params.get("text") or call.params.get("caption") or ""
        )

    return matches


def test_the_inbox_in_a_real_browser(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    voice_note = silence(2)
    with (
        FakeTelegram() as telegram,
        relais_serve(
            tmp_path, **fake_settings(telegram=telegram), uploads_dir=str(tmp_path / "uploads")
        ) as served,
    ):
        add_organiser(served.database)
        join(served, 5101, "Awa", "fr")
        join(served, 5102, "Moussa", "bm")
        post_update(served.url, telegram_update(QUESTION, chat_id=5101, first_name="Awa"))
        voice = telegram.user_file("voice", voice_note, "audio/ogg")
        post_update(
            served.url, telegram_update(None, chat_id=5102, first_name="Moussa", voice=voice)
        )
        telegram.wait_for(sent_text(5101, "Votre message est bien parvenu"), timeout=20)
        telegram.wait_for(sent_text(5102, "I ka cikan sera"), timeout=20)

        outside: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            try:
                for width, height in VIEWPORTS:
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.on(
                        "request",
                        lambda r: None if r.url.startswith(served.url) else outside.append(r.url),
                    )
                    page.goto(f"{served.url}/admin/inbox")
                    log_in(page, served.url)
                    assert page.url == f"{served.url}/admin/inbox"
                    entries = page.locator("li.entry")
                    expect(entries).to_have_count(2)
                    # Newest first: the voice note, then the question.
                    audio = entries.nth(0).locator("audio")
                    expect(audio).to_have_count(1)
                    expect(entries.nth(1)).to_contain_text(QUESTION)
                    body = page.inner_text("body")
                    assert "5101" not in body
                    assert "5102" not in body
                    # The voice note really plays: fetched through the dashboard, decoded.
                    duration = audio.evaluate(
                        """el => new Promise((done, fail) => {
                            el.preload = 'auto';
                            el.addEventListener('loadedmetadata', () => done(el.duration));
                            el.addEventListener('error', () => fail(String(el.error?.code)));
                            el.load();
                        })"""
                    )
                    assert 1.5 < duration < 2.5, duration
                    size = f"{width}x{height}"
                    page.screenshot(path=str(SCREENSHOTS / f"inbox-{size}.png"), full_page=True)
                    # Reply: the question from the phone, the voice note from the laptop.
                    target = entries.nth(1 if width < 500 else 0)
                    answer = f"Réponse depuis un écran de {size}."
                    target.locator("details.reply summary").click()
                    target.locator("textarea[name=text]").fill(answer)
                    target.locator("button.btn:not(.secondary)").click()
                    page.wait_for_load_state("load")
                    expect(page.locator("ul.thread", has_text=answer)).to_have_count(1)
                    expect(page.locator("[role=status]")).to_have_count(1)
                    page.screenshot(
                        path=str(SCREENSHOTS / f"inbox-replied-{size}.png"), full_page=True
                    )
                    chat = 5101 if width < 500 else 5102
                    telegram.wait_for(sent_text(chat, answer), timeout=20)
                    context.close()
            finally:
                browser.close()
    assert outside == []
