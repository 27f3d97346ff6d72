"""A people-facing table as text cells, read the same in report.html and in the terminal."""

from __future__ import annotations

from dataclasses import dataclass

from bot.enums import Language
from bot.i18n import Text


@dataclass(frozen=True)
class Grid:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    note: str = ""


def grid(
    title: Text,
    columns: list[tuple[Text, bool]],
    rows: list[list[str]],
    language: Language,
    note: Text | None = None,
) -> Grid:
    return Grid(
        title=title.render(language),
        headers=tuple(header.render(language) for header, _numeric in columns),
        rows=tuple(tuple(row) for row in rows),
        numeric=tuple(numeric for _header, numeric in columns),
        note=note.render(language) if note else "",
    )
