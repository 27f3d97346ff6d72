"""Quiet hours: the night hours in which nothing the relay did not ask for is sent.

A campaign sets them (campaign.yaml `quiet_hours`, 21:00–07:00 unless it says otherwise,
or `none`). They hold every push: daily posts, contest questions and results, polls and
their results, nudges, and broadcasts not marked urgent. A push due in quiet hours is
deferred, never dropped: it leaves when they end. Replies to what a relay just wrote are
never held.

A push that belongs to a campaign (a post, a contest, a poll) follows that campaign's
quiet hours; one that does not (a broadcast, a nudge) follows the campaigns running today,
or, when none is, the campaign loaded last. With no campaign loaded there are none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import CampaignRow


@dataclass(frozen=True)
class QuietHours:
    """From `start` to `end` every day, local time in `zone` (over midnight when start > end)."""

    start: time
    end: time
    zone: ZoneInfo

    def holds(self, now: datetime) -> bool:
        local = now.astimezone(self.zone).time()
        if self.start > self.end:
            return self.start <= local or local < self.end
        return self.start <= local < self.end

    def ends(self, now: datetime) -> datetime | None:
        """When the quiet hours `now` is in end (UTC); None when `now` is not in them."""
        if not self.holds(now):
            return None
        local = now.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.zone)
        return end.astimezone(now.tzinfo)

    def next_end(self, now: datetime) -> datetime:
        """The next time quiet hours end after `now` (the clock wakes then)."""
        local = now.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.zone)
        return end.astimezone(now.tzinfo)


def of_campaign(campaign: CampaignRow) -> QuietHours | None:
    quiet = campaign.settings.get("quiet_hours")
    if not quiet:
        return None
    return QuietHours(
        time.fromisoformat(quiet["start"]),
        time.fromisoformat(quiet["end"]),
        ZoneInfo(campaign.timezone),
    )


def governing(
    *, session: Session, now: datetime, campaign_id: int | None = None
) -> list[QuietHours]:
    """The quiet hours a push follows (see the module's docstring)."""
    if campaign_id is not None:
        campaign = session.get(CampaignRow, campaign_id)
        if campaign is not None:
            return [found] if (found := of_campaign(campaign)) else []
    campaigns = session.scalars(select(CampaignRow).order_by(CampaignRow.loaded_at.desc())).all()
    running = [
        campaign
        for campaign in campaigns
        if campaign.starts_on
        <= now.astimezone(ZoneInfo(campaign.timezone)).date()
        <= campaign.ends_on
    ]
    chosen = running or list(campaigns[:1])
    return [found for campaign in chosen if (found := of_campaign(campaign)) is not None]


def held_until(
    *, session: Session, now: datetime, campaign_id: int | None = None
) -> datetime | None:
    """When a push due `now` may leave, if quiet hours hold it; None: it may leave now."""
    ends = [
        end
        for quiet in governing(session=session, now=now, campaign_id=campaign_id)
        if (end := quiet.ends(now)) is not None
    ]
    return max(ends, default=None)


def next_ends(*, session: Session, now: datetime) -> list[datetime]:
    """When each loaded campaign's quiet hours next end: what was held may leave then."""
    campaigns = session.scalars(select(CampaignRow)).all()
    return [quiet.next_end(now) for c in campaigns if (quiet := of_campaign(c)) is not None]
