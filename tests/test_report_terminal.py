"""`relais report community / posts / ambassadors` tables: the people-facing cells in a
terminal, with a place under five relays shown as <5."""

from __future__ import annotations

from rich.console import Console

from bot.enums import Language
from bot.report import grids, post_grids
from bot.report.grid import Grid
from bot.report.terminal import table
from tests.indicator_values import indicators


def shown(grid: Grid) -> list[list[str]]:
    console = Console(record=True, width=200, color_system=None)
    console.print(table(grid))
    lines = console.export_text().replace("┃", "│").splitlines()
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]


def test_a_small_place_shows_under_five_in_the_terminal() -> None:
    rows = {row[0]: row[1:] for row in shown(grids.breakdown(indicators(), "place", Language.FR))}
    assert rows["kita"] == ["<5"] * 6
    assert rows["kayes"][0] == "128"
    assert rows["total"] == ["134", "52", "2", "6", "0", "1"]


def test_posts_and_ambassadors_read_in_the_organisers_language() -> None:
    posts = shown(post_grids.posts(indicators(), Language.FR))
    assert posts[0][:3] == ["publication", "date", "phase"]
    j02 = next(row for row in posts if row[0] == "j02-etude")
    assert j02[3:8] == ["image", "120", "110", "41", "37,3\u00a0%"]
    ambassadors = shown(grids.ambassadors(indicators(), Language.BM))
    assert ambassadors[0] == ["tɔgɔ dogolen", "ladonnenw", "olu fana ka ladonnenw"]
    assert ambassadors[1] == ["A.T. #4F2A", "7", "3"]


def test_markup_in_a_cell_is_printed_as_it_is() -> None:
    grid = Grid("t", ("place",), (("[bold]kita[/bold]",),), (False,))
    assert shown(grid)[1] == ["[bold]kita[/bold]"]
