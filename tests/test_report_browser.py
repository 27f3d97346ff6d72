"""report.html in a real headless Chromium (Debian's, driven by Playwright): it asks for
nothing outside the file, its charts render with a size, it prints to PDF, and a
screenshot is kept under tests/screenshots/ to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, Request, Route, sync_playwright

from bot.enums import Language
from bot.report.files import write_report
from tests.indicator_values import indicators

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHARTS = 7  # community, joins and stops, posts, phase, format, hashtags, contests

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true",
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)


class Browser:
    """A page whose requests outside file:// are refused and counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.outside: list[str] = []
        page.on("request", self._seen)
        page.route("**/*", self._route)

    def _seen(self, request: Request) -> None:
        if not request.url.startswith(("file:", "data:", "about:")):
            self.outside.append(request.url)

    @staticmethod
    def _route(route: Route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield Browser(chromium.new_page(viewport={"width": 1024, "height": 900}))
        finally:
            chromium.close()


def test_the_counter_sees_a_request_that_leaves(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "leaky.html"
    page.write_text('<img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    browser.page.goto(page.as_uri())
    browser.page.wait_for_load_state("load")
    assert browser.outside == ["http://127.0.0.1:9/pixel.png"]


def test_the_report_renders_its_charts_and_asks_for_nothing(
    browser: Browser, tmp_path: Path
) -> None:
    write_report(
        indicators(),
        out=tmp_path,
        zone=ZoneInfo("Africa/Bamako"),
        language=Language.FR,
        generated=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
    )
    page = browser.page
    page.goto((tmp_path / "report.html").as_uri())
    page.wait_for_load_state("load")
    charts = page.locator("svg.chart")
    assert charts.count() == CHARTS
    for index in range(CHARTS):
        box = charts.nth(index).bounding_box()
        assert box is not None
        assert box["width"] > 500
        assert box["height"] > 50
    marks = page.evaluate(
        """() => [...document.querySelectorAll('svg.chart')].map(svg =>
            [...svg.querySelectorAll('rect, path, circle')]
              .filter(mark => {
                const box = mark.getBBox();
                return box.width > 0 && box.height > 0;
              }).length)"""
    )
    assert all(count > 0 for count in marks), marks
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "report.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=SCREENSHOTS / "report-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (SCREENSHOTS / "report.pdf").write_bytes(pdf)
    assert browser.outside == []
