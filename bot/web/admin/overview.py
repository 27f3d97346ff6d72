"""GET /admin: the overview of the campaign (today's and this week's key figures, the
report's charts, what is going out right now), and /admin/overview.json, which the page
polls to keep its figures live. Every figure is the indicators' (bot/domain/indicators),
as the report and /api/indicators show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from bot.domain.indicators.figures import Filters, Indicators, Period
from bot.domain.post_calendar import campaigns
from bot.domain.running import Running, running
from bot.enums import Language
from bot.i18n import translations
from bot.report import charts, grids
from bot.report.gather import UnknownCampaign, default_period, gather
from bot.settings import Settings
from bot.web.admin import pages
from bot.web.admin.auth import Organiser
from bot.web.admin.overview_figures import Figure, Writing, figures
from bot.web.services import Services, ServicesDep

router = APIRouter(prefix="/admin", include_in_schema=False)

# While a broadcast goes out or a contest is open the page asks every few seconds;
# otherwise now and then (the figures still move as relays join and react).
LIVE_MS, QUIET_MS = 3_000, 30_000

Campaign = Annotated[str | None, Query(max_length=40, description="A campaign's slug.")]
Day = Annotated[date | None, Query(description="The day to look at; today by default.")]


@dataclass(frozen=True)
class Snapshot:
    day: date
    week: Period
    today: Indicators
    this_week: Indicators
    running: Running


def _snapshot(session: Session, settings: Settings, campaign: str | None, day: date) -> Snapshot:
    zone, filters = settings.zone, Filters(campaign=campaign)
    if campaign is not None:  # refuses an unknown one
        default_period(session=session, campaign=campaign, zone=zone, today=day)
    week = Period(day - timedelta(days=day.weekday()), day)  # the ISO week so far

    def of(period: Period) -> Indicators:
        return gather(
            session=session,
            period=period,
            filters=filters,
            zone=zone,
            min_group=settings.min_group,
        )

    return Snapshot(day, week, of(Period(day, day)), of(week), running(session=session, zone=zone))


def _live_figures(snapshot: Snapshot, language: Language) -> dict[str, list[Figure]]:
    return {
        "today": figures(snapshot.today, language),
        "week": figures(snapshot.this_week, language),
    }


def _running_html(snapshot: Snapshot, writing: Writing) -> str:
    gettext = translations(writing.language)
    template = pages.TEMPLATES.get_template("admin/overview_running.html")
    return template.render(
        _=gettext.gettext,
        ngettext=gettext.ngettext,
        lang=writing.language.value,
        running=snapshot.running,
        write=writing,
    )


def _charts(indicators: Indicators, language: Language) -> list[tuple[str, Markup | None]]:
    gettext = translations(language).gettext
    made = []
    for title, maker in (
        (gettext("Relays who can receive the posts, per channel"), charts.community),
        (gettext("Reach and engagement per post"), charts.posts),
    ):
        svg = maker(indicators, language, title)
        # Markup: bot/report/svg.py escapes every text it draws.
        made.append((title, Markup(svg) if svg else None))  # noqa: S704
    return made


def _today(settings: Settings, day: date | None) -> date:
    return day or datetime.now(settings.zone).date()


def _checked_snapshot(
    session: Session, settings: Settings, campaign: str | None, day: date
) -> Snapshot:
    try:
        return _snapshot(session, settings, campaign, day)
    except UnknownCampaign as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign") from exc


async def _read_page(
    services: Services, campaign: str | None, day: date
) -> tuple[Snapshot, Indicators, list[str]]:
    """The live figures, and those since the campaign began (the default period of the
    report) for the charts."""
    settings = services.settings

    def query(session: Session) -> tuple[Snapshot, Indicators, list[str]]:
        snapshot = _checked_snapshot(session, settings, campaign, day)
        period = default_period(session=session, campaign=campaign, zone=settings.zone, today=day)
        overall = gather(
            session=session,
            period=period,
            filters=Filters(campaign=campaign),
            zone=settings.zone,
            min_group=settings.min_group,
        )
        return snapshot, overall, [row.slug for row in campaigns(session)]

    return await services.read(query)


@router.get("", response_class=HTMLResponse)
async def overview(
    request: Request,
    organiser: Organiser,
    services: ServicesDep,
    campaign: Campaign = None,
    day: Day = None,
) -> Response:
    settings = services.settings
    chosen = _today(settings, day)
    snapshot, overall, slugs = await _read_page(services, campaign, chosen)
    language = pages.language(request)
    writing = Writing(language, settings.zone)
    query = "&".join(
        f"{name}={value}" for name, value in (("campaign", campaign), ("day", day)) if value
    )
    return pages.render(
        request,
        "admin/overview.html",
        {
            "snapshot": snapshot,
            "figures": _live_figures(snapshot, language),
            "running_html": Markup(_running_html(snapshot, writing)),  # noqa: S704
            "charts": _charts(overall, language),
            "overall": overall,
            "shares": grids.channel_shares(overall, language),
            "campaigns": slugs,
            "campaign": campaign,
            "day": day,
            "write": writing,
            "live_url": "/admin/overview.json" + (f"?{query}" if query else ""),
            "every_ms": LIVE_MS if snapshot.running.live else QUIET_MS,
            "live_ms": LIVE_MS,
            "quiet_ms": QUIET_MS,
        },
        organiser=organiser,
    )


@router.get("/overview.json")
async def overview_json(
    request: Request,
    organiser: Organiser,
    services: ServicesDep,
    campaign: Campaign = None,
    day: Day = None,
) -> dict[str, Any]:
    """The overview's live parts: each figure by `today.<key>` and `week.<key>`, what is
    running (as the page shows it), and whether to ask again soon."""
    settings = services.settings
    chosen = _today(settings, day)
    snapshot = await services.read(
        lambda session: _checked_snapshot(session, settings, campaign, chosen)
    )
    language = pages.language(request)
    found = {
        f"{scope}.{figure.key}": {"value": figure.value, "note": figure.note}
        for scope, listed in _live_figures(snapshot, language).items()
        for figure in listed
    }
    return {
        "live": snapshot.running.live,
        "every_ms": LIVE_MS if snapshot.running.live else QUIET_MS,
        "figures": found,
        "running_html": _running_html(snapshot, Writing(language, settings.zone)),
    }
