"""A broadcast's voice note or picture given as a file (`relais broadcast create --bm-voice`).

It is copied, under its SHA-256, into the `_broadcasts/` folder of the campaign running
(or loaded last), and named like a post's media ("<campaign>/_broadcasts/<sha>.ogg"), so
every channel sends it the way it sends campaign files (bot/domain/media_library.py).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.media_library import digest
from bot.models import CampaignRow
from content.media_kinds import media_kind

FOLDER = "_broadcasts"


class NoCampaign(LookupError):
    """No campaign is loaded: there is no folder to keep the file in."""


def store(*, session: Session, path: Path, now: datetime) -> dict[str, Any]:
    """Keep a copy of `path` where the bot's media are sent from; returns the broadcast's
    media entry ({"kind", "path"}). The same file twice is stored once."""
    today = now.date()
    campaigns = session.scalars(select(CampaignRow).order_by(CampaignRow.loaded_at.desc())).all()
    running = [c for c in campaigns if c.starts_on <= today <= c.ends_on]
    campaign = next(iter(running or campaigns), None)
    if campaign is None:
        raise NoCampaign
    name = f"{digest(path)}{path.suffix.lower()}"
    target = Path(campaign.folder) / FOLDER / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(path, target)
    return {"kind": media_kind(path.name), "path": f"{campaign.slug}/{FOLDER}/{name}"}
