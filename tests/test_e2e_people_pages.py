"""The contests and relays pages in real headless Chromium (Debian's, driven by
Playwright) against `relais serve`, at 390x844 and 1280x800: log in, read a closed
contest's leaderboard and poll results, run its draw and see the audit, read the relays
and ask for one address. Screenshots are kept under tests/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.domain.contests.answer_records import record_answer
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.polls import vote
from bot.models import Contest, ContestState, Language, Poll, Question
from tests.browser import CHROMIUM, SCREENSHOTS, add_organiser, log_in, require_chromium
from tests.contest_factories import make_contest, make_poll
from tests.dashboard import LOGIN
from tests.factories import make_relay
from tests.serving import Served, query, relais_serve

NAMES = (
    "Awa Traoré",
    "Binta Diallo",
    "Cheick Keïta",
    "Drissa Coulibaly",
    "Fanta Sidibé",
    "Issa Maïga",
)
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}

pytestmark = pytest.mark.slow


def seed(served: Served) -> list[str]:
    """Six relays who played a closed contest and answered a poll; their pseudonyms."""
    add_organiser(served.database)
    engine = make_engine(f"sqlite:///{served.database}")
    factory = make_session_factory(engine)
    contest_id = make_contest(factory, state=ContestState.OPEN, slug="quiz-e2e")
    poll_id = make_poll(factory, slug="poll-e2e", threshold=3)
    now = datetime.now(UTC)
    try:
        with unit_of_work(factory) as session:
            contest = session.get_one(Contest, contest_id)
            poll = session.get_one(Poll, poll_id)
            questions = list(
                session.scalars(select(Question).where(Question.contest_id == contest_id))
            )
            names = []
            for n, name in enumerate(NAMES):
                relay = make_relay(
                    session,
                    address=f"whatsapp:+22376{n:06d}",
                    channel="whatsapp" if n % 2 else "telegram",
                    language=Language.BM if n % 3 == 0 else Language.FR,
                    place="kita" if n < 2 else "kayes",
                    display_name=name,
                    tags=["ambassadeur"] if n == 0 else [],
                )
                for question in questions:
                    right = n < 4 or question.position == 0
                    choice = question.correct if right else (question.correct + 1) % 3
                    record_answer(
                        session=session, question=question, relay=relay, choice=choice, now=now
                    )
                vote(session=session, poll=poll, relay=relay, choice=n % 2, now=now)
                names.append(pseudonym(relay))
            contest.state = ContestState.CLOSED
            contest.closes_at = now - timedelta(seconds=1)
    finally:
        engine.dispose()
    return names


def test_contests_and_relays_pages_in_chromium(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with relais_serve(tmp_path) as served, sync_playwright() as playwright:
        names = seed(served)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        outside: list[str] = []  # requests to anywhere but the app: there must be none
        try:
            for label, (width, height) in VIEWPORTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.on(
                    "request",
                    lambda r: None if r.url.startswith(served.url) else outside.append(r.url),
                )
                page.goto(f"{served.url}/admin/contests")
                log_in(page, served.url)
                page.wait_for_url(f"{served.url}/admin/contests")
                expect(page.locator("h1")).to_have_text("Concours et sondages")
                expect(page.locator("table").first).to_contain_text("50\u00a0%")  # 3 of 6 each
                page.screenshot(path=str(SCREENSHOTS / f"contests-{label}.png"), full_page=True)

                page.click("a[href='/admin/contests/quiz-e2e']")
                rows = page.locator("#standings tbody tr")
                expect(rows).to_have_count(6)
                for name in names:
                    expect(page.locator("#standings")).to_contain_text(name)
                if label == "phone":
                    page.fill("input[name=winners]", "2")
                    page.fill("input[name=seed]", "graine-e2e")
                    page.click("form[action$='/draw'] button[type=submit]")
                    page.wait_for_url("**/admin/contests/quiz-e2e#draws")
                expect(page.locator("[data-audit=seed]")).to_have_text("graine-e2e")
                expect(page.locator("[data-audit=eligible]")).to_have_text("4")
                expect(page.locator("[data-audit=winners] li")).to_have_count(2)
                expect(page.locator("[data-audit=algorithm]")).to_be_visible()
                page.screenshot(path=str(SCREENSHOTS / f"contest-{label}.png"), full_page=True)

                page.click("nav a[href='/admin/relays']")
                expect(page.locator("#relay-list tbody tr")).to_have_count(6)
                assert "+22376" not in page.content()
                page.screenshot(path=str(SCREENSHOTS / f"relays-{label}.png"), full_page=True)

                page.select_option("select[name=place]", "kita")
                page.click("form.filters button[type=submit]")
                expect(page.locator("#relay-list tbody tr")).to_have_count(2)
                page.click(f"#relay-list a:text('{names[0]}')")
                page.click("text=Voir l’adresse complète (consigné)")
                expect(page.locator("[data-address]")).to_have_text("whatsapp:+22376000000")
                page.screenshot(path=str(SCREENSHOTS / f"relay-{label}.png"), full_page=True)
                assert outside == []
                page.close()
        finally:
            browser.close()
        looks = query(served.database, "SELECT login, relay_id FROM address_access")
        first = query(
            served.database, "SELECT id FROM relay WHERE address = :a", a="whatsapp:+22376000000"
        )
        assert looks == [(LOGIN, first[0][0])] * 2
