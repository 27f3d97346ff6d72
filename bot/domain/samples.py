"""The sample campaigns `relais serve` starts today while no campaign is loaded."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import CampaignRow

logger = logging.getLogger(__name__)
SAMPLES = Path(__file__).resolve().parents[2] / "content" / "campaigns"


def load_samples_if_empty(factory: sessionmaker[Session], today: date) -> list[str]:
    """With no campaign at all, load the sample campaigns starting today, so the
    simulator has posts to show; returns the slugs loaded. The campaign files' readers
    are imported only then: every later start finds a campaign and skips them."""
    with factory() as session:
        if session.scalar(select(func.count()).select_from(CampaignRow)):
            return []
    from bot.domain.campaign_loading import load_into

    loaded = []
    for folder in sorted(SAMPLES.iterdir()):
        if (folder / "campaign.yaml").is_file():
            report, _warnings = load_into(factory, folder, starting=today)
            loaded.append(folder.name)
            logger.info("sample campaign %s loaded (%d posts)", folder.name, len(report.created))
    return loaded
