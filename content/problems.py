"""What is wrong with a campaign's files, said so an organiser can find and fix it: the
file, the line (YAML) or row (spreadsheet), the field, and a message in French."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str  # as the organiser knows it: "campaign.yaml", "calendar.xlsx"
    where: str  # "line 42", "row 7", or "" for the file as a whole
    field: str  # "posts[3].text.bm" (YAML) or "text_bm" (spreadsheet column)
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        place = " ".join(part for part in (self.file, self.where) if part)
        if self.field:
            place = f"{place}, {self.field}" if place else self.field
        return f"{place}: {self.message}" if place else self.message

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.is_error]


class CampaignInvalid(Exception):
    """The campaign has errors; `problems` holds all of them (warnings too), so one run
    tells the organiser everything to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        found = errors(problems)
        header = f"campagne invalide : {len(found)} erreur(s)"
        super().__init__("\n".join([header, *(str(problem) for problem in found)]))
