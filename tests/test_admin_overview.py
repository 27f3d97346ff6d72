"""/admin, the overview: today's and this week's figures are the indicators' for the same
data (tests/indicator_data.py), the report's charts are drawn, what is going out shows,
and /admin/overview.json carries the same figures for the page to poll."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.indicators.figures import Filters, Indicators, Period, rate
from bot.enums import Language
from bot.models import Contest, ContestState, Delivery, DeliveryStatus
from bot.report.cells import number, percent
from bot.web.admin.overview import LIVE_MS, QUIET_MS
from tests.dashboard import Dashboard
from tests.indicator_data import Week, build_week, indicators

DAY = date(2026, 12, 6)  # a Sunday: its ISO week runs from Monday 30 November
WEEK = Period(date(2026, 11, 30), DAY)
FR = Language.FR


@pytest.fixture
def week(factory: sessionmaker[Session]) -> Week:
    with unit_of_work(factory) as session:
        return build_week(session)


def shown(html: str, key: str) -> str:
    found = re.search(
        rf'data-figure="{re.escape(key)}">\s*<span class="value">([^<]*)</span>', html
    )
    assert found, f"no figure {key} in the page"
    return found.group(1)


def expected(found: Indicators) -> dict[str, str]:
    """The overview's figures written from the indicators, by hand."""
    reached = sum(post.reached for post in found.posts)
    engaged = sum(post.engaged for post in found.posts)
    return {
        "community": number(found.community.active_end, FR),
        "joined": number(found.community.joined, FR),
        "stopped": number(found.community.stopped, FR),
        "reached": number(reached, FR),
        "interactions": number(found.interactions, FR),
        "engagement": percent(rate(engaged, reached), FR),
        "shares": number(sum(post.shares for post in found.posts), FR),
        "ambassadors": percent(found.ambassadors.ambassador_share, FR),
    }


def test_the_figures_are_the_indicators_of_the_day_and_the_week(
    dashboard: Dashboard, factory: sessionmaker[Session], week: Week
) -> None:
    page = dashboard.client.get("/admin", params={"day": DAY.isoformat()})
    assert page.status_code == 200
    for scope, period in (("today", Period(DAY, DAY)), ("week", WEEK)):
        wanted = expected(indicators(factory, period=period))
        assert {key: shown(page.text, f"{scope}.{key}") for key in wanted} == wanted
    # Not a page of zeros: the week's posts reached relays and relays took part.
    week_figures = expected(indicators(factory, period=WEEK))
    assert week_figures["reached"] == "14"  # 3 + 3 + 2 + 4 + 2, no test relay
    assert week_figures["shares"] == "3"  # r1 on j01, r7 on j02, r2 on j03
    assert week_figures["interactions"] != "0"


def test_one_campaign_narrows_the_posts_figures(
    dashboard: Dashboard, factory: sessionmaker[Session], week: Week
) -> None:
    page = dashboard.client.get("/admin", params={"day": DAY.isoformat(), "campaign": "paixaumali"})
    wanted = expected(indicators(factory, Filters(campaign="paixaumali"), period=WEEK))
    assert {key: shown(page.text, f"week.{key}") for key in wanted} == wanted
    assert wanted["reached"] == "2"
    assert '<option value="paixaumali" selected>' in page.text
    missing = dashboard.client.get("/admin", params={"campaign": "nope"})
    assert missing.status_code == 404


def test_the_reports_charts_and_the_small_group_rule(dashboard: Dashboard, week: Week) -> None:
    page = dashboard.client.get(
        "/admin", params={"day": DAY.isoformat(), "campaign": "engageonsnous"}
    )
    assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert "Relais pouvant recevoir les publications, par canal" in page.text
    # Each channel's share: the channels of fewer than 5 relays show as <5.
    assert '<td class="num">&lt;5</td>' in page.text


def test_a_broadcast_going_out_shows_with_its_progress_and_the_page_follows_it_closely(
    dashboard: Dashboard, factory: sessionmaker[Session], week: Week
) -> None:
    page = dashboard.client.get("/admin", params={"day": DAY.isoformat()})
    # b2: one delivery sent, one still queued.
    assert "Diffusion n°\u00a0" in page.text
    assert 'aria-valuenow="50"' in page.text
    assert 'data-live="true"' in page.text
    live = dashboard.client.get("/admin/overview.json", params={"day": DAY.isoformat()})
    assert live.status_code == 200
    data = live.json()
    assert (data["live"], data["every_ms"]) == (True, LIVE_MS)
    assert 'aria-valuenow="50"' in data["running_html"]
    for scope in ("today", "week"):
        for key in ("community", "reached", "engagement", "shares"):
            assert data["figures"][f"{scope}.{key}"]["value"] == shown(page.text, f"{scope}.{key}")
    assert data["figures"]["week.community"]["note"]


def test_an_open_contest_shows_and_nothing_running_slows_the_polling(
    dashboard: Dashboard, factory: sessionmaker[Session], week: Week
) -> None:
    with unit_of_work(factory) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.QUEUED)
            .values(status=DeliveryStatus.SENT)
        )
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.SENT)
        )
    quiet = dashboard.client.get("/admin/overview.json").json()
    assert (quiet["live"], quiet["every_ms"]) == (False, QUIET_MS)
    assert "progressbar" not in quiet["running_html"]
    with unit_of_work(factory) as session:
        session.execute(
            update(Contest).where(Contest.slug == "quiz-decembre").values(state=ContestState.OPEN)
        )
    data = dashboard.client.get("/admin/overview.json").json()
    assert data["live"] is True
    assert "Quiz" in data["running_html"]
    # Its participation as the indicators count it: 3 of the 4 counted relays it reached.
    assert "3 sur 4 ont participé" in data["running_html"]


def test_the_live_figures_need_a_login(dashboard: Dashboard) -> None:
    dashboard.client.cookies.clear()
    answer = dashboard.client.get("/admin/overview.json", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/admin/login")


def test_the_overview_in_bambara(dashboard: Dashboard, week: Week) -> None:
    page = dashboard.client.get("/admin", params={"day": DAY.isoformat(), "lang": "bm"})
    assert page.status_code == 200
    assert '<html lang="bm">' in page.text
    data = dashboard.client.get("/admin/overview.json").json()
    assert data["figures"]["today.community"]["value"]
