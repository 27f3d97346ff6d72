"""What is wrong with a campaign's files, said so an organiser can find and fix it: the
file, the line (YAML) or row (spreadsheet), the field, and a message in the organiser's
language (a Text, rendered in French or Bambara when shown)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.enums import Language
from bot.i18n import Text, _

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str  # as the organiser knows it: "campaign.yaml", "calendar.xlsx"
    where: str  # "line 42", "row 7", or "" for the file as a whole
    field: str  # "posts[3].text.bm" (YAML) or "text_bm" (spreadsheet column)
    message: Text
    severity: Severity = "error"

    def render(self, language: Language) -> str:
        """The whole problem in `language`: "calendar.xlsx row 7, text_bm: …"."""
        message = self.message.render(language)
        place = " ".join(part for part in (self.file, self.where) if part)
        if self.field:
            place = f"{place}, {self.field}" if place else self.field
        return f"{place}: {message}" if place else message

    def __str__(self) -> str:
        return self.render(Language.FR)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self, language: Language) -> dict[str, str]:
        """file, where, field, message (rendered in `language`) and severity."""
        return {
            "file": self.file,
            "where": self.where,
            "field": self.field,
            "message": self.message.render(language),
            "severity": self.severity,
        }


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.is_error]


class CampaignInvalid(Exception):
    """The campaign has errors; `problems` holds all of them (warnings too), so one run
    tells the organiser everything to fix. The exception's own text is in French."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        found = errors(problems)
        header = _("invalid campaign: {count} error(s)", count=len(found)).render(Language.FR)
        super().__init__("\n".join([header, *(str(problem) for problem in found)]))
