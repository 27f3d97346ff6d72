"""Days a campaign's own texts name, filled in from the dates stored: `{start}` and `{end}`
(the campaign's first and last days) in the kit and in posts, and `{date}` (the post's
own day) in a post. A calendar moved by `campaign load --starting`, or the sample
campaigns the simulator starts today, then still says the right days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.enums import Language
from bot.i18n import _
from bot.models import CampaignRow, PostRow

PLACEHOLDER = re.compile(r"\{(start|end|date)\}")


@dataclass(frozen=True)
class LongDay:
    """A day with its year, as the reader writes it: "1er décembre 2026",
    "desanburukalo tile 5, 2026"."""

    day: date

    def render(self, language: Language) -> str:
        from babel.dates import format_date  # on the first date written, not at start

        month = format_date(self.day, "MMMM", locale=language.value)
        values = {"day": self.day.day, "month": month, "year": self.day.year}
        if self.day.day == 1:
            return _("1st {month} {year}", **values).render(language)
        return _("{day} {month} {year}", **values).render(language)


def fill_dates(
    text: str, language: Language, *, start: date, end: date, day: date | None = None
) -> str:
    """`text` with its date placeholders written out; other braces are left as they are."""
    values = {"start": start, "end": end, "date": day}

    def written(match: re.Match[str]) -> str:
        value = values[match[1]]
        return LongDay(value).render(language) if value is not None else match[0]

    return PLACEHOLDER.sub(written, text)


def campaign_text(text: str, language: Language, campaign: CampaignRow) -> str:
    return fill_dates(text, language, start=campaign.starts_on, end=campaign.ends_on)


def post_text(text: str, language: Language, post: PostRow, campaign: CampaignRow) -> str:
    day = post.scheduled_at.astimezone(ZoneInfo(campaign.timezone)).date()
    return fill_dates(text, language, start=campaign.starts_on, end=campaign.ends_on, day=day)
