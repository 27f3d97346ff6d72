"""The simulator in real headless Chromium, served by `relais serve`: on a 390×844 phone
screen it fills the screen exactly as a chat app does (the input bar inside the viewport,
a thin bar above), a second phone is a tab; a typed answer marks the question's buttons;
the language switch turns the page's own words to Bambara; no request fails (the icon
included). Screenshots are kept under tests/screenshots/."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ViewportSize
from sqlalchemy import select, update

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.domain.contests.questions import QUESTION_SOURCE, question_message
from bot.domain.outbox import enqueue
from bot.models import Contest, ContestState, Language, Poll, Question, Relay
from tests.contest_factories import ZONE, make_contest
from tests.serving import Served, relais_serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE_SCREEN: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def ask_a_question(served: Served, phone: str) -> None:
    """An open contest whose first question is queued for this phone, as the clock would."""
    engine = make_engine(f"sqlite:///{served.database}")
    factory = make_session_factory(engine)
    try:
        now = datetime.now(UTC)
        long_ago = {"opens_at": now - timedelta(days=31), "closes_at": now - timedelta(days=30)}
        with unit_of_work(factory) as session:
            # The samples' own quiz and poll, over long ago: whatever the hour, "2" typed
            # below can only answer this question.
            session.execute(update(Contest).values(state=ContestState.CLOSED, **long_ago))
            session.execute(update(Poll).values(**long_ago))
        contest = make_contest(factory, state=ContestState.OPEN, opens_at=now)
        with unit_of_work(factory) as session:
            relay = session.scalars(select(Relay).where(Relay.address == f"console:{phone}")).one()
            question = session.scalars(
                select(Question).where(Question.contest_id == contest, Question.position == 0)
            ).one()
            enqueue(
                session=session,
                source_kind=QUESTION_SOURCE,
                source_ref=str(question.id),
                message=question_message(question, 2, Language.FR, ZONE),
                relay=relay,
            )
    finally:
        engine.dispose()


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return dict(found)


def test_the_simulator_fills_a_phone_screen_and_marks_a_typed_answer(tmp_path: Path) -> None:
    if not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true":
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    failed: list[str] = []
    with relais_serve(tmp_path) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport=PHONE_SCREEN, is_mobile=True, has_touch=True)
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(f"{served.url}/simulator")
            phone = page.locator(".phone.active")
            phone.locator("textarea").fill("/start")
            phone.locator("textarea").press("Enter")
            phone.locator(".option", has_text="Français").click()
            phone.locator(".option", has_text="Kayes").click()
            expect(phone.locator(".msg-bot").last).to_contain_text("Bienvenue", timeout=20_000)
            phone_id = phone.get_attribute("data-phone")
            assert phone_id

            ask_a_question(served, phone_id)
            question = phone.locator(".msg-bot", has_text="question 1 sur 2")
            expect(question.locator(".option")).to_have_count(3, timeout=20_000)
            phone.locator("textarea").fill("2")
            phone.locator("textarea").press("Enter")
            # Answered by typing: the chosen button is marked, none can be pressed any more.
            expect(question.locator(".option.chosen")).to_have_text("Le conseil communal")
            for button in question.locator(".option").all():
                expect(button).to_be_disabled()

            # The screen holds the whole chat app: thin bar, the phone, its input bar.
            screen = page.evaluate(
                "[document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
            )
            form, bar = box(page, ".phone.active .phone-form"), box(page, ".sim-bar")
            head = box(page, ".phone.active .phone-head")
            page.screenshot(path=str(SCREENSHOTS / "simulator-390x844.png"))

            page.locator("#sim-add").click()
            tabs = page.locator(".sim-tab")
            expect(tabs).to_have_count(2)
            expect(page.locator(".phone:visible")).to_have_count(1)
            second = page.locator(".phone.active")
            assert second.get_attribute("data-phone") != phone_id
            second_form = box(page, ".phone.active .phone-form")
            page.screenshot(path=str(SCREENSHOTS / "simulator-390x844-second-phone.png"))
            tabs.first.click()
            expect(page.locator(".phone.active")).to_have_attribute("data-phone", phone_id)
            expect(question.locator(".option.chosen")).to_have_count(1)

            page.locator(".lang-switch a[hreflang=bm]").click()
            expect(page.locator("html")).to_have_attribute("lang", "bm")
            expect(page.locator(".sim-tab")).to_have_count(2)  # the phones stay open
            expect(page.locator(".phone.active textarea")).to_have_attribute(
                "placeholder", "Cikan sɛbɛn"
            )
            page.screenshot(path=str(SCREENSHOTS / "simulator-390x844-bambara.png"))

            desktop = browser.new_page(viewport=DESKTOP)
            desktop.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            desktop.goto(f"{served.url}/simulator?phone={phone_id}&lang=fr")
            shown = desktop.locator(".phone .msg-bot", has_text="question 1 sur 2")
            expect(shown.locator(".option.chosen")).to_have_text("Le conseil communal")
            wide = desktop.evaluate("document.documentElement.scrollHeight")
            wide_form = box(desktop, ".phone .phone-form")
            expect(desktop.locator(".sim-tab")).to_have_count(1)
            assert not desktop.locator(".sim-tabs").is_visible()  # tabs only on small screens
            desktop.screenshot(path=str(SCREENSHOTS / "simulator-1280x800.png"))
            desktop.goto(f"{served.url}/")
            desktop.wait_for_load_state("load")
        finally:
            browser.close()
    assert screen == [PHONE_SCREEN["height"], PHONE_SCREEN["width"]]  # no page scroll
    for input_bar in (form, second_form):
        assert input_bar["y"] >= 0
        assert input_bar["y"] + input_bar["height"] <= PHONE_SCREEN["height"] + 0.5
        assert input_bar["width"] == PHONE_SCREEN["width"]
    assert bar["height"] <= 48, bar  # was 130 px of title and add-phone bar
    assert head["y"] == bar["height"], head
    assert head["height"] <= 56, head
    assert wide <= DESKTOP["height"]
    assert wide_form["y"] + wide_form["height"] <= DESKTOP["height"]
    assert failed == []
