"""Store a validated campaign: upsert its posts without ever re-sending one (and its
contests and polls, by bot.domain.contests.store, without changing one that has opened).

A post that has not gone out is updated to what the file says; one that has gone out is
never changed (its deliveries exist, one per relay); a future post removed from the file
is withdrawn. Loading the same file twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.contests.store import Changes, store_quizzes
from bot.models import CampaignRow, PostRow, PostStatus
from content.model import Campaign, Kit, Post, QuietHours

QUIET_GRACE = timedelta(hours=1)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    # Changed in the file after it went out: relays already have it, nothing is re-sent.
    kept_as_sent: list[str] = field(default_factory=list)
    contests: Changes = field(default_factory=Changes)
    polls: Changes = field(default_factory=Changes)

    @property
    def changed(self) -> bool:
        posts = bool(self.created or self.updated or self.withdrawn)
        return posts or self.contests.changed or self.polls.changed


def due_window(
    day: date, at: time, zone: ZoneInfo, quiet: QuietHours | None
) -> tuple[datetime, datetime]:
    """When a post is due, in UTC: from its time until the end of its day — or, when quiet
    hours run overnight, until an hour after they end the next morning, so a post they
    deferred still goes out and a relay joining late that evening still gets it."""
    starts = datetime.combine(day, at, tzinfo=zone)
    if quiet is not None and quiet.start > quiet.end:
        ends = datetime.combine(day + timedelta(days=1), quiet.end, tzinfo=zone) + QUIET_GRACE
    else:
        ends = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def _content(post: Post) -> dict[str, Any]:
    return {
        "text": dict(post.text),
        "sms": dict(post.sms),
        "media": dict(post.media),
        "hashtags": list(post.hashtags),
        "templates": {
            language: {"sid": template.sid, "variables": dict(template.variables)}
            for language, template in post.templates.items()
        },
        "single_language": post.single_language,
    }


def _audience(post: Post) -> dict[str, Any]:
    audience = post.audience
    return {
        "languages": list(audience.languages),
        "places": list(audience.places),
        "roles": list(audience.roles),
    }


def _kit(kit: Kit) -> dict[str, Any]:
    return {
        "what": kit.what,
        "who": kit.who,
        "when": kit.when,
        "why": kit.why,
        "accounts_to_follow": list(kit.accounts_to_follow),
        "hashtags": list(kit.hashtags),
        "decision_makers": list(kit.decision_makers),
        "messages": kit.messages,
        "links": [{"label": link.label, "url": link.url} for link in kit.links],
        "media": kit.media,
    }


def _settings(campaign: Campaign) -> dict[str, Any]:
    quiet = campaign.quiet_hours
    return {
        "hashtags": list(campaign.hashtags),
        "fallback_language": campaign.fallback_language,
        "quiet_hours": None
        if quiet is None
        else {"start": quiet.start.strftime("%H:%M"), "end": quiet.end.strftime("%H:%M")},
        "places": list(campaign.places),
        "channels": list(campaign.channels),
        "phases": [{"id": phase.id, "name": phase.name} for phase in campaign.phases],
    }


def _version(content: dict[str, Any], audience: dict[str, Any], scheduled: datetime) -> str:
    document = json.dumps([content, audience, scheduled.isoformat()], sort_keys=True)
    return hashlib.sha256(document.encode()).hexdigest()


def store_campaign(
    *, session: Session, campaign: Campaign, now: datetime, shift_days: int = 0
) -> LoadReport:
    """Upsert the campaign and its posts; `shift_days` moves every date (a rehearsal)."""
    shift = timedelta(days=shift_days)
    zone = ZoneInfo(campaign.timezone)
    row = session.scalars(select(CampaignRow).where(CampaignRow.slug == campaign.slug)).first()
    if row is None:
        row = CampaignRow(slug=campaign.slug)
        session.add(row)
    row.name = campaign.name
    row.timezone = campaign.timezone
    row.starts_on = campaign.start + shift
    row.ends_on = campaign.end + shift
    row.folder = str(campaign.folder.resolve())
    row.settings = _settings(campaign)
    row.kit = _kit(campaign.kit)
    row.loaded_at = now
    session.flush()

    report = LoadReport()
    existing = {
        post.slug: post
        for post in session.scalars(select(PostRow).where(PostRow.campaign_id == row.id))
    }
    for post in campaign.posts:
        scheduled, expires = due_window(post.day + shift, post.at, zone, campaign.quiet_hours)
        content, audience = _content(post), _audience(post)
        version = _version(content, audience, scheduled)
        status = PostStatus(post.status)
        stored = existing.pop(post.id, None)
        if stored is None:
            session.add(
                PostRow(
                    campaign_id=row.id,
                    slug=post.id,
                    phase=post.phase,
                    status=status,
                    scheduled_at=scheduled,
                    expires_at=expires,
                    audience=audience,
                    content=content,
                    version=version,
                    created_at=now,
                )
            )
            report.created.append(post.id)
        elif stored.version == version and stored.status is status:
            report.unchanged.append(post.id)
        elif stored.first_sent_at is not None:
            report.kept_as_sent.append(post.id)
        else:
            stored.phase = post.phase
            stored.status = status
            stored.scheduled_at, stored.expires_at = scheduled, expires
            stored.audience, stored.content, stored.version = audience, content, version
            report.updated.append(post.id)
    for slug, stored in existing.items():
        if stored.first_sent_at is None and stored.status is not PostStatus.WITHDRAWN:
            stored.status = PostStatus.WITHDRAWN
            report.withdrawn.append(slug)
    quizzes = store_quizzes(
        session=session,
        campaign_row=row,
        quizzes=campaign.quizzes,
        polls=campaign.polls,
        zone=zone,
        now=now,
        shift_days=shift_days,
    )
    report.contests, report.polls = quizzes.contests, quizzes.polls
    session.flush()
    return report
