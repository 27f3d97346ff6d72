"""Read a campaign folder and store it, in one unit of work: all of it or nothing."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.campaign_store import LoadReport, store_campaign
from bot.models import CampaignRow
from content.loaders import load_campaign
from content.problems import Problem

logger = logging.getLogger(__name__)
SAMPLES = Path(__file__).resolve().parents[2] / "content" / "campaigns"


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


def load_samples_if_empty(factory: sessionmaker[Session], today: date) -> list[str]:
    """With no campaign at all, load the sample campaigns starting today, so the
    simulator has posts to show; returns the slugs loaded."""
    with factory() as session:
        if session.scalar(select(func.count()).select_from(CampaignRow)):
            return []
    loaded = []
    for folder in sorted(SAMPLES.iterdir()):
        if (folder / "campaign.yaml").is_file():
            report, _warnings = load_into(factory, folder, starting=today)
            loaded.append(folder.name)
            logger.info("sample campaign %s loaded (%d posts)", folder.name, len(report.created))
    return loaded
