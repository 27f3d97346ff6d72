"""/admin/posts, the calendar: each post's status from its row and its deliveries, its
figures from the indicators, grouped by campaign, phase and day; a post's page with both
languages, its media and where its deliveries stand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.indicators.figures import Period
from bot.enums import Language
from bot.models import PostRow, PostStatus
from bot.report.cells import number, percent
from tests.dashboard import Dashboard
from tests.indicator_data import Week, build_week, indicators

FR = Language.FR


@pytest.fixture
def week(factory: sessionmaker[Session]) -> Week:
    with unit_of_work(factory) as session:
        found = build_week(session)
        campaign = found.campaigns["engageonsnous"]
        for slug, status, day in (
            ("j10-brouillon", PostStatus.DRAFT, 10),
            ("j11-pret", PostStatus.READY, 11),
            ("j12-retire", PostStatus.WITHDRAWN, 12),
        ):
            session.add(
                PostRow(
                    campaign_id=campaign,
                    slug=slug,
                    phase="action",
                    status=status,
                    scheduled_at=datetime(2026, 12, day, 8, tzinfo=UTC),
                    expires_at=datetime(2026, 12, day, 23, tzinfo=UTC),
                    audience={},
                    content={"text": {"fr": f"Texte {slug}", "bm": f"Sɛbɛn {slug}"}},
                    version=slug,
                )
            )
        post = session.get_one(PostRow, found.posts["j03-voix"])
        post.content = {
            **post.content,
            "text": {"fr": "Ta voix compte", "bm": "I kan bɛ jate"},
            "sms": {"bm": "I kan bɛ jate (SMS)"},
        }
    return found


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-post="([^"]+)" data-status="([^"]+)"', html))


def test_each_post_has_its_status(dashboard: Dashboard, week: Week) -> None:
    page = dashboard.client.get("/admin/posts")
    assert page.status_code == 200
    assert statuses(page.text) == {
        "j00-avant": "sent",
        "j01-conseil": "sent",
        "j02-ordinateur": "queued",  # one delivery queued, one sending
        "j03-voix": "sent",
        "j10-brouillon": "draft",
        "j11-pret": "ready",
        "j12-retire": "withdrawn",
        "p02-vivre": "sent",
    }


def test_the_calendar_groups_by_campaign_and_shows_the_indicators_figures(
    dashboard: Dashboard, factory: sessionmaker[Session], week: Week
) -> None:
    page = dashboard.client.get("/admin/posts", params={"campaign": "engageonsnous"})
    assert "p02-vivre" not in statuses(page.text)
    figures = {
        post.post_id: post
        for post in indicators(factory, period=Period(date(2026, 11, 30), date(2026, 12, 3))).posts
    }
    conseil = figures["j01-conseil"]
    card = page.text[page.text.index('data-post="j01-conseil"') :]
    card = card[: card.index("</li>")]
    values = re.findall(r"<dd>([^<]*)</dd>", card)
    assert values == [
        number(conseil.reached, FR),
        percent(conseil.engagement_rate, FR),
        number(conseil.shares, FR),
    ]
    assert values[0] == "3"  # r1, r2 and r3; t1 is a test relay, r5's failed
    assert page.text.index("j00-avant") < page.text.index("j01-conseil")
    missing = dashboard.client.get("/admin/posts", params={"campaign": "nope"})
    assert missing.status_code == 404


def test_a_post_in_both_languages_with_its_media_and_deliveries(
    dashboard: Dashboard, week: Week
) -> None:
    page = dashboard.client.get("/admin/posts/engageonsnous/j03-voix")
    assert page.status_code == 200
    text = page.text
    assert '<article class="card" lang="fr" data-language="fr">' in text
    assert "Ta voix compte" in text
    assert '<article class="card" lang="bm" data-language="bm">' in text
    assert "I kan bɛ jate" in text
    assert "I kan bɛ jate (SMS)" in text
    assert '<img src="/media/engageonsnous/media/j03.jpg"' in text
    assert '<audio controls preload="none" src="/media/engageonsnous/media/j03-bm.ogg">' in text
    assert 'data-status="sent"' in text
    # By status over the counted relays: r1 delivered, r2 and r5 read, r7 sent.
    by_status = text[text.index("<caption>Par statut</caption>") :]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', by_status)
    assert rows[:4] == [("audience", "4"), ("atteints", "4"), ("remis", "3"), ("lus", "2")]


def test_a_posts_breakdown_hides_small_groups(dashboard: Dashboard, week: Week) -> None:
    page = dashboard.client.get("/admin/posts/engageonsnous/j02-ordinateur")
    by_channel = page.text[page.text.index("<caption>Par canal</caption>") :]
    by_channel = by_channel[: by_channel.index("</table>")]
    assert "&lt;5" in by_channel
    assert 'data-status="queued"' in page.text


def test_a_post_not_sent_yet_and_an_unknown_one(dashboard: Dashboard, week: Week) -> None:
    page = dashboard.client.get("/admin/posts/engageonsnous/j10-brouillon")
    assert page.status_code == 200
    assert "Sɛbɛn j10-brouillon" in page.text
    assert 'data-status="draft"' in page.text
    assert dashboard.client.get("/admin/posts/engageonsnous/nope").status_code == 404
    assert dashboard.client.get("/admin/posts/nope/j03-voix").status_code == 404
