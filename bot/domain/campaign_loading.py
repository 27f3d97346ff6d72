"""Read a campaign folder and store it, in one unit of work: all of it or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.campaign_store import LoadReport, store_campaign
from content.loaders import load_campaign
from content.problems import Problem


def load_into(
    factory: sessionmaker[Session], path: Path, *, starting: date | None = None
) -> tuple[LoadReport, list[Problem]]:
    """Validate then store; `starting` moves the whole calendar to begin that day.

    Raises content.problems.CampaignInvalid, with every problem, before touching the
    database when the files have errors.
    """
    campaign, warnings = load_campaign(path)
    shift = (starting - campaign.start).days if starting is not None else 0
    with unit_of_work(factory) as session:
        report = store_campaign(
            session=session, campaign=campaign, now=datetime.now(UTC), shift_days=shift
        )
    return report, warnings
