"""The real thing: the #EngageonsNous sample run as a simulated week on an injected clock
— relays join on Telegram, WhatsApp and SMS, posts go out on their days, relays react,
quote, share and say how widely, answer the quiz and the poll, one stops and comes back,
one is refused by the platform, one recruits a friend — then `relais report --out` for
the week, its figures checked against what happened, and report.html opened in real
headless Chromium, with a screenshot kept under tests/screenshots/."""

from __future__ import annotations

import csv
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Choice, ChoiceKind, Inbound
from bot.db import unit_of_work
from bot.domain.campaign_loading import load_into
from bot.domain.contests import tick
from bot.domain.relays import find_relay, mark_unreachable
from bot.models import Delivery, PostRow
from scheduler import calendar, claims

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = Path(__file__).resolve().parent.parent / "content" / "campaigns" / "engageonsnous"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ZONE = ZoneInfo("Africa/Bamako")  # UTC all year
START = date(2026, 12, 1)
runner = CliRunner()
Factory = sessionmaker[Session]

pytestmark = pytest.mark.slow


class Week:
    """The campaign's clock and the relays' phones, at domain level."""

    def __init__(self, factory: Factory, router: Router) -> None:
        self.factory = factory
        self.router = router
        self.ids = 0

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 12, day, hour, minute, tzinfo=UTC)

    def say(self, address: str, now: datetime, **inbound: object) -> None:
        self.ids += 1
        with unit_of_work(self.factory) as session:
            receive(
                session=session,
                router=self.router,
                channel=address.partition(":")[0],
                platform_message_id=f"week-{self.ids}",
                inbound=Inbound(address, **inbound),  # type: ignore[arg-type]
                raw={},
                now=now,
            )

    def join(self, address: str, now: datetime, language: str, place: str, code: str = "") -> None:
        self.say(address, now, text=f"/start {code}".strip())
        self.say(address, now, choice=Choice(ChoiceKind.LANGUAGE, language))
        self.say(address, now, choice=Choice(ChoiceKind.PLACE, place))

    def deliver(self, now: datetime) -> None:
        """The clock's tick and a worker at `now`: every due delivery is sent."""
        with unit_of_work(self.factory) as session:
            calendar.materialise_due(session=session, now=now)
            tick.tick(session=session, now=now, zone=ZONE)
        while True:
            with unit_of_work(self.factory) as session:
                batch = claims.claim(session=session, now=now, limit=200, recent=timedelta(0))
                for item in batch:
                    claims.mark_sent(session=session, item=item, now=now, platform_id=f"m{item.id}")
            if not batch:
                return

    def platform_id(self, address: str, post_slug_prefix: str) -> str:
        """What the platform calls the post this relay received."""
        with self.factory() as session:
            relay = find_relay(session=session, address=address)
            assert relay is not None
            rows = session.execute(
                select(Delivery.platform_message_id, Delivery.payload).where(
                    Delivery.relay_id == relay.id, Delivery.source_kind == "post"
                )
            ).all()
        found = [
            pid
            for pid, payload in rows
            if str(payload.get("post", "")).startswith(post_slug_prefix)
        ]
        assert found, (address, post_slug_prefix)
        return str(found[0])


