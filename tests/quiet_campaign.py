"""A campaign row with quiet hours, for the tests of what they hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.models import CampaignRow

NIGHT = {"start": "21:00", "end": "07:00"}


def add_campaign(
    factory: sessionmaker[Session], *, quiet: dict[str, str], around: date | None = None
) -> int:
    """A campaign running around `around` (today by default) with these quiet hours."""
    day = around or datetime.now(UTC).date()
    with unit_of_work(factory) as session:
        row = CampaignRow(
            slug="engageonsnous",
            name="#EngageonsNous",
            timezone="Africa/Bamako",
            starts_on=day - timedelta(days=2),
            ends_on=day + timedelta(days=20),
            folder=".",
            settings={"quiet_hours": quiet},
            kit={},
        )
        session.add(row)
        session.flush()
        return row.id


def quiet_now() -> dict[str, str]:
    """Quiet hours from an hour ago to an hour from now, Bamako time."""
    now = datetime.now(ZoneInfo("Africa/Bamako"))
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
