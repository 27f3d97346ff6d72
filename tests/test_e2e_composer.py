"""The broadcast composer in real headless Chromium, against `relais serve` (console
channel: the simulator's phones): an organiser made with the CLI logs in, picks the
Bambara readers and sees the live count follow, writes, previews, sends, and watches the
progress reach 100 %; the Bambara phones get it, the French one does not. At 390x844 and
1280x800, with screenshots kept under tests/screenshots/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser import CHROMIUM, SCREENSHOTS, add_organiser, log_in
from tests.serving import Served, relais_serve
from tests.waiting import eventually

SIZES = {"phone": (390, 844), "laptop": (1280, 800)}
BAMBARA = "Aw ka na komini ka lajɛ la sibiridon, lɛrɛ 10!"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true",
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def say(url: str, phone: str, message_id: str, **body: str) -> None:
    response = httpx.post(
        f"{url}/simulator/api/phones/{phone}/send", json={"id": message_id, **body}, timeout=10
    )
    assert response.status_code == 202, response.text


def join(url: str, phone: str, language: str) -> None:
    say(url, phone, f"{phone}-1", text="/start")
    say(url, phone, f"{phone}-2", choice=f"lang:{language}", label=language)
    say(url, phone, f"{phone}-3", choice="place:kayes", label="Kayes")


def texts(url: str, phone: str) -> list[str]:
    page: dict[str, Any] = httpx.get(
        f"{url}/simulator/api/phones/{phone}/messages", timeout=10
    ).json()
    return [m["text"] for m in page["messages"] if m["direction"] == "out"]


def shot(page: Page, size: str, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"composer-{name}-{size}.png", full_page=True)


def compose_and_send(page: Page, served: Served, size: str) -> None:
    page.goto(f"{served.url}/admin/broadcasts/new")
    total = page.locator('[data-count="total"]')
    expect(total).to_have_text("3")  # everyone: two Bambara readers, one French
    page.get_by_label("Lecteurs en bambara").first.check()
    expect(total).to_have_text("2")
    expect(page.locator('[data-count="fr"]')).to_have_text("0")
    page.locator('textarea[name="text_bm"]').fill(BAMBARA)
    page.locator('input[name="urgent"]').check()  # whatever the hour: no quiet hours hold it
    checks = page.locator('[data-checks="bm"]')
    expect(checks).to_contain_text("UCS-2")  # ɛ is not in the SMS alphabet
    shot(page, size, "new")
    page.get_by_role("button", name="Aperçu").click()
    expect(page.locator('[data-readers="bm"]')).to_have_text("2")
    expect(page.locator('[data-preview="bm"] .bubble')).to_have_text(BAMBARA)
    shot(page, size, "preview")
    page.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "done", timeout=20_000)
    expect(page.locator('[data-field="percent"]')).to_have_text("100")
    expect(page.locator('[data-count="reached"]')).to_have_text("2")
    expect(page.locator("#cancel")).to_be_hidden()
    shot(page, size, "done")
    page.goto(f"{served.url}/admin/broadcasts")
    expect(page.locator("tbody tr").first).to_contain_text("terminée")
    shot(page, size, "list")


@pytest.mark.parametrize("size", list(SIZES))
def test_compose_to_bambara_readers_and_follow_it_to_the_end(tmp_path: Path, size: str) -> None:
    with relais_serve(tmp_path) as served:
        add_organiser(served.database)
        for phone, language in (("bm-1", "bm"), ("bm-2", "bm"), ("fr-1", "fr")):
            join(served.url, phone, language)
        for phone in ("bm-1", "bm-2", "fr-1"):
            eventually(
                lambda phone=phone: len(texts(served.url, phone)) >= 3,  # type: ignore[misc]
                awaiting=f"{phone} to have joined",
                timeout=30,
                interval=0.3,
            )
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
            try:
                width, height = SIZES[size]
                page = chromium.new_page(viewport={"width": width, "height": height})
                outside: list[str] = []
                page.on(
                    "request",
                    lambda r: None if r.url.startswith(served.url) else outside.append(r.url),
                )
                page.goto(f"{served.url}/admin/login?next=/admin/broadcasts/new")
                log_in(page, served.url)
                page.wait_for_url("**/admin/broadcasts/new")
                compose_and_send(page, served, size)
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= width, f"the list is {wide} px wide on a {width} px screen"
            finally:
                chromium.close()
        assert outside == []  # no CDN, no outside font
        for phone in ("bm-1", "bm-2"):
            assert BAMBARA in texts(served.url, phone)
        assert BAMBARA not in texts(served.url, "fr-1")
