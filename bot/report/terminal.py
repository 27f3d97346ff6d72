"""The people-facing tables in a terminal, through rich (`relais report community`,
`posts`, `ambassadors`): the same cells as report.html, the `<5` rule included."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text as Plain

from bot.report.grid import Grid


def table(grid: Grid) -> Table:
    shown = Table(
        title=grid.title,
        title_justify="left",
        caption=grid.note or None,
        caption_justify="left",
    )
    for header, numeric in zip(grid.headers, grid.numeric, strict=True):
        shown.add_column(header, justify="right" if numeric else "left", overflow="fold")
    for row in grid.rows:
        # Plain text: a place or a pseudonym is never read as rich markup.
        shown.add_row(*(Plain(cell) for cell in row))
    return shown
