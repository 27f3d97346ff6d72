"""The overview and the calendar in real headless Chromium (Debian's, driven by
Playwright), served by `relais serve` with the #EngageonsNous sample loaded and three
days of it lived: at a phone's 390x844 and a laptop's 1280x800, nothing wider than the
screen, the figures the database's, nothing asked of another host; screenshots kept under
tests/screenshots/ to look at."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, sync_playwright
from sqlalchemy import select

from bot.conversation.handlers import build_router
from bot.conversation.values import Choice, ChoiceKind
from bot.db import make_engine, make_session_factory
from bot.domain.campaign_loading import load_into
from bot.domain.indicators.figures import Filters, Period
from bot.enums import Language
from bot.models import PostRow
from bot.report.cells import number
from bot.report.gather import gather
from tests.browser import CHROMIUM, SCREENSHOTS, add_organiser, log_in
from tests.serving import RELAIS, Served, relais_env, relais_serve
from tests.test_e2e_week import SAMPLE, START, ZONE, Week

DAY = date(2026, 12, 3)
SIZES = {"phone": (390, 844), "laptop": (1280, 800)}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true",
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def live_three_days(database: Path) -> None:
    """The sample campaign from 1 December: relays join in French and Bambara on
    Telegram, WhatsApp and SMS, the posts of three days go out, some react and share."""
    engine = make_engine(f"sqlite:///{database}")
    factory = make_session_factory(engine)
    try:
        load_into(factory, SAMPLE, starting=START)
        week = Week(factory, build_router())
        joining = [
            (f"telegram:{8000 + n}", "fr" if n % 3 else "bm", "kayes" if n % 2 else "kita")
            for n in range(9)
        ]
        joining += [(f"whatsapp:+2237100{n:04d}", "bm", "nioro") for n in range(3)]
        joining += [("sms:+22376000002", "fr", "diema")]
        for address, language, place in joining:
            week.join(address, week.at(1, 7, 30), language, place)
        for day in (1, 2, 3):
            week.deliver(week.at(day, 8, 5))
        for address, _language, _place in joining[:5]:
            first = week.platform_id(address, "j01")
            week.say(address, week.at(1, 12), replied_to=first, reaction=("👍",))
        with factory() as session:
            second = session.scalar(select(PostRow.id).where(PostRow.slug == "j02-ordinateur"))
        for address, _language, _place in joining[:3]:
            week.say(address, week.at(2, 12), choice=Choice(ChoiceKind.SHARE, str(second)))
        week.say(joining[3][0], week.at(2, 13), text="STOP")
    finally:
        engine.dispose()


def community_on(database: Path, day: date) -> str:
    engine = make_engine(f"sqlite:///{database}")
    try:
        with make_session_factory(engine)() as session:
            found = gather(session=session, period=Period(day, day), filters=Filters(), zone=ZONE)
        return number(found.community.active_end, Language.FR)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp_path = tmp_path_factory.mktemp("dashboard")
    env = relais_env(database_url=f"sqlite:///{tmp_path / 'relais.db'}")
    subprocess.run([RELAIS, "db", "upgrade"], cwd=tmp_path, env=env, check=True, timeout=60)
    live_three_days(tmp_path / "relais.db")
    add_organiser(tmp_path / "relais.db")
    with relais_serve(tmp_path) as running:
        yield running


BUDGET = 40_000  # bytes a page may bring over the wire, the post's own media aside


def weigh(page: Page, url: str) -> int:
    """Open `url` and add up the bodies of every response it took, the cache off."""
    bodies: list[int] = []

    def seen(response: Response) -> None:
        if "/media/" not in response.url:
            bodies.append(len(response.body()))

    page.on("response", seen)
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("response", seen)
    return sum(bodies)


def fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_overview_and_the_calendar_on_a_phone_and_a_laptop(served: Served) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    elsewhere: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            for name, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.on(
                    "request",
                    lambda request: (
                        None
                        if request.url.startswith((served.url, "data:"))
                        else elsewhere.append(request.url)
                    ),
                )
                page.goto(f"{served.url}/admin?day={DAY.isoformat()}")
                log_in(page, served.url)
                page.wait_for_selector('[data-figure="today.community"]')
                shown = page.inner_text('[data-figure="today.community"] .value')
                assert shown == community_on(served.database, DAY)
                assert page.locator("svg.chart").count() == 2
                polled = page.evaluate(
                    "Relais.call('/admin/overview.json?day=2026-12-03')"
                    ".then(data => data.figures['today.community'].value)"
                )
                assert polled == shown
                if name == "phone":  # overview.js writes what it polls in place
                    page.evaluate(
                        "document.querySelector('[data-figure=\"today.community\"] .value')"
                        ".textContent = '?'"
                    )
                    page.wait_for_function(
                        "document.querySelector('[data-figure=\"today.community\"] .value')"
                        f".textContent === {shown!r}",
                        timeout=70_000,  # 3 s while the quiz is open, 30 s otherwise
                    )
                assert fits(page), f"/admin is wider than the {name}'s screen"
                page.screenshot(path=SCREENSHOTS / f"admin-overview-{name}.png", full_page=True)
                page.locator("figure.chart").first.screenshot(
                    path=SCREENSHOTS / f"admin-overview-chart-{name}.png"
                )

                page.goto(f"{served.url}/admin/posts")
                statuses = page.eval_on_selector_all(
                    "[data-post]", "items => items.map(item => item.dataset.status)"
                )
                assert statuses[:3] == ["sent", "sent", "sent"]
                assert set(statuses[3:]) == {"ready", "draft"}  # the sample keeps one post a draft
                assert fits(page), f"/admin/posts is wider than the {name}'s screen"
                page.screenshot(path=SCREENSHOTS / f"admin-posts-{name}.png", full_page=True)

                page.click('[data-post="j02-ordinateur"] a.title')
                page.wait_for_selector("article[lang=bm] img")
                loaded = page.eval_on_selector_all(
                    ".media img", "images => images.map(image => image.naturalWidth > 0)"
                )
                assert loaded == [True, True]
                assert fits(page), f"a post's page is wider than the {name}'s screen"
                page.screenshot(path=SCREENSHOTS / f"admin-post-{name}.png", full_page=True)
                page.locator(".breakdowns").screenshot(
                    path=SCREENSHOTS / f"admin-post-deliveries-{name}.png"
                )
                page.close()
        finally:
            browser.close()
    assert elsewhere == []


def test_each_page_stays_light_for_a_slow_connection(served: Served) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.route("**/*", lambda route: route.continue_())  # routing turns the cache off
            page.goto(f"{served.url}/admin/login")
            log_in(page, served.url)
            page.wait_for_selector('[data-figure="today.community"]')
            weights = {
                path: weigh(page, served.url + path)
                for path in (
                    f"/admin?day={DAY.isoformat()}",
                    "/admin/posts",
                    "/admin/posts/engageonsnous/j02-ordinateur",
                )
            }
        finally:
            browser.close()
    # Seen here: about 23 kB for the overview and the calendar, 17 kB for a post.
    assert all(0 < weight < BUDGET for weight in weights.values()), weights
