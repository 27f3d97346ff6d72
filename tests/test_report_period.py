"""Which days a report covers when not told: the named campaign's dates up to today, the
only campaign that ran, or all time when several ran; --from and --to win."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.indicators.figures import Period
from bot.domain.relays import record_event
from bot.enums import RelayEventKind
from bot.models import CampaignRow
from bot.report.gather import BadPeriod, UnknownCampaign, default_period, period_of
from tests.factories import make_relay

Factory = sessionmaker[Session]
ZONE = ZoneInfo("Africa/Bamako")
TODAY = date(2026, 12, 10)


def campaign(session: Session, slug: str, starts: date, ends: date) -> None:
    session.add(
        CampaignRow(
            slug=slug,
            name=slug,
            timezone="Africa/Bamako",
            starts_on=starts,
            ends_on=ends,
            folder=f"/campaigns/{slug}",
            settings={},
            kit={},
        )
    )


def joined(session: Session, at: datetime) -> None:
    record_event(session=session, relay=make_relay(session), kind=RelayEventKind.JOINED, now=at)


def period(factory: Factory, campaign: str | None = None) -> Period:
    with factory() as session:
        return default_period(session=session, campaign=campaign, zone=ZONE, today=TODAY)


def test_a_named_campaign_runs_from_its_start_to_today(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        campaign(session, "engageonsnous", date(2026, 12, 1), date(2026, 12, 21))
        campaign(session, "paixaumali", date(2026, 11, 1), date(2026, 11, 20))
    assert period(factory, "engageonsnous") == Period(date(2026, 12, 1), TODAY)
    assert period(factory, "paixaumali") == Period(date(2026, 11, 1), date(2026, 11, 20))


def test_with_none_named_the_only_campaign_that_ran_gives_the_dates(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        campaign(session, "engageonsnous", date(2026, 12, 1), date(2026, 12, 21))
        campaign(session, "later", date(2027, 1, 5), date(2027, 1, 30))  # not started
    assert period(factory) == Period(date(2026, 12, 1), TODAY)


def test_several_campaigns_that_ran_give_all_time(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        campaign(session, "engageonsnous", date(2026, 12, 1), date(2026, 12, 21))
        campaign(session, "paixaumali", date(2026, 11, 1), date(2026, 11, 20))
        # 23:30 UTC on 24 October is still the 24th in Bamako (UTC+0).
        joined(session, datetime(2026, 10, 24, 23, 30, tzinfo=UTC))
    assert period(factory) == Period(date(2026, 10, 24), TODAY)


def test_a_campaign_not_started_yet_covers_its_first_day(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        campaign(session, "later", date(2027, 1, 5), date(2027, 1, 30))
    assert period(factory, "later") == Period(date(2027, 1, 5), date(2027, 1, 5))


def test_with_nothing_loaded_the_period_is_today(factory: Factory) -> None:
    assert period(factory) == Period(TODAY, TODAY)


def test_an_unknown_campaign_is_refused(factory: Factory) -> None:
    with pytest.raises(UnknownCampaign) as refused:
        period(factory, "nope")
    assert refused.value.message.params == {"slug": "nope"}


def test_given_dates_win_and_must_be_in_order(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        campaign(session, "engageonsnous", date(2026, 12, 1), date(2026, 12, 21))
    with factory() as session:

        def asked(start: date | None, end: date | None) -> Period:
            return period_of(
                session=session, campaign=None, start=start, end=end, zone=ZONE, today=TODAY
            )

        assert asked(date(2026, 12, 3), None) == Period(date(2026, 12, 3), TODAY)
        assert asked(None, date(2026, 12, 7)) == Period(date(2026, 12, 1), date(2026, 12, 7))
        with pytest.raises(BadPeriod):
            asked(date(2026, 12, 8), date(2026, 12, 7))
