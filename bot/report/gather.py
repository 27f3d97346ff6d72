"""Which figures a report, the terminal or the API shows: the period (by default the
campaign's dates up to today, or all time when no campaign is named and several ran),
the filters, and the one call into the computation."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.indicators import compute
from bot.domain.indicators.figures import Filters, Indicators, Period
from bot.i18n import Text, _
from bot.models import CampaignRow, RelayEvent


class ReportRefused(Exception):
    """A period or a campaign the figures cannot be asked for; the message says why."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.msgid)
        self.message = message


class UnknownCampaign(ReportRefused):
    pass


class BadPeriod(ReportRefused):
    pass


class LongPeriod(BadPeriod):
    pass


# Three years: far beyond a campaign. The figures are worked out day by day, and a
# period of centuries kept a request busy for minutes (found by the fault suite).
MAX_PERIOD_DAYS = 3 * 366


def _first_day(session: Session, zone: ZoneInfo, campaigns: list[CampaignRow]) -> date | None:
    first_event = session.scalar(select(func.min(RelayEvent.at)))
    days = [campaign.starts_on for campaign in campaigns]
    if first_event is not None:
        days.append(first_event.astimezone(zone).date())
    return min(days, default=None)


def default_period(
    *, session: Session, campaign: str | None, zone: ZoneInfo, today: date
) -> Period:
    """The named campaign's dates up to today; with none named, the only campaign that
    ran, or all time (from the first campaign or relay) when several ran."""
    if campaign is not None:
        found = session.scalars(select(CampaignRow).where(CampaignRow.slug == campaign)).first()
        if found is None:
            raise UnknownCampaign(_("No campaign “{slug}”.", slug=campaign))
        chosen = [found]
    else:
        loaded = list(session.scalars(select(CampaignRow).order_by(CampaignRow.starts_on)))
        chosen = [row for row in loaded if row.starts_on <= today] or loaded
    if len(chosen) == 1:
        only = chosen[0]
        return Period(only.starts_on, max(only.starts_on, min(only.ends_on, today)))
    start = _first_day(session, zone, chosen) or today
    return Period(min(start, today), today)


def period_of(
    *,
    session: Session,
    campaign: str | None,
    start: date | None,
    end: date | None,
    zone: ZoneInfo,
    today: date,
) -> Period:
    """--from and --to as given, the default period for what is not."""
    if start is None or end is None:
        default = default_period(session=session, campaign=campaign, zone=zone, today=today)
        start, end = start or default.start, end or default.end
    if start > end:
        raise BadPeriod(
            _("The period starts after it ends ({start} > {end}).", start=start, end=end)
        )
    if (end - start).days >= MAX_PERIOD_DAYS:  # the figures are worked out day by day
        raise LongPeriod(_("The period is longer than {days} days.", days=MAX_PERIOD_DAYS))
    return Period(start, end)


def gather(
    *,
    session: Session,
    period: Period,
    filters: Filters,
    zone: ZoneInfo,
    min_group: int = 5,
) -> Indicators:
    """The figures for the period and filters, from the database."""
    return compute(session=session, period=period, filters=filters, zone=zone, min_group=min_group)
