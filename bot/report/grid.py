"""A people-facing table as text cells, read the same in report.html and in the terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.enums import Language
from bot.i18n import Text
from bot.report.cells import number, percent

Item = TypeVar("Item")


@dataclass(frozen=True)
class Grid:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    note: str = ""


@dataclass(frozen=True)
class Column(Generic[Item]):
    """A column of a table with one row per item: its header beside how an item reads in
    it, so that the two cannot drift apart."""

    header: Text
    cell: Callable[[Item, Language], str]
    numeric: bool = True


def count(header: Text, name: str) -> Column[Any]:
    """The item's figure `name`, a number."""
    return Column(header, lambda item, language: number(getattr(item, name), language))


def share(header: Text, name: str) -> Column[Any]:
    """The item's rate `name`, a percentage."""
    return Column(header, lambda item, language: percent(getattr(item, name), language))


def label(header: Text, name: str) -> Column[Any]:
    """The item's name or key `name`, as it is."""
    return Column(header, lambda item, _language: str(getattr(item, name)), numeric=False)


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


def table(
    title: Text,
    columns: Sequence[Column[Item]],
    items: Iterable[Item],
    language: Language,
    note: Text | None = None,
) -> Grid:
    """A grid with one row per item."""
    headers = [(column.header, column.numeric) for column in columns]
    rows = [[column.cell(item, language) for column in columns] for item in items]
    return grid(title, headers, rows, language, note)
