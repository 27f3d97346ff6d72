"""What is wrong with a campaign's files, said so an organiser can find and fix it: the
file, the line (YAML) or row (spreadsheet), the field, and a message in the organiser's
language (a Text, rendered in French or Bambara when shown)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.enums import Language
from bot.i18n import Text, _

Severity = Literal["error", "warning"]
_WHERE = re.compile(r"^(line|row) (\d+)$")


def where_in(where: str, language: Language) -> str:
    """ "line 42" or "row 7" in the organiser's language ("ligne 42", "sira 7")."""
    found = _WHERE.match(where)
    if found is None:
        return where
    number = int(found[2])
    text = (
        _("line {number}", number=number)
        if found[1] == "line"
        else _("row {number}", number=number)
    )
    return text.render(language)


@dataclass(frozen=True)
class Where:
    """A line or row as a message's parameter, said in the reader's language."""

    where: str

    def render(self, language: Language) -> str:
        return where_in(self.where, language)


@dataclass(frozen=True)
class Problem:
    file: str  # as the organiser knows it: "campaign.yaml", "calendar.xlsx"
    where: str  # "line 42", "row 7", or "" for the file as a whole
    field: str  # "posts[3].text.bm" (YAML) or "text_bm" (spreadsheet column)
    message: Text
    severity: Severity = "error"
    # The field as the organiser finds it: a post, contest or poll by its id rather than
    # its position ("posts[p03].text.bm"); empty when it reads as `field`.
    label: str = ""

    @property
    def shown_field(self) -> str:
        return self.label or self.field

    def render(self, language: Language) -> str:
        """The whole problem in `language`: "calendar.xlsx row 7, text_bm: …"."""
        message = self.message.render(language)
        place = " ".join(part for part in (self.file, where_in(self.where, language)) if part)
        if self.shown_field:
            place = f"{place}, {self.shown_field}" if place else self.shown_field
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
            "label": self.shown_field,
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
