"""A campaign team's morning on the dashboard, in real headless Chromium (Debian's, driven
by Playwright) against `relais serve`, on a phone (390x844) and a laptop (1280x800):

1. an account made with the CLI logs in;
2. the overview's figures match the database;
3. three simulator phones join, in French and Bambara, and one writes a question;
4. the question is in the inbox, the organiser replies, the reply reaches that phone;
5. a broadcast to the Bambara readers: live count, send, progress to 100 %, those phones only;
6. a closed contest's draw is run and its audit shown;
7. logging out closes /admin.

Every page's transfer size is measured and kept beside the screenshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.domain.contests.answer_records import record_answer
from bot.models import Contest, ContestState, Question, Relay
from tests.browser import CHROMIUM, SCREENSHOTS, add_organiser, log_in, require_chromium
from tests.contest_factories import make_contest
from tests.serving import Served, query, relais_serve
from tests.waiting import eventually

OUT = SCREENSHOTS / "dashboard"
SIZES = {"phone": (390, 844), "laptop": (1280, 800)}
PHONES = {"awa-fr": "fr", "bakary-bm": "bm", "kadi-bm": "bm"}
QUESTION = "Quand est la prochaine réunion du conseil communal ?"
ANSWER = "Samedi à 10 h, à la mairie de Kayes."
CALL = "Aw ye na komini ka lajɛ la sibiridon, lɛrɛ 10!"
PAGE_BUDGET = 60_000  # bytes on the wire for a page and everything it loads

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def say(url: str, phone: str, message_id: str, **body: str) -> None:
    response = httpx.post(
        f"{url}/simulator/api/phones/{phone}/send", json={"id": message_id, **body}, timeout=10
    )
    assert response.status_code == 202, response.text


def received(url: str, phone: str) -> list[str]:
    shown: dict[str, Any] = httpx.get(
        f"{url}/simulator/api/phones/{phone}/messages", timeout=10
    ).json()
    return [m["text"] or "" for m in shown["messages"] if m["direction"] == "out"]


def wait_for(url: str, phone: str, words: str) -> None:
    eventually(
        lambda: any(words in text for text in received(url, phone)),
        awaiting=f"{phone} to receive {words!r}",
        timeout=30,
        interval=0.3,
    )


def join(url: str, phone: str, language: str) -> None:
    say(url, phone, f"{phone}-1", text="/start")
    say(url, phone, f"{phone}-2", choice=f"lang:{language}", label=language)
    say(url, phone, f"{phone}-3", choice="place:kayes", label="Kayes")
    eventually(
        lambda: len(received(url, phone)) >= 3,
        awaiting=f"{phone} to have joined",
        timeout=30,
        interval=0.3,
    )


def closed_contest(served: Served) -> str:
    """A quiz the three relays answered, closed a second ago; its slug."""
    engine = make_engine(f"sqlite:///{served.database}")
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    try:
        slug = "quiz-matinee"
        contest_id = make_contest(factory, slug=slug, state=ContestState.OPEN)
        with unit_of_work(factory) as session:
            questions = session.query(Question).filter_by(contest_id=contest_id).all()
            for relay in session.query(Relay).order_by(Relay.id):
                for question in questions:
                    record_answer(
                        session=session,
                        question=question,
                        relay=relay,
                        choice=question.correct,
                        now=now,
                    )
            contest = session.get_one(Contest, contest_id)
            contest.state = ContestState.CLOSED
            contest.closes_at = now - timedelta(seconds=1)
        return slug
    finally:
        engine.dispose()


class Visit:
    """Chromium on one screen size: screenshots and transfer sizes of every page seen."""

    def __init__(self, page: Any, size: str, url: str) -> None:
        self.page, self.size, self.url = page, size, url
        self.weights: dict[str, int] = {}

    def keep(self, name: str) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(OUT / f"{name}-{self.size}.png"), full_page=True)
        weight = self.page.evaluate(
            """() => performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource'))
                 .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""
        )
        self.weights[name] = int(weight)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"{name} is {width} px wide"


