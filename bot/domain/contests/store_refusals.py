"""Why a contest or poll is not stored: it has opened (answers or votes may exist), its
slug belongs to another campaign, or it has media but no campaign folder to find them in."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Text, _
from bot.models import CampaignRow, Contest, Language, Poll
from content.model import OpinionPoll, Quiz
from content.problems import CampaignInvalid, Problem


class StoreRefused(ValueError):
    """A contest or poll that cannot be stored; `message` says why, in the organiser's
    language."""

    def __init__(self, slug: str, message: Text) -> None:
        self.slug, self.message = slug, message
        super().__init__(message.render(Language.FR))


class NotChangeable(StoreRefused):
    """It exists and has opened: answers or votes may exist, it stays as it is."""

    def __init__(self, slug: str) -> None:
        message = _("“{slug}” has opened already: it can no longer change", slug=slug)
        super().__init__(slug, message)


class SlugTaken(CampaignInvalid, ValueError):
    """Identifiers that contests or polls of another campaign (or of none) already use.

    A CampaignInvalid, so `relais campaign load` lists it with the file's other problems
    and stores nothing; `slug` and `message` are those of the first one."""

    def __init__(self, problems: list[Problem], slugs: list[str]) -> None:
        super().__init__(problems)
        self.slug, self.message = slugs[0], problems[0].message


def _location(source: str, field: str) -> tuple[str, str, str]:
    """file, where, field of an item read from `source` ("campaign.yaml:42", "request")."""
    file, _colon, line = source.rpartition(":")
    return (file, f"line {line}", field) if file and line.isdigit() else (source, "", field)


def refuse_taken(
    session: Session,
    campaign_row: CampaignRow | None,
    items: list[tuple[type[Contest] | type[Poll], Quiz | OpinionPoll, str]],
) -> None:
    """Raise SlugTaken when any item's slug belongs to another campaign (or to none)."""
    own = campaign_row.id if campaign_row else None
    problems, slugs = [], []
    for model, item, field_name in items:
        found = session.execute(
            select(CampaignRow.slug, model.campaign_id)
            .select_from(model)
            .outerjoin(CampaignRow, CampaignRow.id == model.campaign_id)
            .where(model.slug == item.id)
        ).first()
        if found is None or found.campaign_id == own:
            continue
        params = {"id": item.id, "campaign": found.slug or "-"}
        message = (
            _("identifier “{id}” is already used by a contest of another campaign ({campaign})")
            if model is Contest
            else _("identifier “{id}” is already used by a poll of another campaign ({campaign})")
        )
        message = replace(message, params=params)
        problems.append(Problem(*_location(item.source, field_name), message))
        slugs.append(item.id)
    if problems:
        raise SlugTaken(problems, slugs)
