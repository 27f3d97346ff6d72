"""GET /admin/posts: the editorial calendar, by campaign, phase and day, each post with
its status and figures; GET /admin/posts/{campaign}/{post_id}: one post in both
languages, its media, and where its deliveries stand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.domain.post_calendar import (
    CalendarPost,
    CalendarStatus,
    calendar,
    campaigns,
    find_post,
    one_post,
)
from bot.domain.post_deliveries import Breakdown, breakdown
from bot.enums import Language
from bot.i18n import _
from bot.models import CampaignRow
from bot.report import names
from bot.web.admin import pages
from bot.web.admin.auth import Organiser
from bot.web.admin.overview_figures import Writing
from bot.web.services import ServicesDep
from content.media_kinds import media_kind

router = APIRouter(prefix="/admin", include_in_schema=False)

STATUS_NAMES = {
    CalendarStatus.DRAFT: _("Draft"),
    CalendarStatus.READY: _("Ready"),
    CalendarStatus.QUEUED: _("Queued"),
    CalendarStatus.SENT: _("Sent"),
    CalendarStatus.WITHDRAWN: _("Withdrawn"),
}


@dataclass
class Day:
    day: date
    posts: list[CalendarPost] = field(default_factory=list)


@dataclass
class Phase:
    id: str
    name: str
    days: list[Day] = field(default_factory=list)


@dataclass(frozen=True)
class Shown:
    campaign: CampaignRow
    phases: list[Phase]
    counts: dict[CalendarStatus, int]


def phase_name(campaign: CampaignRow, phase: str, language: Language) -> str:
    for item in campaign.settings.get("phases") or []:
        if item.get("id") == phase:
            named: dict[str, str] = item.get("name") or {}
            return named.get(language.value) or next(iter(named.values()), phase)
    return phase


def by_phase_and_day(
    campaign: CampaignRow, posts: list[CalendarPost], language: Language
) -> list[Phase]:
    """Posts in time order, cut into runs of one phase, each cut into days."""
    phases: list[Phase] = []
    for post in posts:
        if not phases or phases[-1].id != post.phase:
            phases.append(Phase(post.phase, phase_name(campaign, post.phase, language)))
        days = phases[-1].days
        if not days or days[-1].day != post.day:
            days.append(Day(post.day))
        days[-1].posts.append(post)
    return phases


def status_names(language: Language) -> dict[str, str]:
    return {key.value: name.render(language) for key, name in STATUS_NAMES.items()}


@router.get("/posts", response_class=HTMLResponse)
async def posts_page(
    request: Request,
    organiser: Organiser,
    services: ServicesDep,
    campaign: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    zone, language = services.settings.zone, pages.language(request)

    def query(session: Session) -> tuple[list[str], list[Shown]]:
        loaded = campaigns(session)
        chosen = [row for row in loaded if campaign in (None, row.slug)]
        if campaign is not None and not chosen:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign")
        shown = []
        for row in chosen:
            posts = calendar(session=session, campaign=row, zone=zone)
            counts = {key: sum(post.status is key for post in posts) for key in CalendarStatus}
            shown.append(Shown(row, by_phase_and_day(row, posts, language), counts))
        return [row.slug for row in loaded], shown

    slugs, shown = await services.read(query)
    return pages.render(
        request,
        "admin/posts.html",
        {
            "campaigns": slugs,
            "campaign": campaign,
            "shown": shown,
            "statuses": status_names(language),
            "write": Writing(language, zone),
        },
        organiser=organiser,
    )


@dataclass(frozen=True)
class Version:
    """The post in one language, as relays reading it receive it."""

    language: str
    name: str
    text: str
    sms: str
    media: str | None  # the /media URL
    kind: str | None  # photo, voice, video, document


def versions(post: CalendarPost, language: Language) -> list[Version]:
    content = post.content
    texts: dict[str, str] = content.get("text") or {}
    sms: dict[str, str] = content.get("sms") or {}
    media: dict[str, str] = content.get("media") or {}
    found = []
    for code in ("fr", "bm"):
        path = media.get(code)
        try:
            kind: str | None = media_kind(path) if path else None
        except ValueError:
            kind = "document"
        found.append(
            Version(
                language=code,
                name=names.spoken(code, language),
                text=texts.get(code, ""),
                sms=sms.get(code, ""),
                media=f"/media/{post.campaign}/{path}" if path else None,
                kind=kind,
            )
        )
    return found


@router.get("/posts/{campaign}/{post_id}", response_class=HTMLResponse)
async def post_page(
    request: Request, organiser: Organiser, services: ServicesDep, campaign: str, post_id: str
) -> Response:
    zone, language = services.settings.zone, pages.language(request)

    def query(session: Session) -> tuple[CampaignRow, CalendarPost, Breakdown]:
        found = find_post(session=session, campaign=campaign, post_id=post_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such post")
        row, post = found
        shown = one_post(session=session, campaign=row, row=post, zone=zone)
        return row, shown, breakdown(session=session, campaign=row, row=post, zone=zone)

    row, post, delivered = await services.read(query)
    context: dict[str, Any] = {
        "row": row,
        "post": post,
        "phase": phase_name(row, post.phase, language),
        "versions": versions(post, language),
        "breakdown": delivered,
        "channel_name": lambda key: names.channel(key, language),
        "language_name": lambda key: names.spoken(key, language),
        "min_group": services.settings.min_group,
        "statuses": status_names(language),
        "write": Writing(language, zone),
    }
    return pages.render(request, "admin/post.html", context, organiser=organiser)