def morning(visit: Visit, served: Served, slug: str) -> None:
    from playwright.sync_api import expect

    page, url = visit.page, served.url
    # 1. Log in with the account the CLI made.
    page.goto(f"{url}/admin")
    expect(page.locator('input[name="login"]')).to_be_visible()
    visit.keep("login")
    log_in(page, url)
    assert page.url == f"{url}/admin"

    # 2. The overview's community figure is the database's count of active relays.
    active = query(served.database, "SELECT count(*) FROM relay WHERE status = 'active'")[0][0]
    expect(page.locator('[data-figure="today.community"] .value')).to_have_text(str(active))
    assert active == len(PHONES)
    visit.keep("overview")

    # 4. The question is in the inbox, unanswered; the reply reaches that phone.
    page.click("nav a[href='/admin/inbox']")
    item = page.locator("li.entry", has_text=QUESTION)
    expect(item).to_be_visible()
    expect(item).to_contain_text("Kayes")
    assert "console:" not in page.content()  # pseudonyms, never addresses
    visit.keep("inbox")
    opener = item.locator("summary")
    if opener.count():
        opener.first.click()
    item.locator('textarea[name="text"]').fill(ANSWER)
    item.locator("form[action$='/reply'] button[type=submit]").click()
    expect(page.locator("li.entry", has_text=QUESTION)).to_contain_text(ANSWER)
    visit.keep("inbox-replied")
    wait_for(url, "bakary-bm", ANSWER)

    # 5. A call to action to the Bambara readers only.
    page.click("nav a[href='/admin/broadcasts']")
    page.goto(f"{url}/admin/broadcasts/new")
    total = page.locator('[data-count="total"]')
    expect(total).to_have_text(str(len(PHONES)))
    page.locator('input[name="languages"][value="bm"]').check()
    expect(total).to_have_text("2")
    page.locator('textarea[name="text_bm"]').fill(CALL)
    # The sample campaigns' quiet hours (21:00-07:00) would hold it at night: a call to
    # action that cannot wait is marked urgent.
    page.locator('input[name="urgent"]').check()
    visit.keep("composer")
    page.get_by_role("button", name="Aperçu").click()
    expect(page.locator('[data-readers="bm"]')).to_have_text("2")
    visit.keep("composer-preview")
    page.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "done", timeout=30_000)
    expect(page.locator('[data-field="percent"]')).to_have_text("100")
    visit.keep("broadcast-done")
    for phone in ("bakary-bm", "kadi-bm"):
        wait_for(url, phone, CALL)
    assert not any(CALL in text for text in received(url, "awa-fr"))

    # 6. The closed contest's draw, with its audit.
    page.click("nav a[href='/admin/contests']")
    visit.keep("contests")
    page.click(f"a[href='/admin/contests/{slug}']")
    page.fill("input[name=winners]", "1")
    page.fill("input[name=seed]", f"matinee-{visit.size}")
    page.click("form[action$='/draw'] button[type=submit]")
    expect(page.locator("[data-audit=seed]")).to_have_text(f"matinee-{visit.size}")
    expect(page.locator("[data-audit=eligible]")).to_have_text(str(len(PHONES)))
    expect(page.locator("[data-audit=winners] li")).to_have_count(1)
    visit.keep("contest-drawn")

    # The other pages, for their screenshots and weights.
    for name in ("posts", "relays"):
        page.goto(f"{url}/admin/{name}")
        visit.keep(name)

    # 7. Logging out closes the dashboard.
    page.locator("form[action='/admin/logout'] button").click()
    page.wait_for_url("**/admin/login")
    page.goto(f"{url}/admin")
    expect(page.locator('input[name="password"]')).to_be_visible()
    assert page.url.startswith(f"{url}/admin/login")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_campaign_teams_morning_on_the_dashboard(tmp_path: Path, size: str) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with relais_serve(tmp_path) as served:
        add_organiser(served.database)
        for phone, language in PHONES.items():
            join(served.url, phone, language)
        before = len(received(served.url, "bakary-bm"))
        say(served.url, "bakary-bm", "bakary-bm-q", text=QUESTION)
        eventually(  # told, once, that it reached the team
            lambda: len(received(served.url, "bakary-bm")) > before,
            awaiting="the acknowledgement of the question",
            timeout=30,
            interval=0.3,
        )
        slug = closed_contest(served)
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
                visit = Visit(page, size, served.url)
                morning(visit, served, slug)
            finally:
                chromium.close()
    (OUT / f"weights-{size}.json").write_text(json.dumps(visit.weights, indent=2))
    assert outside == []  # no CDN, no outside font: it works on a local network
    heavy = {name: weight for name, weight in visit.weights.items() if weight > PAGE_BUDGET}
    assert heavy == {}, f"pages over {PAGE_BUDGET} bytes: {heavy}"
    assert all(weight > 0 for weight in visit.weights.values()), visit.weights