@pytest.fixture
def week(
    factory: Factory, router: Router, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Week:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    load_into(factory, SAMPLE, starting=START)
    return Week(factory, router)


def test_a_week_of_the_sample_campaign_reported(week: Week, tmp_path: Path) -> None:
    tg = [f"telegram:{7000 + n}" for n in range(6)]
    wa = [f"whatsapp:+2237000{n:04d}" for n in range(4)]
    sms = "sms:+22376000001"
    # Day 1: four relays join; the first recruits on day 2.
    for address in tg[:3] + wa[:1]:
        week.join(address, week.at(1, 7, 30), "fr", "kayes")
    week.deliver(week.at(1, 8, 5))
    with week.factory() as session:
        code = find_relay(session=session, address=tg[0]).referral_code  # type: ignore[union-attr]
    week.join(tg[3], week.at(2, 9), "bm", "kita", code or "")
    week.join(wa[1], week.at(2, 9), "bm", "nioro")
    week.join(sms, week.at(2, 10), "fr", "diema")
    for day in range(2, 8):
        week.deliver(week.at(day, 8, 5))
        week.deliver(week.at(day, 9, 5))  # the quiz and the poll open after the post
    # Reactions, a quoting reply and shares on the first post, within 48 hours.
    first = {address: week.platform_id(address, "j01") for address in tg[:3] + wa[:1]}
    week.say(tg[0], week.at(1, 12), replied_to=first[tg[0]], reaction=("👍",))
    week.say(tg[1], week.at(1, 12), replied_to=first[tg[1]], reaction=("🔥",))
    week.say(tg[1], week.at(1, 13), text="Très vrai", replied_to=first[tg[1]])
    week.say(tg[0], week.at(1, 14), choice=Choice(ChoiceKind.SHARE, first_post_id(week)))
    week.say(tg[0], week.at(1, 14, 1), choice=Choice(ChoiceKind.REACH, f"{first_post_id(week)}.6"))
    week.say(wa[0], week.at(1, 15), text="PARTAGÉ", replied_to=first[wa[0]])
    week.say(tg[2], week.at(4, 15), replied_to=first[tg[2]], reaction=("❤",))  # too late
    # Day 3: one stops, comes back on day 5; day 4: the platform refuses another.
    week.say(tg[2], week.at(3, 18), text="STOP")
    week.say(tg[2], week.at(5, 11), text="/start")
    with unit_of_work(week.factory) as session:
        refused = find_relay(session=session, address=wa[1])
        assert refused is not None
        mark_unreachable(session=session, relay=refused, reason="blocked", now=week.at(4, 12))
    out = tmp_path / "report"
    result = runner.invoke(
        app,
        [
            "report",
            "--out",
            str(out),
            "--campaign",
            "engageonsnous",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-07",
        ],
    )
    assert result.exit_code == 0, result.output
    with (out / "community_daily.csv").open(encoding="utf-8-sig", newline="") as handle:
        daily = list(csv.DictReader(handle))
    joined = sum(int(row["joined"]) for row in daily)
    rejoined = sum(int(row["rejoined"]) for row in daily)
    stopped = sum(int(row["stopped"]) for row in daily)
    unreachable = sum(int(row["unreachable"]) for row in daily)
    assert (joined, rejoined, stopped, unreachable) == (7, 1, 1, 1)
    with (out / "posts.csv").open(encoding="utf-8-sig", newline="") as handle:
        posts = {row["post_id"]: row for row in csv.DictReader(handle)}
    j01 = posts["j01-lancement"]
    assert int(j01["reached"]) == 4
    assert (int(j01["reactions"]), int(j01["replies"]), int(j01["shares"])) == (2, 1, 2)
    assert int(j01["engaged"]) == 3
    assert int(j01["onward_reach"]) == 7  # more than 5 (6) + a share that said nothing (1)
    week_range = ["--from", "2026-12-01", "--to", "2026-12-07"]
    shown = runner.invoke(app, ["report", "ambassadors", *week_range])
    assert shown.exit_code == 0, shown.output
    sharers = shown.output[shown.output.index("Meilleurs relayeurs") :]
    rows = [line.split("│")[2:4] for line in sharers.splitlines() if "Relais #" in line]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["1", "6"],  # one share, "more than 5"
        ["1", "1"],  # one share that said nothing of its reach
    ]
    if not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true":
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            outside: list[str] = []
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if not r.url.startswith(("file:", "data:", "about:"))
                    else None
                ),
            )
            page.goto((out / "report.html").as_uri())
            page.wait_for_load_state("load")
            # Each chart's size, and how many of its marks (bars, lines, dots) have one.
            charts = page.evaluate(
                """() => [...document.querySelectorAll('svg.chart')].map(svg => [
                    svg.getBoundingClientRect().width,
                    svg.getBoundingClientRect().height,
                    [...svg.querySelectorAll('rect, path, circle')]
                      .filter(mark => mark.getBBox().width > 0 && mark.getBBox().height > 0)
                      .length])"""
            )
            page.screenshot(path=str(SCREENSHOTS / "week-report.png"), full_page=True)
        finally:
            browser.close()
    assert outside == []
    assert len(charts) == 7, charts
    assert all(width > 500 and height > 40 and marks > 0 for width, height, marks in charts)


def first_post_id(week: Week) -> str:
    with week.factory() as session:
        return str(session.scalar(select(PostRow.id).where(PostRow.slug == "j01-lancement")))
